// Scaffolded by harness; yours to edit.

// Package service implements the samples API: the generated package
// github.com/harness-sh/harness/applications/samples/backend/samples decodes and validates every request, then calls
// the methods of Service, so this code deals only in typed values and can be
// tested without HTTP.
package service
