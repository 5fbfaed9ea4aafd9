// Scaffolded by harness; yours to edit.

package service

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	samples "github.com/harness-sh/harness/applications/samples/backend/samples"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// errNotFound is a row that is not there.
var errNotFound = errors.New("not found")

// conflictError is a write that a constraint of the schema refused: the
// service answers it 409. Field, when set, is the body's field at fault.
type conflictError struct {
	Field, Detail string
}

func (e *conflictError) Error() string { return e.Detail }

// The constraints of ../database/migrations whose violation is the
// client's doing, not the service's.
const (
	emailKey          = "passengers_email_key"
	tripFlightKey     = "trips_passenger_flight_key"
	tripSeatKey       = "trips_seat_key"
	tripPassengerFKey = "trips_passenger_id_fkey"
)

// Codes of PostgreSQL errors (Appendix A of its manual).
const (
	uniqueViolation     = "23505"
	foreignKeyViolation = "23503"
)

// violation returns the constraint that err violated with code, or "".
func violation(err error, code string) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == code {
		return pe.ConstraintName
	}
	return ""
}

// store is the service's SQL, on the tables of ../database/migrations.
type store struct{ db *pgxpool.Pool }

// readOnly runs f in a read-only transaction that sees one snapshot, so
// that a page and its total agree.
func (st store) readOnly(ctx context.Context, f func(pgx.Tx) error) error {
	return pgx.BeginTxFunc(ctx, st.db, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, f)
}

func (st store) createItem(ctx context.Context, n samples.NewItem) (samples.Item, error) {
	tags := n.Tags
	if tags == nil {
		tags = []string{}
	}
	item := samples.Item{Name: n.Name, Tags: n.Tags}
	err := st.db.QueryRow(ctx, "INSERT INTO items (name, tags) VALUES ($1, $2) RETURNING id", n.Name, tags).Scan(&item.ID)
	if err != nil {
		return item, fmt.Errorf("insert item: %w", err)
	}
	return item, nil
}

func (st store) item(ctx context.Context, id int64) (samples.Item, error) {
	var item samples.Item
	err := st.db.QueryRow(ctx, "SELECT id, name, tags FROM items WHERE id = $1", id).Scan(&item.ID, &item.Name, &item.Tags)
	if errors.Is(err, pgx.ErrNoRows) {
		return item, errNotFound
	}
	if len(item.Tags) == 0 {
		item.Tags = nil
	}
	if err != nil {
		return item, fmt.Errorf("select item %d: %w", id, err)
	}
	return item, nil
}

func (st store) items(ctx context.Context, limit, offset int64) (samples.ItemPage, error) {
	page := samples.ItemPage{Items: []samples.Item{}}
	err := st.readOnly(ctx, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, "SELECT count(*) FROM items").Scan(&page.Total); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, "SELECT id, name, tags FROM items ORDER BY id LIMIT $1 OFFSET $2", limit, offset)
		if err != nil {
			return err
		}
		page.Items, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (samples.Item, error) {
			var it samples.Item
			err := r.Scan(&it.ID, &it.Name, &it.Tags)
			if len(it.Tags) == 0 {
				it.Tags = nil
			}
			return it, err
		})
		return err
	})
	if err != nil {
		return page, fmt.Errorf("list items: %w", err)
	}
	return page, nil
}

// passengerColumns are scanned by scanPassenger, in this order.
const passengerColumns = "id, name, email, nationality, phone, version, created_at, updated_at"

func scanPassenger(row pgx.Row) (samples.Passenger, error) {
	var p samples.Passenger
	err := row.Scan(&p.ID, &p.Name, &p.Email, &p.Nationality, &p.Phone, &p.Version, &p.CreatedAt, &p.UpdatedAt)
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	return p, err
}

// passengerConflict turns the violation of the email's unique index into
// a conflictError, and leaves other errors as they are.
func passengerConflict(err error, email string) error {
	if violation(err, uniqueViolation) == emailKey {
		return &conflictError{Field: "email", Detail: fmt.Sprintf("%s is already registered", email)}
	}
	return err
}

func (st store) createPassenger(ctx context.Context, n samples.NewPassenger) (samples.Passenger, error) {
	p, err := scanPassenger(st.db.QueryRow(ctx,
		"INSERT INTO passengers (name, email, nationality, phone) VALUES ($1, $2, $3, $4) RETURNING "+passengerColumns,
		n.Name, n.Email, n.Nationality, n.Phone))
	if err != nil {
		return p, fmt.Errorf("insert passenger: %w", passengerConflict(err, n.Email))
	}
	return p, nil
}

func (st store) passenger(ctx context.Context, id int64) (samples.Passenger, error) {
	p, err := scanPassenger(st.db.QueryRow(ctx, "SELECT "+passengerColumns+" FROM passengers WHERE id = $1", id))
	if errors.Is(err, pgx.ErrNoRows) {
		return p, errNotFound
	}
	if err != nil {
		return p, fmt.Errorf("select passenger %d: %w", id, err)
	}
	return p, nil
}

// likeEscaper makes a string match itself in LIKE, whose default escape
// character is the backslash.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// passengerFilter is the WHERE clause of a listing: a nil filter matches
// every passenger.
const passengerFilter = `WHERE ($1::text IS NULL OR name ILIKE '%' || $1 || '%')
  AND ($2::text IS NULL OR nationality = $2)`

func (st store) passengers(ctx context.Context, req samples.ListPassengersRequest) (samples.PassengerPage, error) {
	var name *string
	if req.Name != nil {
		s := likeEscaper.Replace(*req.Name)
		name = &s
	}
	page := samples.PassengerPage{Passengers: []samples.Passenger{}}
	err := st.readOnly(ctx, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, "SELECT count(*) FROM passengers "+passengerFilter, name, req.Nationality).Scan(&page.Total); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, "SELECT "+passengerColumns+" FROM passengers "+passengerFilter+" ORDER BY id LIMIT $3 OFFSET $4",
			name, req.Nationality, req.Limit, req.Offset)
		if err != nil {
			return err
		}
		page.Passengers, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (samples.Passenger, error) { return scanPassenger(r) })
		return err
	})
	if err != nil {
		return page, fmt.Errorf("list passengers: %w", err)
	}
	return page, nil
}

// updatePassenger changes the fields the patch sets in one UPDATE: the row's
// lock orders concurrent updates, and each applies its fields to the row as
// the one before left it, so none is lost (a read-modify-write in Go would
// lose them).
func (st store) updatePassenger(ctx context.Context, id int64, patch samples.PassengerPatch) (samples.Passenger, error) {
	// Phone is absent (keep it), null (remove it) or a value: $5 says
	// whether to set it, to $6, NULL for null.
	var newPhone *string
	if phone, present := patch.Phone.Get(); present {
		newPhone = &phone
	}
	p, err := scanPassenger(st.db.QueryRow(ctx, `UPDATE passengers SET
	name = coalesce($2, name),
	email = coalesce($3, email),
	nationality = coalesce($4, nationality),
	phone = CASE WHEN $5::boolean THEN $6::text ELSE phone END,
	version = version + 1,
	updated_at = now()
WHERE id = $1
RETURNING `+passengerColumns,
		id, patch.Name, patch.Email, patch.Nationality, patch.Phone.IsSet(), newPhone))
	if errors.Is(err, pgx.ErrNoRows) {
		return p, errNotFound
	}
	if err != nil {
		email := ""
		if patch.Email != nil {
			email = *patch.Email
		}
		return p, fmt.Errorf("update passenger %d: %w", id, passengerConflict(err, email))
	}
	return p, nil
}

func (st store) deletePassenger(ctx context.Context, id int64) error {
	tag, err := st.db.Exec(ctx, "DELETE FROM passengers WHERE id = $1", id)
	if violation(err, foreignKeyViolation) == tripPassengerFKey {
		return &conflictError{Detail: fmt.Sprintf("passenger %d still has trips: cancel them first", id)}
	}
	if err != nil {
		return fmt.Errorf("delete passenger %d: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return errNotFound
	}
	return nil
}

const tripColumns = "id, passenger_id, flight, departure, seat, created_at"

func scanTrip(row pgx.Row) (samples.Trip, error) {
	var t samples.Trip
	var departure time.Time
	err := row.Scan(&t.ID, &t.PassengerID, &t.Flight, &departure, &t.Seat, &t.CreatedAt)
	t.Departure = samples.Date{Time: departure}
	t.CreatedAt = t.CreatedAt.UTC()
	return t, err
}

// createTrip books a trip. The foreign key, not a lookup before the
// INSERT, says whether the passenger exists: a passenger deleted meanwhile
// cannot end up with a trip.
func (st store) createTrip(ctx context.Context, passenger int64, n samples.NewTrip) (samples.Trip, error) {
	t, err := scanTrip(st.db.QueryRow(ctx,
		"INSERT INTO trips (passenger_id, flight, departure, seat) VALUES ($1, $2, $3, $4) RETURNING "+tripColumns,
		passenger, n.Flight, n.Departure.String(), n.Seat))
	if err == nil {
		return t, nil
	}
	on := n.Flight + " on " + n.Departure.String()
	switch {
	case violation(err, foreignKeyViolation) == tripPassengerFKey:
		return t, errNotFound
	case violation(err, uniqueViolation) == tripFlightKey:
		return t, &conflictError{Field: "flight", Detail: fmt.Sprintf("passenger %d is already booked on %s", passenger, on)}
	case violation(err, uniqueViolation) == tripSeatKey:
		return t, &conflictError{Field: "seat", Detail: fmt.Sprintf("seat %s of %s is taken", *n.Seat, on)}
	}
	return t, fmt.Errorf("insert trip: %w", err)
}

func (st store) trips(ctx context.Context, req samples.ListTripsRequest) (samples.TripPage, error) {
	page := samples.TripPage{Trips: []samples.Trip{}}
	err := st.readOnly(ctx, func(tx pgx.Tx) error {
		var exists bool
		if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT FROM passengers WHERE id = $1)", req.PassengerID).Scan(&exists); err != nil {
			return err
		}
		if !exists {
			return errNotFound
		}
		if err := tx.QueryRow(ctx, "SELECT count(*) FROM trips WHERE passenger_id = $1", req.PassengerID).Scan(&page.Total); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, "SELECT "+tripColumns+" FROM trips WHERE passenger_id = $1 ORDER BY id LIMIT $2 OFFSET $3",
			req.PassengerID, req.Limit, req.Offset)
		if err != nil {
			return err
		}
		page.Trips, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (samples.Trip, error) { return scanTrip(r) })
		return err
	})
	if errors.Is(err, errNotFound) {
		return page, err
	}
	if err != nil {
		return page, fmt.Errorf("list trips of passenger %d: %w", req.PassengerID, err)
	}
	return page, nil
}

func (st store) deleteTrip(ctx context.Context, passenger, trip int64) error {
	tag, err := st.db.Exec(ctx, "DELETE FROM trips WHERE id = $1 AND passenger_id = $2", trip, passenger)
	if err != nil {
		return fmt.Errorf("delete trip %d: %w", trip, err)
	}
	if tag.RowsAffected() == 0 {
		return errNotFound
	}
	return nil
}
