// Package petsbench is the in-process benchmark of POST /pets, shared by
// the generated server (bench/pets) and the hand-written one
// (bench/pets/handwritten), so that the two measure the same requests and
// compare with benchstat.
package petsbench

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"
)

// A Body is a request of bench/throughput.sh, with the status it gets.
type Body struct {
	Name   string
	JSON   []byte
	Status int
}

// Bodies are the valid and the rejected request of bench/throughput.sh.
var Bodies = []Body{
	{"valid", []byte(`{"name":"rex","tag":"dog","age":3,"photoUrls":["a.png","b.png"]}`), http.StatusCreated},
	{"rejected", []byte(`{"name":"rex","tag":"Dog!","age":300,"photoUrls":["a.png","b.png"]}`), http.StatusBadRequest},
}

// CreatePet has h serve body behind httptest for b.N requests, counting
// allocations, and fails on any other status than body's.
func CreatePet(b *testing.B, h http.Handler, body Body) {
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest("POST", "/pets", bytes.NewReader(body.JSON))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != body.Status {
			b.Fatalf("status %d, want %d: %s", rec.Code, body.Status, rec.Body)
		}
	}
}
