package httpapi

import (
	"encoding/json"
	"math"
	"net"
	"net/mail"
	"net/url"
	"strings"
)

// The checks of JSON Schema that are more than a comparison, for generated
// validation.

// IsMultiple reports whether v is a multiple of of (multipleOf), allowing
// for the rounding of binary floating point.
func IsMultiple(v, of float64) bool {
	if of == 0 {
		return true
	}
	q := v / of
	return math.Abs(q-math.Round(q)) < 1e-9
}

// HasDuplicates reports whether two items of s are equal (uniqueItems).
//
//go:noinline
func HasDuplicates[T comparable](s []T) bool {
	if len(s) < 2 {
		return false
	}
	seen := make(map[T]struct{}, len(s))
	for _, v := range s {
		if _, ok := seen[v]; ok {
			return true
		}
		seen[v] = struct{}{}
	}
	return false
}

// HasDuplicatesJSON is HasDuplicates for items Go cannot compare: two are
// equal when they encode to the same JSON.
func HasDuplicatesJSON[T any](s []T) bool {
	seen := make(map[string]struct{}, len(s))
	for _, v := range s {
		b, _ := json.Marshal(v)
		if _, ok := seen[string(b)]; ok {
			return true
		}
		seen[string(b)] = struct{}{}
	}
	return false
}

// CheckFormat returns why s is not of the string format (uuid, email, ipv4,
// ipv6, uri, hostname), or "". Other formats are not checked.
func CheckFormat(format, s string) string {
	if formatOK(format, s) {
		return ""
	}
	return formatReason(format)
}

// formatReason is why a string is not of the format.
func formatReason(format string) string {
	switch format {
	case "uuid":
		return "must be a UUID"
	case "email":
		return "must be an email address"
	case "ipv4":
		return "must be an IPv4 address"
	case "ipv6":
		return "must be an IPv6 address"
	case "uri":
		return "must be an absolute URI"
	case "hostname":
		return "must be a host name"
	}
	return ""
}

func formatOK(format, s string) bool {
	switch format {
	case "uuid":
		if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
			return false
		}
		for i := 0; i < len(s); i++ {
			c := s[i]
			if c != '-' && !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return false
			}
		}
	case "email":
		a, err := mail.ParseAddress(s)
		return err == nil && a.Address == s
	case "ipv4":
		ip := net.ParseIP(s)
		return ip != nil && ip.To4() != nil && !strings.Contains(s, ":")
	case "ipv6":
		ip := net.ParseIP(s)
		return ip != nil && strings.Contains(s, ":")
	case "uri":
		u, err := url.Parse(s)
		return err == nil && u.Scheme != ""
	case "hostname":
		return s != "" && len(s) <= 253 && !strings.ContainsAny(s, " /:@")
	}
	return true
}
