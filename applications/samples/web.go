// Scaffolded by harness; yours to edit.

// Package web serves samples's web page, the files of frontend/, from the
// Go server beside its API. They are embedded in the binary, so an image that
// holds only the binary (harness build) serves them as well as one built
// from the Dockerfile.
package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"strings"
)

//go:embed frontend
var files embed.FS

// Handler serves GET and HEAD of frontend/'s files at their paths, and
// index.html at /; every other request goes to api, whose answers (the
// API, /live, /ready, its 404 problems) are unchanged.
func Handler(api http.Handler) http.Handler {
	site, err := fs.Sub(files, "frontend")
	if err != nil {
		panic(err) // frontend is a literal folder of files
	}
	// An ETag per file lets browsers revalidate instead of downloading
	// again: the embedded files have no modification time.
	etags := map[string]string{}
	_ = fs.WalkDir(site, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(site, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		etags[p] = `"` + hex.EncodeToString(sum[:16]) + `"`
		return nil
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, "/")
		if name == "" {
			name = "index.html"
		}
		etag, ok := etags[name]
		if !ok || r.Method != http.MethodGet && r.Method != http.MethodHead {
			api.ServeHTTP(w, r)
			return
		}
		h := w.Header()
		h.Set("ETag", etag)
		h.Set("Cache-Control", "no-cache")
		h.Set("X-Content-Type-Options", "nosniff")
		// The page loads its script and style from here and talks to the
		// API on the same origin; nothing else.
		h.Set("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
		http.ServeFileFS(w, r, site, name)
	})
}
