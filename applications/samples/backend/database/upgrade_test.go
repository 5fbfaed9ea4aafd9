// Scaffolded by harness; yours to edit.

package database_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/harness-sh/harness/applications/samples/backend/database"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/harness-sh/harness/applications/samples/backend/database/databasetest"
)

// previous is the schema of the release before: its migrations, applied
// alone.
func previous(t *testing.T) (*pgxpool.Pool, []database.Migration) {
	t.Helper()
	ms, err := database.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) < 2 || ms[0].File != "migrations/0001_create_items.sql" {
		t.Fatalf("migrations %v: want 0001_create_items.sql, the previous release's, and more", ms)
	}
	pool := databasetest.Pool(t)
	if _, err := database.Apply(context.Background(), pool, ms[:1], quiet); err != nil {
		t.Fatal(err)
	}
	return pool, ms
}

type item struct {
	ID      int64
	Name    string
	Tags    []string
	Created time.Time
}

func items(t *testing.T, pool *pgxpool.Pool) []item {
	t.Helper()
	rows, err := pool.Query(context.Background(), "SELECT id, name, tags, created_at FROM items ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[item])
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// A database of the previous release, holding data, upgrades to the
// latest schema: the rows are kept as they were, their ids go on from
// where they were, and the new tables and constraints work.
func TestMigrateFromPrevious(t *testing.T) {
	ctx := context.Background()
	pool, ms := previous(t)
	if v, err := database.Version(ctx, pool); err != nil || v != 1 {
		t.Fatalf("previous release: version %d, %v", v, err)
	}
	for _, it := range []struct {
		name string
		tags []string
	}{{"first", []string{"a", "b"}}, {"second", []string{}}, {"third", []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}}} {
		if _, err := pool.Exec(ctx, "INSERT INTO items (name, tags) VALUES ($1, $2)", it.name, it.tags); err != nil {
			t.Fatal(err)
		}
	}
	before := items(t, pool)

	applied, err := database.Migrate(ctx, pool, quiet)
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, m := range applied {
		files = append(files, m.File)
	}
	var want []string
	for _, m := range ms[1:] {
		want = append(want, m.File)
	}
	if !slices.Equal(files, want) {
		t.Errorf("applied %q, want %q", files, want)
	}
	if v, err := database.Version(ctx, pool); err != nil || v != database.Latest() {
		t.Fatalf("version %d, want %d (%v)", v, database.Latest(), err)
	}
	if after := items(t, pool); !slices.EqualFunc(after, before, func(a, b item) bool {
		return a.ID == b.ID && a.Name == b.Name && slices.Equal(a.Tags, b.Tags) && a.Created.Equal(b.Created)
	}) {
		t.Errorf("items after the upgrade %+v, want %+v", after, before)
	}
	var id int64
	if err := pool.QueryRow(ctx, "INSERT INTO items (name) VALUES ('fourth') RETURNING id").Scan(&id); err != nil || id != before[len(before)-1].ID+1 {
		t.Errorf("new item id %d (%v), want %d", id, err, before[len(before)-1].ID+1)
	}

	// What the new migrations added holds.
	for _, tc := range []struct {
		name, sql  string
		constraint string // violated, or "" when the statement succeeds
	}{
		{"item with 11 tags", "INSERT INTO items (name, tags) VALUES ('x', '{0,1,2,3,4,5,6,7,8,9,10}')", "items_tags_limit"},
		{"passenger", "INSERT INTO passengers (name, email, nationality) VALUES ('Ada', 'ada@example.org', 'GB')", ""},
		{"email again, other case", "INSERT INTO passengers (name, email, nationality) VALUES ('Ada', 'ADA@example.org', 'GB')", "passengers_email_key"},
		{"bad nationality", "INSERT INTO passengers (name, email, nationality) VALUES ('Bob', 'bob@example.org', 'gb')", "passengers_nationality_check"},
		{"trip", "INSERT INTO trips (passenger_id, flight, departure, seat) SELECT id, 'BA1', '2031-01-01', '1A' FROM passengers", ""},
		{"trip twice", "INSERT INTO trips (passenger_id, flight, departure) SELECT id, 'BA1', '2031-01-01' FROM passengers", "trips_passenger_flight_key"},
		{"trip of nobody", "INSERT INTO trips (passenger_id, flight, departure) VALUES (999, 'BA1', '2031-01-02')", "trips_passenger_id_fkey"},
		{"passenger with a trip", "DELETE FROM passengers", "trips_passenger_id_fkey"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := pool.Exec(ctx, tc.sql)
			var pe *pgconn.PgError
			switch {
			case tc.constraint == "" && err != nil:
				t.Fatal(err)
			case tc.constraint != "" && (!errors.As(err, &pe) || pe.ConstraintName != tc.constraint):
				t.Fatalf("error %v, want a violation of %s", err, tc.constraint)
			}
		})
	}
}

// Data of the previous release that a new constraint refuses stops the
// upgrade at that migration, which is rolled back, the error naming it;
// the migrations before it stay. Once the data is fixed, the upgrade
// finishes.
func TestMigrateRefusesOldData(t *testing.T) {
	ctx := context.Background()
	pool, _ := previous(t)
	if _, err := pool.Exec(ctx, "INSERT INTO items (name, tags) VALUES ('many', '{0,1,2,3,4,5,6,7,8,9,10}')"); err != nil {
		t.Fatal(err)
	}
	_, err := database.Migrate(ctx, pool, quiet)
	if err == nil || !strings.Contains(err.Error(), "migrations/0003_limit_item_tags.sql") || !strings.Contains(err.Error(), "items_tags_limit") {
		t.Fatalf("error %v, want one naming 0003_limit_item_tags.sql and its constraint", err)
	}
	if v, _ := database.Version(ctx, pool); v != 2 {
		t.Fatalf("version %d, want 2", v)
	}
	if _, err := pool.Exec(ctx, "UPDATE items SET tags = tags[1:10]"); err != nil {
		t.Fatal(err)
	}
	applied, err := database.Migrate(ctx, pool, quiet)
	if err != nil || len(applied) != 1 || applied[0].Version != 3 {
		t.Fatalf("applied %v: %v, want 0003 alone", applied, err)
	}
}
