package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkCreatePet serves POST /pets in process, as bench/pets's
// BenchmarkCreatePet does for the generated server: the two compare with
// benchstat, without the loopback's cost that bench/throughput.sh includes.
func BenchmarkCreatePet(b *testing.B) {
	for _, bd := range []struct {
		name   string
		body   []byte
		status int
	}{
		{"valid", []byte(`{"name":"rex","tag":"dog","age":3,"photoUrls":["a.png","b.png"]}`), http.StatusCreated},
		{"rejected", []byte(`{"name":"rex","tag":"Dog!","age":300,"photoUrls":["a.png","b.png"]}`), http.StatusBadRequest},
	} {
		b.Run(bd.name, func(b *testing.B) {
			h := newHandler()
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
