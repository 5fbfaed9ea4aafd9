// Package buildrecord is the record harness build leaves of the images it
// pushed, by reference and digest, which harness-deployment --pin reads to
// name each image by digest in the chart. It is its own package so that the
// build and the deployment share the file's shape without importing each
// other.
package buildrecord

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/harness-sh/harness/internal/fileset"
)

// File is the record's name inside the output folder (-o, ./deployment).
const File = "images.json"

// Record maps each image reference harness build made (with its tag) to the
// digest it pushed or wrote.
type Record struct {
	Images map[string]string `json:"images"`
}

// Read reads the record in dir; a missing file is an empty record.
func Read(dir string) (*Record, error) {
	path := filepath.Join(dir, File)
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return &Record{Images: map[string]string{}}, nil
	}
	if err != nil {
		return nil, err
	}
	var r Record
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if r.Images == nil {
		r.Images = map[string]string{}
	}
	for ref, digest := range r.Images {
		if !strings.HasPrefix(digest, "sha256:") || len(digest) != len("sha256:")+64 {
			return nil, fmt.Errorf("%s: images.%s: %q is no sha256 digest", path, ref, digest)
		}
	}
	return &r, nil
}

// Write stores the record in dir, atomically: a reader sees the old record
// or the new one.
func (r *Record) Write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return fileset.WriteFileAtomic(filepath.Join(dir, File), append(data, '\n'), 0o644)
}

// Pinned is ref by digest (ref@sha256:...) when the record holds it.
func (r *Record) Pinned(ref string) (string, bool) {
	d, ok := r.Images[ref]
	if !ok {
		return ref, false
	}
	return ref + "@" + d, true
}

// Refs lists the recorded references, sorted.
func (r *Record) Refs() []string {
	out := make([]string, 0, len(r.Images))
	for ref := range r.Images {
		out = append(out, ref)
	}
	sort.Strings(out)
	return out
}
