package httpapi

import (
	"bytes"
	"encoding/json"
)

// Nullable is an optional property whose schema allows null: absent, null
// and a value are three different things on the wire, and a PATCH needs
// all three (leave the field alone, clear it, set it). The zero value is
// absent. Generated models tag such fields `json:",omitzero"`, so an
// absent one is left out of the JSON, a null one is written as null.
type Nullable[T any] struct {
	value T
	state nullState
}

type nullState uint8

const (
	absent nullState = iota
	null
	present
)

// NewNullable returns v, present.
//
//go:noinline
func NewNullable[T any](v T) Nullable[T] { return Nullable[T]{value: v, state: present} }

// Null returns an explicit null.
//
//go:noinline
func Null[T any]() Nullable[T] { return Nullable[T]{state: null} }

// Get returns the value and whether there is one (neither absent nor null).
func (n Nullable[T]) Get() (T, bool) { return n.value, n.state == present }

// Value returns the value, or T's zero value when absent or null.
func (n Nullable[T]) Value() T { return n.value }

// IsNull reports an explicit null.
func (n Nullable[T]) IsNull() bool { return n.state == null }

// IsSet reports whether the property was given: a value or null.
func (n Nullable[T]) IsSet() bool { return n.state != absent }

// IsZero reports absence; encoding/json's omitzero leaves such a field out.
func (n Nullable[T]) IsZero() bool { return n.state == absent }

// MarshalJSON writes the value, or null when null or absent (a field
// tagged omitzero is not written at all when absent).
func (n Nullable[T]) MarshalJSON() ([]byte, error) {
	if n.state != present {
		return []byte("null"), nil
	}
	return json.Marshal(n.value)
}

// UnmarshalJSON reads null or a value. encoding/json calls it only for a
// property that is there, so one never read stays absent.
func (n *Nullable[T]) UnmarshalJSON(b []byte) error {
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		var zero T
		n.value, n.state = zero, null
		return nil
	}
	if err := json.Unmarshal(b, &n.value); err != nil {
		return err
	}
	n.state = present
	return nil
}
