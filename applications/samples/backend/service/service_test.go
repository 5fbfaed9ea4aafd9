// Scaffolded by harness; yours to edit.

package service

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/harness-sh/harness/applications/samples/backend/database"
	"github.com/harness-sh/harness/applications/samples/backend/database/databasetest"
	samples "github.com/harness-sh/harness/applications/samples/backend/samples"
	"github.com/harness-sh/harness/applications/samples/backend/samples/client"
	"github.com/jackc/pgx/v5/pgxpool"
)

// The tests of this package share one PostgreSQL server, a schema each.
func TestMain(m *testing.M) { os.Exit(databasetest.Main(m)) }

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// env is the API served on a migrated schema of its own.
type env struct {
	url  string // the API's base: http://127.0.0.1:PORT/api
	api  *client.Client
	pool *pgxpool.Pool
}

func newEnv(t *testing.T) env {
	t.Helper()
	pool := databasetest.Pool(t)
	if _, err := database.Migrate(context.Background(), pool, quiet); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(samples.NewHandler(New(pool), samples.Options{Logger: quiet}))
	t.Cleanup(srv.Close)
	return env{url: srv.URL + samples.BasePath, api: client.New(srv.URL), pool: pool}
}

// answer is an HTTP answer, read whole.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// call sends body (JSON, or nothing when empty) and reads the answer.
func call(t *testing.T, method, url, body string) answer {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{status: res.StatusCode, header: res.Header, body: b}
}

func (a answer) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(a.body, v); err != nil {
		t.Fatalf("decode %s: %v", a.body, err)
	}
}

// fields lists the fields an error answer names, sorted: "query limit",
// "body email", "body" for the body as a whole.
func (a answer) fields(t *testing.T) []string {
	t.Helper()
	if ct := a.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("Content-Type %q of a %d, want application/problem+json", ct, a.status)
	}
	var p samples.Problem
	a.decode(t, &p)
	if p.Status != int64(a.status) {
		t.Errorf("problem status %d in a %d answer", p.Status, a.status)
	}
	var out []string
	for _, e := range p.Errors {
		s := string(e.In)
		if e.Field != nil {
			s += " " + *e.Field
		}
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

// Items go to PostgreSQL and come back through HTTP.
func TestItems(t *testing.T) {
	e := newEnv(t)
	var first samples.Item
	a := call(t, "POST", e.url+"/items", `{"name":"first","tags":["new"]}`)
	if a.decode(t, &first); a.status != 201 || first.ID == 0 || first.Name != "first" {
		t.Fatalf("create: %d %s", a.status, a.body)
	}
	call(t, "POST", e.url+"/items", `{"name":"second"}`)
	var got samples.Item
	a = call(t, "GET", e.url+"/items/"+strconv.FormatInt(first.ID, 10), "")
	if a.decode(t, &got); a.status != 200 || got.Name != "first" || len(got.Tags) != 1 {
		t.Fatalf("get: %d %s", a.status, a.body)
	}
	if a := call(t, "GET", e.url+"/items/999999", ""); a.status != 404 {
		t.Fatalf("missing item: %d, want 404", a.status)
	}
	var page samples.ItemPage
	a = call(t, "GET", e.url+"/items?limit=1&offset=1", "")
	if a.decode(t, &page); a.status != 200 || page.Total != 2 || len(page.Items) != 1 || page.Items[0].Name != "second" {
		t.Fatalf("list: %d %s", a.status, a.body)
	}
}

// The generated server rejects what the API forbids before the service
// sees it, naming each field.
func TestInvalidItem(t *testing.T) {
	srv := httptest.NewServer(samples.NewHandler(&Service{}, samples.Options{Logger: quiet}))
	defer srv.Close()
	a := call(t, "POST", srv.URL+"/api/items", `{"name":"","tags":["Not Valid"]}`)
	if a.status != http.StatusBadRequest {
		t.Fatalf("status %d, want 400", a.status)
	}
	if got, want := a.fields(t), []string{"body name", "body tags[0]"}; !slices.Equal(got, want) {
		t.Errorf("400 names %q, want %q", got, want)
	}
}

func TestPing(t *testing.T) {
	e := newEnv(t)
	res, err := e.api.Ping(context.Background(), samples.PingRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := res.(*samples.Ping200JSONResponse); !ok || got.Body != "pong" {
		t.Fatalf("ping answered %#v", res)
	}
}

// Sum adds its two integers; what is not a pair of integers within 2^52
// is a 400 naming the parameter.
func TestSum(t *testing.T) {
	srv := httptest.NewServer(samples.NewHandler(&Service{}, samples.Options{Logger: quiet}))
	defer srv.Close()
	for _, tc := range []struct {
		name, query string
		status      int
		sum         int64    // when 200
		fields      []string // when 400
	}{
		{"positive", "a=2&b=3", 200, 5, nil},
		{"negative", "a=-10&b=4", 200, -6, nil},
		{"largest", "a=4503599627370496&b=4503599627370496", 200, 9007199254740992, nil},
		{"smallest", "a=-4503599627370496&b=-4503599627370496", 200, -9007199254740992, nil},
		{"zero", "a=0&b=0", 200, 0, nil},
		{"missing b", "a=1", 400, 0, []string{"query b"}},
		{"both missing", "", 400, 0, []string{"query a", "query b"}},
		{"not an integer", "a=1.5&b=x", 400, 0, []string{"query a", "query b"}},
		{"too large", "a=4503599627370497&b=1", 400, 0, []string{"query a"}},
		{"too small", "a=1&b=-4503599627370497", 400, 0, []string{"query b"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := call(t, "GET", srv.URL+"/api/sum?"+tc.query, "")
			if a.status != tc.status {
				t.Fatalf("status %d, want %d: %s", a.status, tc.status, a.body)
			}
			if tc.status == 400 {
				if got := a.fields(t); !slices.Equal(got, tc.fields) {
					t.Errorf("400 names %q, want %q", got, tc.fields)
				}
				return
			}
			var sum int64
			if a.decode(t, &sum); sum != tc.sum {
				t.Errorf("sum %d, want %d", sum, tc.sum)
			}
		})
	}
}

// Every operation of the API is implemented: none answers 501.
func TestEveryOperationImplemented(t *testing.T) {
	e := newEnv(t)
	for _, op := range samples.Operations() {
		t.Run(op.Name, func(t *testing.T) {
			path := strings.NewReplacer("{id}", "1", "{passengerId}", "1", "{tripId}", "1").Replace(op.Path)
			if a := call(t, op.Method, e.url+path, "{}"); a.status == http.StatusNotImplemented {
				t.Errorf("%s %s answers 501", op.Method, op.Path)
			}
		})
	}
}

// When the database fails, every operation that uses it answers 500,
// without the database's error in the body (it is logged).
func TestDatabaseFails(t *testing.T) {
	e := newEnv(t)
	ada := e.createPassenger(t, "Ada", "ada@example.org", "GB")
	e.pool.Close()
	p := e.passengerURL(ada.ID)[len(e.url):]
	for _, tc := range []struct{ method, path, body string }{
		{"GET", "/items", ""},
		{"POST", "/items", `{"name":"x"}`},
		{"GET", "/items/1", ""},
		{"GET", "/passengers", ""},
		{"POST", "/passengers", `{"name":"Bob","email":"bob@example.org","nationality":"GB"}`},
		{"GET", p, ""},
		{"PATCH", p, `{"name":"X"}`},
		{"DELETE", p, ""},
		{"GET", p + "/trips", ""},
		{"POST", p + "/trips", `{"flight":"BA1","departure":"2031-01-01"}`},
		{"DELETE", p + "/trips/1", ""},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			a := call(t, tc.method, e.url+tc.path, tc.body)
			if a.status != http.StatusInternalServerError || a.fields(t) != nil || strings.Contains(string(a.body), "pool") {
				t.Errorf("%d %s, want a bare 500", a.status, a.body)
			}
		})
	}
}
