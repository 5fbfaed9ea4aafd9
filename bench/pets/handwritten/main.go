// Command handwritten is the baseline of the throughput benchmark: POST
// /pets written by hand on net/http, with the same decoding (encoding/json
// into pointer fields, so absence is seen) and the same checks as the
// generated server, answering 201 with the pet and an id, or 400 with the
// failing fields. Listens on 127.0.0.1:$PORT.
package main

import (
	"encoding/json"
	"log"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync/atomic"
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
	log.Fatal(http.ListenAndServe("127.0.0.1:"+port, newHandler()))
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
