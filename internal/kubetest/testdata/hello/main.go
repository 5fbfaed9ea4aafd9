//go:build ignore

// The server that the node test runs in a Pod: it logs one line, answers
// /healthz for the readiness probe and / with a greeting.
package main

import (
	"fmt"
	"log"
	"net/http"
	"os"
)

func main() {
	http.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello from uid %d\n", os.Getuid())
	})
	log.Printf("hello: listening on :8080 as uid %d", os.Getuid())
	log.Fatal(http.ListenAndServe(":8080", nil))
}
