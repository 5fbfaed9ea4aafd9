// Scaffolded by harness; yours to edit.

package service

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	samples "github.com/harness-sh/harness/applications/samples/backend/samples"
	"github.com/harness-sh/harness/runtime/httpapi"
)

// parallel runs f(0) to f(n-1) at once, released together, and returns
// when all are done.
func parallel(n int, f func(i int)) {
	var start, done sync.WaitGroup
	start.Add(1)
	for i := range n {
		done.Go(func() {
			start.Wait()
			f(i)
		})
	}
	start.Done()
	done.Wait()
}

// Creates at once: each distinct one is stored and listed, and of those
// racing for one email (in different cases) exactly one wins, the others
// answer 409.
func TestParallelCreates(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	const n = 24
	statuses := make([]string, 2*n)
	ids := make([]int64, n)
	parallel(2*n, func(i int) {
		email := fmt.Sprintf("p%d@example.org", i)
		if i >= n {
			// Racers for three addresses, written in either case.
			email = fmt.Sprintf("same%d@example.org", i%3)
			if i%2 == 0 {
				email = strings.ToUpper(email)
			}
		}
		res, err := e.api.CreatePassenger(ctx, samples.CreatePassengerRequest{Body: samples.NewPassenger{
			Name: fmt.Sprintf("P%d", i), Email: email, Nationality: "GB"}})
		switch r := res.(type) {
		case *samples.CreatePassenger201JSONResponse:
			statuses[i] = "201"
			if i < n {
				ids[i] = r.Body.ID
			}
		case *samples.CreatePassenger409JSONResponse:
			statuses[i] = "409"
		default:
			statuses[i] = fmt.Sprintf("%#v %v", res, err)
		}
	})
	for i := range n {
		if statuses[i] != "201" {
			t.Errorf("create %d: %s", i, statuses[i])
		}
	}
	won := map[int]int{}
	for i := n; i < 2*n; i++ {
		switch statuses[i] {
		case "201":
			won[i%3]++
		case "409":
		default:
			t.Errorf("racer %d: %s", i, statuses[i])
		}
	}
	if len(won) != 3 || won[0] != 1 || won[1] != 1 || won[2] != 1 {
		t.Errorf("winners per email %v, want one each", won)
	}

	var page samples.PassengerPage
	call(t, "GET", e.url+"/passengers?limit=100", "").decode(t, &page)
	if page.Total != n+3 || len(page.Passengers) != n+3 {
		t.Fatalf("listed %d of %d, want %d", len(page.Passengers), page.Total, n+3)
	}
	listed := map[int64]bool{}
	for _, p := range page.Passengers {
		listed[p.ID] = true
	}
	for i, id := range ids {
		if !listed[id] {
			t.Errorf("passenger %d (id %d) is not listed", i, id)
		}
	}
}

// Updates of one passenger at once: none is lost. Each answers a version
// of its own, the last one is what is stored, and updates of different
// fields all land even when they interleave.
func TestParallelUpdates(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ada := e.createPassenger(t, "Ada", "ada@example.org", "GB")

	t.Run("one field", func(t *testing.T) {
		const n = 20
		versions := make([]int64, n)
		phones := map[int64]string{}
		var mu sync.Mutex
		parallel(n, func(i int) {
			phone := fmt.Sprintf("+4410000000%02d", i)
			res, err := e.api.UpdatePassenger(ctx, samples.UpdatePassengerRequest{PassengerID: ada.ID,
				Body: samples.PassengerPatch{Phone: httpapi.NewNullable(phone)}})
			if r, ok := res.(*samples.UpdatePassenger200JSONResponse); ok && *r.Body.Phone == phone {
				mu.Lock()
				defer mu.Unlock()
				versions[i] = r.Body.Version
				phones[r.Body.Version] = phone
				return
			}
			t.Errorf("update %d: %#v %v", i, res, err)
		})
		slices.Sort(versions)
		for i, v := range versions {
			if v != int64(i+2) {
				t.Fatalf("versions answered %v, want 2 to %d once each", versions, n+1)
			}
		}
		var got samples.Passenger
		call(t, "GET", e.passengerURL(ada.ID), "").decode(t, &got)
		if got.Version != n+1 || *got.Phone != phones[n+1] {
			t.Errorf("stored version %d, phone %s; want %d, %s (the last update's)", got.Version, *got.Phone, n+1, phones[n+1])
		}
	})

	t.Run("different fields", func(t *testing.T) {
		var before samples.Passenger
		call(t, "GET", e.passengerURL(ada.ID), "").decode(t, &before)
		const rounds = 10
		// Three writers, one field each, each writing its values in order:
		// the last value of each must be stored.
		patches := []func(k int) samples.PassengerPatch{
			func(k int) samples.PassengerPatch { return samples.PassengerPatch{Name: ptr(fmt.Sprintf("Ada %d", k))} },
			func(k int) samples.PassengerPatch {
				return samples.PassengerPatch{Nationality: ptr(fmt.Sprintf("%c%c", 'A'+k, 'A'+k))}
			},
			func(k int) samples.PassengerPatch {
				return samples.PassengerPatch{Phone: httpapi.NewNullable(fmt.Sprintf("+3310000000%02d", k))}
			},
		}
		parallel(len(patches), func(w int) {
			for k := range rounds {
				res, err := e.api.UpdatePassenger(ctx, samples.UpdatePassengerRequest{PassengerID: ada.ID, Body: patches[w](k)})
				if !is[*samples.UpdatePassenger200JSONResponse](res) {
					t.Errorf("writer %d, round %d: %#v %v", w, k, res, err)
				}
			}
		})
		var got samples.Passenger
		call(t, "GET", e.passengerURL(ada.ID), "").decode(t, &got)
		last := rounds - 1
		want := samples.Passenger{Name: fmt.Sprintf("Ada %d", last), Nationality: fmt.Sprintf("%c%c", 'A'+last, 'A'+last),
			Version: before.Version + 3*rounds}
		if got.Name != want.Name || got.Nationality != want.Nationality || *got.Phone != fmt.Sprintf("+3310000000%02d", last) || got.Version != want.Version {
			t.Errorf("stored %+v (phone %s), want name %q, nationality %q, version %d", got, *got.Phone, want.Name, want.Nationality, want.Version)
		}
	})
}
