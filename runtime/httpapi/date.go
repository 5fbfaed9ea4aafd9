package httpapi

import (
	"encoding/json"
	"time"
)

// Date is a calendar date, written 2006-01-02 (format: date).
type Date struct{ time.Time }

// String formats the date as in JSON.
func (d Date) String() string { return d.Format(time.DateOnly) }

// MarshalJSON writes "2006-01-02".
func (d Date) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// UnmarshalJSON reads "2006-01-02".
func (d *Date) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return err
	}
	d.Time = t
	return nil
}
