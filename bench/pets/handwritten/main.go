// Command handwritten is the baseline of the throughput benchmark: POST
// /pets written by hand on net/http, with the same decoding (encoding/json
// into pointer fields, so absence is seen) and the same checks as the
// generated server, answering 201 with the pet and an id, or 400 with the
// failing fields. Listens on 127.0.0.1:$PORT. With ACCESS_LOG=1 it logs a
// line per request as the generated server's access log does (the same
// fields, slog's JSON handler, into io.Discard), as a hand-written service
// that logs its requests would.
package main

import (
	"encoding/json"
	"io"
	"log"
	"log/slog"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

type newPet struct {
	Name      *string  `json:"name"`
	Tag       *string  `json:"tag"`
	Age       *int64   `json:"age"`
	PhotoURLs []string `json:"photoUrls"`
}

type pet struct {
	ID        int64    `json:"id"`
	Name      string   `json:"name"`
	Tag       *string  `json:"tag,omitempty"`
	Age       int64    `json:"age"`
	PhotoURLs []string `json:"photoUrls,omitempty"`
}

type fieldError struct {
	In     string `json:"in"`
	Name   string `json:"name,omitempty"`
	Reason string `json:"reason"`
}

var tagPattern = regexp.MustCompile(`^[a-z]+$`)

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func invalid(w http.ResponseWriter, errs []fieldError) {
	writeJSON(w, http.StatusBadRequest, map[string]any{"message": "invalid request", "errors": errs})
}

func main() {
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	h := newHandler()
	if os.Getenv("ACCESS_LOG") == "1" {
		h = accessLog(slog.New(slog.NewJSONHandler(io.Discard, nil)), h)
	}
	log.Fatal(http.ListenAndServe("127.0.0.1:"+port, h))
}

// accessLog logs a line per request: method, path, status, bytes,
// duration.
func accessLog(l *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &recorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		l.LogAttrs(r.Context(), slog.LevelInfo, "request", slog.String("operation", "createPet"),
			slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Int("status", rec.status),
			slog.Int64("bytes", rec.bytes), slog.Duration("duration", time.Since(start)))
	})
}

type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *recorder) WriteHeader(code int) { w.status = code; w.ResponseWriter.WriteHeader(code) }

func (w *recorder) Write(b []byte) (int, error) {
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

func newHandler() http.Handler {
	var next atomic.Int64
	mux := http.NewServeMux()
	mux.HandleFunc("POST /pets", func(w http.ResponseWriter, r *http.Request) {
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			writeJSON(w, http.StatusUnsupportedMediaType, map[string]string{"message": "want application/json"})
			return
		}
		var in newPet
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&in); err != nil {
			invalid(w, []fieldError{{In: "body", Reason: err.Error()}})
			return
		}
		var errs []fieldError
		bad := func(name, reason string) { errs = append(errs, fieldError{"body", name, reason}) }
		if in.Name == nil {
			bad("name", "is required")
		} else if n := utf8.RuneCountInString(*in.Name); n < 1 || n > 64 {
			bad("name", "must be 1 to 64 characters long")
		}
		if in.Tag != nil && !tagPattern.MatchString(*in.Tag) {
			bad("tag", "must match the pattern ^[a-z]+$")
		}
		if in.Age == nil {
			bad("age", "is required")
		} else if *in.Age < 0 || *in.Age > 200 {
			bad("age", "must be between 0 and 200")
		}
		if len(in.PhotoURLs) > 10 {
			bad("photoUrls", "must have at most 10 items")
		}
		if len(errs) > 0 {
			invalid(w, errs)
			return
		}
		writeJSON(w, http.StatusCreated, pet{ID: next.Add(1), Name: *in.Name, Tag: in.Tag, Age: *in.Age, PhotoURLs: in.PhotoURLs})
	})
	return mux
}
