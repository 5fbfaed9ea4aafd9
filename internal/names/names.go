// Package names holds the naming rules every part of harness must agree on:
// which application names are valid, and the Go identifiers derived from them.
// CloudHarness broke on `my-app` versus `my_app` (its bug #164); harness derives
// every name from one function so the scaffold, the generator and the chart
// cannot disagree.
package names

import (
	"fmt"
	"strings"
)

// MaxAppName is the longest valid application name: a DNS-1035 label, as a
// Kubernetes Service name must be.
const MaxAppName = 63

// ValidateApp reports why name is not a valid application name, or nil.
// A valid name is a DNS-1035 label: lowercase letters, digits and '-', starting
// with a letter, ending with a letter or digit, at most 63 characters.
func ValidateApp(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("application name is empty")
	case len(name) > MaxAppName:
		return fmt.Errorf("application name %q is %d characters long; at most %d are allowed (a DNS-1035 label)", name, len(name), MaxAppName)
	case !isLower(name[0]):
		return fmt.Errorf("application name %q must start with a lowercase letter (a DNS-1035 label)", name)
	case !isLower(name[len(name)-1]) && !isDigit(name[len(name)-1]):
		return fmt.Errorf("application name %q must end with a lowercase letter or a digit (a DNS-1035 label)", name)
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !isLower(c) && !isDigit(c) && c != '-' {
			return fmt.Errorf("application name %q: character %q at position %d is not allowed; use lowercase letters, digits and '-' (a DNS-1035 label)", name, c, i+1)
		}
	}
	return nil
}

// GoPackage is the Go package name derived from a valid application name:
// the name without its dashes ("my-app" → "myapp").
func GoPackage(app string) string {
	return strings.ReplaceAll(app, "-", "")
}

// GoIdent is an exported Go identifier derived from a valid application name
// ("my-app" → "MyApp").
func GoIdent(app string) string {
	var b strings.Builder
	for _, part := range strings.Split(app, "-") {
		if part == "" {
			continue
		}
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

// ValuesKey is the key of an application under `apps:` in the solution's
// values, as CloudHarness writes it ("my-app" → "my_app"), so templates can
// say .Values.apps.my_app.
func ValuesKey(app string) string {
	return strings.ReplaceAll(app, "-", "_")
}

func isLower(c byte) bool { return c >= 'a' && c <= 'z' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }
