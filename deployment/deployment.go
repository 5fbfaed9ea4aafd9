// Package deployment holds the solution chart's skeleton: harness's Helm
// templates (CloudHarness's file and template names, harness's content) and
// the default values every deployment starts from. The code that turns a
// solution into a chart lives in internal/deploy; this package only carries
// the files, embedded so the binary needs nothing on disk.
package deployment

import (
	"embed"
	"io/fs"
)

//go:embed all:chart defaults cloudharness
var files embed.FS

// Chart returns the chart skeleton: templates/ and its files, rooted at the
// chart's directory.
func Chart() fs.FS {
	sub, err := fs.Sub(files, "chart")
	if err != nil {
		panic(err) // the embedded tree is fixed at compile time
	}
	return sub
}

// Defaults returns harness's solution-wide default values, the lowest layer
// of every deployment (CloudHarness's helm/values.yaml).
func Defaults() []byte { return mustRead("defaults/values.yaml") }

// AppDefaults returns the default values of every application, merged under
// each app's own deploy/values.yaml (CloudHarness's value-template.yaml).
func AppDefaults() []byte { return mustRead("defaults/value-template.yaml") }

// DefaultsPath and AppDefaultsPath name the embedded defaults in error messages.
const (
	DefaultsPath    = "harness:defaults/values.yaml"
	AppDefaultsPath = "harness:defaults/value-template.yaml"
)

func mustRead(name string) []byte {
	b, err := files.ReadFile(name)
	if err != nil {
		panic(err) // the embedded tree is fixed at compile time
	}
	return b
}

// CloudHarnessBaseChart returns the fingerprints of every known version of
// CloudHarness's own base chart files ("PATH SHA256" lines, PATH relative to
// the chart folder), written by scripts/cloudharness-basechart.sh.
func CloudHarnessBaseChart() []byte { return mustRead("cloudharness/basechart.txt") }
