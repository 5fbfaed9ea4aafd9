// Scaffolded by harness; yours to edit.

package service

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	samples "github.com/harness-sh/harness/applications/samples/backend/samples"
)

func (e env) tripsURL(passenger int64) string { return e.passengerURL(passenger) + "/trips" }

// A passenger's trips: booked, listed a page at a time, cancelled; the
// passenger can be deleted only once they have none.
func TestTrips(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ada := e.createPassenger(t, "Ada", "ada@example.org", "GB")
	day := samples.Date{Time: time.Date(2031, 5, 17, 0, 0, 0, 0, time.UTC)}
	var trips []samples.Trip
	for i, flight := range []string{"BA117", "AF1", "LH400"} {
		seat := strconv.Itoa(i+1) + "A"
		res, err := e.api.CreateTrip(ctx, samples.CreateTripRequest{PassengerID: ada.ID,
			Body: samples.NewTrip{Flight: flight, Departure: day, Seat: &seat}})
		if err != nil {
			t.Fatal(err)
		}
		c, ok := res.(*samples.CreateTrip201JSONResponse)
		if !ok {
			t.Fatalf("book %s: %#v", flight, res)
		}
		tr := c.Body
		if tr.ID == 0 || tr.PassengerID != ada.ID || tr.Flight != flight || tr.Departure.String() != "2031-05-17" || *tr.Seat != seat || tr.CreatedAt.IsZero() {
			t.Fatalf("booked %+v", tr)
		}
		trips = append(trips, tr)
	}

	for _, tc := range []struct {
		name          string
		limit, offset int64
		want          []samples.Trip
	}{
		{"all", 20, 0, trips},
		{"first", 2, 0, trips[:2]},
		{"rest", 2, 2, trips[2:]},
		{"none", 2, 3, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := e.api.ListTrips(ctx, samples.ListTripsRequest{PassengerID: ada.ID, Limit: tc.limit, Offset: tc.offset})
			if err != nil {
				t.Fatal(err)
			}
			page, ok := res.(*samples.ListTrips200JSONResponse)
			if !ok {
				t.Fatalf("%#v", res)
			}
			if page.Body.Total != 3 || !slices.EqualFunc(page.Body.Trips, tc.want, sameTrip) {
				t.Errorf("total %d, trips %+v; want 3, %+v", page.Body.Total, page.Body.Trips, tc.want)
			}
		})
	}

	// Still booked: 409; then cancelled one by one, and deleted.
	if a := call(t, "DELETE", e.passengerURL(ada.ID), ""); a.status != 409 {
		t.Fatalf("delete a passenger with trips: %d, want 409: %s", a.status, a.body)
	}
	for _, tr := range trips {
		res, err := e.api.DeleteTrip(ctx, samples.DeleteTripRequest{PassengerID: ada.ID, TripID: tr.ID})
		if err != nil || !is[*samples.DeleteTrip204Response](res) {
			t.Fatalf("cancel trip %d: %#v %v", tr.ID, res, err)
		}
	}
	if a := call(t, "DELETE", e.passengerURL(ada.ID), ""); a.status != 204 {
		t.Fatalf("delete a passenger without trips: %d, want 204: %s", a.status, a.body)
	}
}

func sameTrip(a, b samples.Trip) bool {
	return a.ID == b.ID && a.PassengerID == b.PassengerID && a.Flight == b.Flight && a.Departure.Equal(b.Departure.Time) &&
		(a.Seat == nil) == (b.Seat == nil) && (a.Seat == nil || *a.Seat == *b.Seat) && a.CreatedAt.Equal(b.CreatedAt)
}

// The trips' error statuses: 400 naming what is invalid, 404 for a
// passenger or trip that is not there (or not the passenger's), 409 for a
// passenger booked twice on a flight or a seat taken.
func TestTripErrors(t *testing.T) {
	e := newEnv(t)
	ada := e.createPassenger(t, "Ada", "ada@example.org", "GB")
	bob := e.createPassenger(t, "Bob", "bob@example.org", "GB")
	booked := call(t, "POST", e.tripsURL(ada.ID), `{"flight":"BA117","departure":"2031-05-17","seat":"12C"}`)
	if booked.status != 201 {
		t.Fatalf("book: %d %s", booked.status, booked.body)
	}
	var trip samples.Trip
	booked.decode(t, &trip)
	adaTrips, bobTrips := e.tripsURL(ada.ID)[len(e.url):], e.tripsURL(bob.ID)[len(e.url):]
	for _, tc := range []struct {
		name, method, path, body string
		status                   int
		fields                   []string
	}{
		{"book: no passenger", "POST", "/passengers/999999/trips", `{"flight":"BA117","departure":"2031-05-17"}`, 404, nil},
		{"book: bad passenger id", "POST", "/passengers/0/trips", `{"flight":"BA117","departure":"2031-05-17"}`, 400, []string{"path passengerId"}},
		{"book: nothing", "POST", adaTrips, `{}`, 400, []string{"body departure", "body flight"}},
		{"book: bad values", "POST", adaTrips, `{"flight":"ba 117","departure":"17/05/2031","seat":"0Z"}`, 400,
			[]string{"body departure", "body flight", "body seat"}},
		{"book: no such day", "POST", adaTrips, `{"flight":"BA117","departure":"2031-02-30"}`, 400, []string{"body departure"}},
		{"book: twice", "POST", adaTrips, `{"flight":"BA117","departure":"2031-05-17"}`, 409, []string{"body flight"}},
		{"book: seat taken", "POST", bobTrips, `{"flight":"BA117","departure":"2031-05-17","seat":"12C"}`, 409, []string{"body seat"}},
		{"list: no passenger", "GET", "/passengers/999999/trips", "", 404, nil},
		{"list: bad limit", "GET", adaTrips + "?limit=x", "", 400, []string{"query limit"}},
		{"cancel: not the passenger's", "DELETE", bobTrips + "/" + strconv.FormatInt(trip.ID, 10), "", 404, nil},
		{"cancel: no trip", "DELETE", adaTrips + "/999999", "", 404, nil},
		{"cancel: bad trip id", "DELETE", adaTrips + "/0", "", 400, []string{"path tripId"}},
		{"delete passenger with trips", "DELETE", "/passengers/" + strconv.FormatInt(ada.ID, 10), "", 409, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := call(t, tc.method, e.url+tc.path, tc.body)
			if a.status != tc.status {
				t.Fatalf("%s %s: %d, want %d: %s", tc.method, tc.path, a.status, tc.status, a.body)
			}
			if got := a.fields(t); !slices.Equal(got, tc.fields) {
				t.Errorf("the %d names %q, want %q: %s", a.status, got, tc.fields, a.body)
			}
		})
	}
	// Without a seat, or on another day, Bob books the same flight; the
	// refused bookings left nothing behind.
	for _, body := range []string{`{"flight":"BA117","departure":"2031-05-17"}`, `{"flight":"BA117","departure":"2031-05-18","seat":"12C"}`} {
		if a := call(t, "POST", e.tripsURL(bob.ID), body); a.status != 201 {
			t.Errorf("book %s for Bob: %d %s", body, a.status, a.body)
		}
	}
	for id, want := range map[int64]int64{ada.ID: 1, bob.ID: 2} {
		var page samples.TripPage
		if call(t, "GET", e.tripsURL(id), "").decode(t, &page); page.Total != want {
			t.Errorf("passenger %d has %d trips, want %d", id, page.Total, want)
		}
	}
}
