package httpapi

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// A Rule is the constraints of a schema on one string, number, array or
// object: its bounds, pattern and format as data, which one call checks.
// A generated package declares a Rule (NewRule) for each distinct set of
// constraints in its spec and calls, where a value is read,
//
//	if broken := rule3.CheckString(v); broken != 0 {
//		errs.AddBroken(path, rule3, broken)
//	}
//
// Written out as code instead, each constraint was an if and a message at
// every place a constrained value is read; on a large API that was a good
// part of the generated package's compile time.
type Rule struct {
	Bounds     Bounds  // which of the bounds below apply
	Min, Max   float64 // minimum and maximum of a number
	MultipleOf float64 // what a number must be a multiple of, when not 0

	// The least and greatest length: characters of a string (minLength,
	// maxLength), items of an array (minItems, maxItems), members of an
	// object (minProperties, maxProperties).
	MinLen, MaxLen uint64
	Counts         Counts // what MinLen and MaxLen count, for messages

	Pattern *regexp.Regexp // what a string must match, when not nil
	Format  string         // a string's format, as CheckFormat knows them

	// reasons are the messages of the checks, by bit of Broken, written
	// once by NewRule so that an invalid value costs no formatting.
	reasons [numChecks]string
}

// Bounds are the bounds that apply in a Rule.
type Bounds uint8

// The bounds of a Rule. ExclusiveMin and ExclusiveMax make Min and Max
// exclusive; they go with HasMin and HasMax.
const (
	HasMin Bounds = 1 << iota
	HasMax
	ExclusiveMin
	ExclusiveMax
	HasMinLen
	HasMaxLen
)

// Counts is what a Rule's lengths count.
type Counts uint8

// What lengths count: characters (strings), items (arrays), properties
// (objects).
const (
	Characters Counts = iota
	Items
	Properties
)

// Broken is the checks of a Rule that a value fails, one bit each; 0 when
// it fails none.
type Broken uint8

// The checks, in the order their failures are reported.
const (
	brokeMin Broken = 1 << iota
	brokeMax
	brokeMultiple
	brokeMinLen
	brokeMaxLen
	brokePattern
	brokeFormat
	numChecks = iota
)

// NewRule returns r with its messages written.
func NewRule(r Rule) *Rule {
	for i := range numChecks {
		r.reasons[i] = r.reason(Broken(1) << i)
	}
	return &r
}

// CheckString returns the checks s fails.
func (r *Rule) CheckString(s string) Broken {
	var b Broken
	if r.Bounds&(HasMinLen|HasMaxLen) != 0 {
		b = r.checkLen(uint64(utf8.RuneCountInString(s)))
	}
	if r.Pattern != nil && !r.Pattern.MatchString(s) {
		b |= brokePattern
	}
	if r.Format != "" && !formatOK(r.Format, s) {
		b |= brokeFormat
	}
	return b
}

// CheckNumber returns the checks v fails.
func (r *Rule) CheckNumber(v float64) Broken {
	var b Broken
	if r.Bounds&HasMin != 0 && (v < r.Min || v == r.Min && r.Bounds&ExclusiveMin != 0) {
		b |= brokeMin
	}
	if r.Bounds&HasMax != 0 && (v > r.Max || v == r.Max && r.Bounds&ExclusiveMax != 0) {
		b |= brokeMax
	}
	if r.MultipleOf != 0 && !IsMultiple(v, r.MultipleOf) {
		b |= brokeMultiple
	}
	return b
}

// CheckLen returns the checks an array of n items, or an object of n
// members, fails.
func (r *Rule) CheckLen(n int) Broken { return r.checkLen(uint64(n)) }

func (r *Rule) checkLen(n uint64) Broken {
	var b Broken
	if r.Bounds&HasMinLen != 0 && n < r.MinLen {
		b |= brokeMinLen
	}
	if r.Bounds&HasMaxLen != 0 && n > r.MaxLen {
		b |= brokeMaxLen
	}
	return b
}

// AddBroken notes that the value at field fails the checks b of r.
//
//go:noinline
func (e *Errors) AddBroken(field string, r *Rule, b Broken) {
	for i := range numChecks {
		if b&(1<<i) == 0 {
			continue
		}
		reason := r.reasons[i]
		if reason == "" { // a Rule not made by NewRule
			reason = r.reason(Broken(1) << i)
		}
		e.Add(field, reason)
	}
}

// reason is the message of one failed check.
func (r *Rule) reason(bit Broken) string {
	switch bit {
	case brokeMin:
		if r.Bounds&ExclusiveMin != 0 {
			return "must be greater than " + formatNumber(r.Min)
		}
		return "must be at least " + formatNumber(r.Min)
	case brokeMax:
		if r.Bounds&ExclusiveMax != 0 {
			return "must be less than " + formatNumber(r.Max)
		}
		return "must be at most " + formatNumber(r.Max)
	case brokeMultiple:
		return "must be a multiple of " + formatNumber(r.MultipleOf)
	case brokeMinLen:
		return r.lenReason("at least", r.MinLen)
	case brokeMaxLen:
		return r.lenReason("at most", r.MaxLen)
	case brokePattern:
		if r.Pattern != nil {
			return "must match the pattern " + r.Pattern.String()
		}
	case brokeFormat:
		return formatReason(r.Format)
	}
	return ""
}

func (r *Rule) lenReason(bound string, n uint64) string {
	switch r.Counts {
	case Items:
		return "must have " + bound + " " + count(n, "item")
	case Properties:
		return "must have " + bound + " " + count(n, "property")
	}
	return "must be " + bound + " " + count(n, "character") + " long"
}

// formatNumber writes a bound for a message: whole numbers whole (1000000,
// not 1e+06) while they are exact, others in the shortest form that reads
// back the same.
func formatNumber(f float64) string {
	if f == math.Trunc(f) && math.Abs(f) < 1<<53 {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// count says how many of a thing a bound allows: "1 character",
// "3 characters", "2 properties".
func count(n uint64, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	if t, ok := strings.CutSuffix(thing, "y"); ok {
		thing = t + "ie"
	}
	return strconv.FormatUint(n, 10) + " " + thing + "s"
}
