package main

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/harness-sh/harness/bench/pets/pets"
	"github.com/harness-sh/harness/runtime/httpapi"
)

// The bodies of bench/throughput.sh.
var (
	validBody    = []byte(`{"name":"rex","tag":"dog","age":3,"photoUrls":["a.png","b.png"]}`)
	rejectedBody = []byte(`{"name":"rex","tag":"Dog!","age":300,"photoUrls":["a.png","b.png"]}`)
)

// BenchmarkCreatePet serves POST /pets in process, as the throughput
// benchmark does over loopback, to count allocations per request: valid
// and rejected bodies, with the access log as main configures it (JSON to
// io.Discard: every line formatted) and off (a logger not enabled for
// Info, as at LOG_LEVEL=warn).
func BenchmarkCreatePet(b *testing.B) {
	logs := []struct {
		name string
		log  *slog.Logger
	}{
		{"log=json", httpapi.NewLogger(io.Discard, "")},
		{"log=off", slog.New(slog.DiscardHandler)},
	}
	bodies := []struct {
		name   string
		body   []byte
		status int
	}{{"valid", validBody, http.StatusCreated}, {"rejected", rejectedBody, http.StatusBadRequest}}
	for _, bd := range bodies {
		for _, l := range logs {
			b.Run(bd.name+"/"+l.name, func(b *testing.B) {
				h := pets.NewHandler(&service{}, pets.Options{Logger: l.log})
				b.ReportAllocs()
				for b.Loop() {
					req := httptest.NewRequest("POST", "/pets", bytes.NewReader(bd.body))
					req.Header.Set("Content-Type", "application/json")
					rec := httptest.NewRecorder()
					h.ServeHTTP(rec, req)
					if rec.Code != bd.status {
						b.Fatalf("status %d, want %d: %s", rec.Code, bd.status, rec.Body)
					}
				}
			})
		}
	}
}
