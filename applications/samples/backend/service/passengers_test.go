// Scaffolded by harness; yours to edit.

package service

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"testing"
	"time"

	samples "github.com/harness-sh/harness/applications/samples/backend/samples"
	"github.com/harness-sh/harness/runtime/httpapi"
)

// createPassenger registers a passenger through the generated client.
func (e env) createPassenger(t *testing.T, name, email, nationality string) samples.Passenger {
	t.Helper()
	res, err := e.api.CreatePassenger(context.Background(), samples.CreatePassengerRequest{
		Body: samples.NewPassenger{Name: name, Email: email, Nationality: nationality}})
	if err != nil {
		t.Fatal(err)
	}
	created, ok := res.(*samples.CreatePassenger201JSONResponse)
	if !ok {
		t.Fatalf("create %s: %#v", email, res)
	}
	return created.Body
}

func (e env) passengerURL(id int64) string { return e.url + "/passengers/" + strconv.FormatInt(id, 10) }

// A passenger's life through the generated client: created, read, changed
// one field at a time (phone set, then removed with null), deleted.
func TestPassengerLifecycle(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	phone := "+441234567890"
	before := time.Now().Add(-time.Minute)
	res, err := e.api.CreatePassenger(ctx, samples.CreatePassengerRequest{Body: samples.NewPassenger{
		Name: "Ada Lovelace", Email: "ada@example.org", Nationality: "GB", Phone: &phone}})
	if err != nil {
		t.Fatal(err)
	}
	created, ok := res.(*samples.CreatePassenger201JSONResponse)
	if !ok {
		t.Fatalf("create: %#v", res)
	}
	ada := created.Body
	if ada.ID == 0 || ada.Name != "Ada Lovelace" || ada.Email != "ada@example.org" || ada.Nationality != "GB" ||
		ada.Phone == nil || *ada.Phone != phone || ada.Version != 1 || ada.CreatedAt.Before(before) || !ada.UpdatedAt.Equal(ada.CreatedAt) {
		t.Fatalf("created %+v", ada)
	}
	if loc, want := created.Header.Get("Location"), "/api/passengers/"+strconv.FormatInt(ada.ID, 10); loc != want {
		t.Errorf("Location %q, want %q", loc, want)
	}

	got, err := e.api.GetPassenger(ctx, samples.GetPassengerRequest{PassengerID: ada.ID})
	if err != nil {
		t.Fatal(err)
	}
	if g, ok := got.(*samples.GetPassenger200JSONResponse); !ok || !samePassenger(g.Body, ada) {
		t.Fatalf("get %#v, want %+v", got, ada)
	}

	// Each patch changes what it holds and nothing else, and counts.
	name := "Augusta Ada King"
	steps := []struct {
		name  string
		patch samples.PassengerPatch
		want  func(p *samples.Passenger)
	}{
		{"name", samples.PassengerPatch{Name: &name}, func(p *samples.Passenger) { p.Name = name }},
		{"phone null", samples.PassengerPatch{Phone: httpapi.Null[string]()}, func(p *samples.Passenger) { p.Phone = nil }},
		{"phone", samples.PassengerPatch{Phone: httpapi.NewNullable("+15551234567")},
			func(p *samples.Passenger) { s := "+15551234567"; p.Phone = &s }},
		{"email and nationality", samples.PassengerPatch{Email: ptr("ada@example.com"), Nationality: ptr("FR")},
			func(p *samples.Passenger) { p.Email, p.Nationality = "ada@example.com", "FR" }},
	}
	want := ada
	for _, step := range steps {
		res, err := e.api.UpdatePassenger(ctx, samples.UpdatePassengerRequest{PassengerID: ada.ID, Body: step.patch})
		if err != nil {
			t.Fatal(err)
		}
		up, ok := res.(*samples.UpdatePassenger200JSONResponse)
		if !ok {
			t.Fatalf("patch %s: %#v", step.name, res)
		}
		step.want(&want)
		want.Version++
		if !samePassenger(up.Body, want) || up.Body.UpdatedAt.Before(want.UpdatedAt) {
			t.Fatalf("patch %s: %+v, want %+v", step.name, up.Body, want)
		}
		want.UpdatedAt = up.Body.UpdatedAt
	}

	del, err := e.api.DeletePassenger(ctx, samples.DeletePassengerRequest{PassengerID: ada.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := del.(*samples.DeletePassenger204Response); !ok {
		t.Fatalf("delete: %#v", del)
	}
	if got, _ := e.api.GetPassenger(ctx, samples.GetPassengerRequest{PassengerID: ada.ID}); !is[*samples.GetPassenger404JSONResponse](got) {
		t.Fatalf("get after delete: %#v", got)
	}
}

func ptr[T any](v T) *T { return &v }

func is[T any](v any) bool {
	_, ok := v.(T)
	return ok
}

// samePassenger compares all but the update time.
func samePassenger(a, b samples.Passenger) bool {
	return a.ID == b.ID && a.Name == b.Name && a.Email == b.Email && a.Nationality == b.Nationality &&
		(a.Phone == nil) == (b.Phone == nil) && (a.Phone == nil || *a.Phone == *b.Phone) &&
		a.Version == b.Version && a.CreatedAt.Equal(b.CreatedAt)
}

// Every operation on passengers answers its error statuses: 400 naming
// what is invalid, 404 for a passenger who is not there, 409 for an email
// already registered.
func TestPassengerErrors(t *testing.T) {
	e := newEnv(t)
	ada := e.createPassenger(t, "Ada", "ada@example.org", "GB")
	grace := e.createPassenger(t, "Grace", "grace@example.org", "US")
	long := fmt.Sprintf("%0101d", 0)
	for _, tc := range []struct {
		name, method, path, body string
		status                   int
		fields                   []string // of a 400 or 409
	}{
		{"create: not JSON", "POST", "/passengers", `{"name":`, 400, []string{"body"}},
		{"create: not an object", "POST", "/passengers", `[]`, 400, []string{"body"}},
		{"create: nothing", "POST", "/passengers", `{}`, 400, []string{"body email", "body name", "body nationality"}},
		{"create: no body", "POST", "/passengers", ``, 400, []string{"body"}},
		{"create: bad values", "POST", "/passengers",
			`{"name":" ","email":"not an address","nationality":"gb","phone":"0123"}`, 400,
			[]string{"body email", "body name", "body nationality", "body phone"}},
		{"create: name too long", "POST", "/passengers", `{"name":"` + long + `","email":"x@example.org","nationality":"GB"}`, 400, []string{"body name"}},
		{"create: wrong types", "POST", "/passengers", `{"name":1,"email":"x@example.org","nationality":"GB"}`, 400, []string{"body name"}},
		{"create: null phone", "POST", "/passengers", `{"name":"X","email":"x@example.org","nationality":"GB","phone":null}`, 400, []string{"body phone"}},
		{"create: email taken", "POST", "/passengers", `{"name":"Ada 2","email":"ADA@example.org","nationality":"GB"}`, 409, []string{"body email"}},
		{"get: missing", "GET", "/passengers/999999", "", 404, nil},
		{"get: id 0", "GET", "/passengers/0", "", 400, []string{"path passengerId"}},
		{"get: id not a number", "GET", "/passengers/ada", "", 400, []string{"path passengerId"}},
		{"update: missing", "PATCH", "/passengers/999999", `{"name":"X"}`, 404, nil},
		{"update: nothing to change", "PATCH", e.passengerURL(ada.ID)[len(e.url):], `{}`, 400, []string{"body"}},
		{"update: no property named", "PATCH", e.passengerURL(ada.ID)[len(e.url):], `{"nam":"x"}`, 400, []string{"body"}},
		{"update: bad values", "PATCH", e.passengerURL(ada.ID)[len(e.url):], `{"email":"@","phone":12}`, 400, []string{"body email", "body phone"}},
		{"update: null name", "PATCH", e.passengerURL(ada.ID)[len(e.url):], `{"name":null}`, 400, []string{"body name"}},
		{"update: email taken", "PATCH", e.passengerURL(ada.ID)[len(e.url):], `{"email":"Grace@Example.org"}`, 409, []string{"body email"}},
		{"update: id 0", "PATCH", "/passengers/0", `{"name":"X"}`, 400, []string{"path passengerId"}},
		{"delete: missing", "DELETE", "/passengers/999999", "", 404, nil},
		{"delete: id not a number", "DELETE", "/passengers/x", "", 400, []string{"path passengerId"}},
		{"list: limit 0", "GET", "/passengers?limit=0", "", 400, []string{"query limit"}},
		{"list: limit 101", "GET", "/passengers?limit=101", "", 400, []string{"query limit"}},
		{"list: offset -1", "GET", "/passengers?offset=-1", "", 400, []string{"query offset"}},
		{"list: empty name", "GET", "/passengers?name=", "", 400, []string{"query name"}},
		{"list: bad nationality", "GET", "/passengers?nationality=gbr", "", 400, []string{"query nationality"}},
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
	// The refused writes changed nothing.
	for _, p := range []samples.Passenger{ada, grace} {
		var got samples.Passenger
		if a := call(t, "GET", e.passengerURL(p.ID), ""); a.status != 200 {
			t.Fatalf("get %d: %d", p.ID, a.status)
		} else if a.decode(t, &got); !samePassenger(got, p) {
			t.Errorf("passenger %d is %+v after refused writes, want %+v", p.ID, got, p)
		}
	}
}

// A 409 says which email and which field, so that a form can show it.
func TestEmailConflictProblem(t *testing.T) {
	e := newEnv(t)
	e.createPassenger(t, "Ada", "ada@example.org", "GB")
	res, err := e.api.CreatePassenger(context.Background(), samples.CreatePassengerRequest{
		Body: samples.NewPassenger{Name: "Ada", Email: "Ada@Example.org", Nationality: "GB"}})
	if err != nil {
		t.Fatal(err)
	}
	c, ok := res.(*samples.CreatePassenger409JSONResponse)
	if !ok {
		t.Fatalf("%#v, want a 409", res)
	}
	p := c.Body
	if p.Status != http.StatusConflict || p.Title == nil || *p.Title != "Conflict" || p.Detail == nil || *p.Detail != "Ada@Example.org is already registered" {
		t.Errorf("problem %+v", p)
	}
	if len(p.Errors) != 1 || *p.Errors[0].Field != "email" || *p.Errors[0].Pointer != "/email" || p.Errors[0].In != samples.FieldErrorInBody {
		t.Errorf("problem errors %+v", p.Errors)
	}
}

// Listing pages through the passengers by id, filtered by a part of the
// name (any case, % and _ taken literally) and by nationality; the total
// counts every match, not only the page.
func TestListPassengers(t *testing.T) {
	e := newEnv(t)
	type seed struct{ name, nationality string }
	seeds := []seed{
		{"Anna Karenina", "RU"}, {"Joanne Smith", "GB"}, {"Hans Castorp", "DE"}, {"JOANNA Stone", "GB"},
		{"100% Anne", "FR"}, {"100 Anne", "FR"}, {"Bob_Ann", "US"}, {"BobXAnn", "US"},
	}
	ids := map[string]int64{}
	for i, s := range seeds {
		ids[s.name] = e.createPassenger(t, s.name, "p"+strconv.Itoa(i)+"@example.org", s.nationality).ID
	}
	all := make([]string, len(seeds))
	for i, s := range seeds {
		all[i] = s.name
	}
	for _, tc := range []struct {
		name, query string
		total       int64
		page        []string
	}{
		{"defaults", "", 8, all},
		{"first page", "limit=3", 8, all[:3]},
		{"middle page", "limit=3&offset=3", 8, all[3:6]},
		{"last page", "limit=3&offset=6", 8, all[6:]},
		{"past the end", "offset=8", 8, nil},
		{"name, any case", "name=AN", 8, all},
		{"name part", "name=joann", 2, []string{"Joanne Smith", "JOANNA Stone"}},
		{"percent is literal", "name=0%25", 1, []string{"100% Anne"}},
		{"underscore is literal", "name=b_a", 1, []string{"Bob_Ann"}},
		{"nationality", "nationality=GB", 2, []string{"Joanne Smith", "JOANNA Stone"}},
		{"name and nationality", "name=anne&nationality=FR", 2, []string{"100% Anne", "100 Anne"}},
		{"filtered page", "name=anne&nationality=FR&limit=1&offset=1", 2, []string{"100 Anne"}},
		{"no match", "nationality=IT", 0, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := call(t, "GET", e.url+"/passengers?"+tc.query, "")
			if a.status != 200 {
				t.Fatalf("%d: %s", a.status, a.body)
			}
			var page samples.PassengerPage
			a.decode(t, &page)
			var names []string
			for i, p := range page.Passengers {
				names = append(names, p.Name)
				if p.ID != ids[p.Name] || i > 0 && p.ID < page.Passengers[i-1].ID {
					t.Errorf("passenger %+v out of order or not as created", p)
				}
			}
			if page.Total != tc.total || !slices.Equal(names, tc.page) {
				t.Errorf("total %d, page %q; want %d, %q", page.Total, names, tc.total, tc.page)
			}
		})
	}
	// An empty page is [] in JSON, not null.
	if a := call(t, "GET", e.url+"/passengers?nationality=IT", ""); string(a.body) != `{"passengers":[],"total":0}`+"\n" && string(a.body) != `{"passengers":[],"total":0}` {
		t.Errorf("empty page %s", a.body)
	}
}
