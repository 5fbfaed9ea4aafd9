package scaffold_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/harness-sh/harness/internal/freeport"
	"github.com/harness-sh/harness/internal/generate"
	"github.com/harness-sh/harness/internal/mongotest"
	"github.com/harness-sh/harness/internal/scaffold"
	"github.com/harness-sh/harness/internal/testenv"
)

// TestMongoServer runs the server of go-server with db-mongo on a real
// MongoDB-wire server (FerretDB): it starts without its database and answers
// /ready 503, becomes ready once the database answers, and keeps its items
// there: a restarted server reads back what the first one stored, and its
// ids go on from where they were. The API has no natural key (as with
// db-postgres): an item with another's name is a new item, 201, never 409.
func TestMongoServer(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a scaffolded server")
	}
	if _, err := mongotest.Binary(); err != nil {
		testenv.Missing(t, "%v", err)
	}
	root := t.TempDir()
	if _, err := (&scaffold.Application{Root: root, Name: "docs", Templates: []string{"go-server", "db-mongo"}, Generator: generate.Scaffolder{}}).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "docs")
	build := exec.Command("go", "build", "-o", bin, "./applications/docs/backend")
	build.Dir = root
	build.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=readonly")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	// The database's port, on which nothing listens yet.
	port, err := freeport.Port()
	if err != nil {
		t.Fatal(err)
	}
	env := []string{fmt.Sprintf("DATABASE_URL=mongodb://127.0.0.1:%d/", port)}
	srv := startServer(t, bin, env)
	if code := getJSON(t, srv.url+"/live", nil); code != 200 {
		t.Fatalf("/live without a database: %d, want 200", code)
	}
	if code := getJSON(t, srv.url+"/ready", nil); code != 503 {
		t.Fatalf("/ready without a database: %d, want 503", code)
	}
	mongotest.ForTestWith(t, mongotest.Options{Port: port})
	waitReady(t, srv)

	var first, again apiItem
	if code := postJSON(t, srv.url+"/api/items", `{"name":"first","tags":["new"]}`, &first); code != 201 || first.ID != 1 {
		t.Fatalf("create: %d %+v", code, first)
	}
	if code := postJSON(t, srv.url+"/api/items", `{"name":"first"}`, &again); code != 201 || again.ID != 2 {
		t.Fatalf("create a second item of the same name: %d %+v, want 201 and id 2", code, again)
	}
	srv.stop(t)

	srv = startServer(t, bin, env)
	waitReady(t, srv)
	var got apiItem
	if code := getJSON(t, srv.url+"/api/items/1", &got); code != 200 || got.Name != "first" || strings.Join(got.Tags, ",") != "new" {
		t.Fatalf("item 1 after a restart: %d %+v", code, got)
	}
	var page struct {
		Items []apiItem `json:"items"`
		Total int64     `json:"total"`
	}
	if code := getJSON(t, srv.url+"/api/items", &page); code != 200 || page.Total != 2 || len(page.Items) != 2 || page.Items[1].ID != 2 {
		t.Fatalf("items after a restart: %d %+v", code, page)
	}
	if code := getJSON(t, srv.url+"/api/items/3", nil); code != 404 {
		t.Fatalf("item 3: %d, want 404", code)
	}
	var third apiItem
	if code := postJSON(t, srv.url+"/api/items", `{"name":"third"}`, &third); code != 201 || third.ID != 3 {
		t.Fatalf("create after a restart: %d %+v, want id 3", code, third)
	}
}

// apiItem is an item of the API as its JSON says it.
type apiItem struct {
	ID   int64    `json:"id"`
	Name string   `json:"name"`
	Tags []string `json:"tags"`
}

// waitReady returns once the server answers /ready 200, within 30 s.
func waitReady(t *testing.T, s *server) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for delay := 20 * time.Millisecond; ; delay = min(2*delay, 500*time.Millisecond) {
		if getJSON(t, s.url+"/ready", nil) == 200 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("/ready is not 200 after 30 s:\n%s", s.logText())
		}
		select {
		case <-s.exited:
			t.Fatalf("the server stopped:\n%s", s.logText())
		case <-time.After(delay):
		}
	}
}

func getJSON(t *testing.T, url string, out any) int {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if out != nil && res.StatusCode == 200 {
		if err := json.NewDecoder(res.Body).Decode(out); err != nil {
			t.Fatalf("GET %s: %v", url, err)
		}
	}
	return res.StatusCode
}

func postJSON(t *testing.T, url, body string, out any) int {
	t.Helper()
	res, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if out != nil && res.StatusCode == 201 {
		if err := json.NewDecoder(res.Body).Decode(out); err != nil {
			t.Fatalf("POST %s: %v", url, err)
		}
	}
	return res.StatusCode
}
