// Scaffolded by harness; yours to edit.

package service

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	samples "github.com/harness-sh/harness/applications/samples/backend/samples"
)

// The service is plain Go: its methods take typed requests, no HTTP needed.
func TestItems(t *testing.T) {
	ctx := context.Background()
	s := &Service{}
	created, err := s.CreateItem(ctx, samples.CreateItemRequest{Body: samples.NewItem{Name: "first", Tags: []string{"new"}}})
	if err != nil {
		t.Fatal(err)
	}
	item := created.(samples.CreateItem201JSONResponse).Body
	if item.ID != 1 || item.Name != "first" {
		t.Fatalf("created %+v", item)
	}
	got, err := s.GetItem(ctx, samples.GetItemRequest{ID: item.ID})
	if err != nil {
		t.Fatal(err)
	}
	if got.(samples.GetItem200JSONResponse).Body.Name != "first" {
		t.Fatalf("got %+v", got)
	}
	if missing, _ := s.GetItem(ctx, samples.GetItemRequest{ID: 2}); !is404(missing) {
		t.Fatalf("missing item: %+v", missing)
	}
}

// Through HTTP, the generated server rejects what the API forbids before the
// service sees it, naming each field.
func TestInvalidRequest(t *testing.T) {
	srv := httptest.NewServer(samples.NewHandler(&Service{}, samples.Options{}))
	defer srv.Close()
	res, err := http.Post(srv.URL+"/api/items", "application/json", strings.NewReader(`{"name":"","tags":["Not Valid"]}`))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusBadRequest {
		t.Fatalf("status %d, want 400", res.StatusCode)
	}
	var body map[string]any
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	text, _ := json.Marshal(body)
	for _, field := range []string{"name", "tags[0]"} {
		if !strings.Contains(string(text), `"`+field+`"`) {
			t.Errorf("400 body %s does not name %s", text, field)
		}
	}
}

func is404(r samples.GetItemResponse) bool {
	_, ok := r.(samples.GetItem404Response)
	return ok
}
