package names

import (
	"strings"
	"testing"
)

func TestValidateApp(t *testing.T) {
	tests := []struct {
		name    string
		app     string
		wantErr string
	}{
		{"simple", "samples", ""},
		{"dashes and digits", "my-app2", ""},
		{"single letter", "a", ""},
		{"max length", strings.Repeat("a", 63), ""},
		{"empty", "", "empty"},
		{"too long", strings.Repeat("a", 64), "64 characters"},
		{"uppercase", "Bad_Name", "must start with a lowercase letter"},
		{"underscore", "bad_name", "character '_' at position 4"},
		{"leading digit", "1abc", "must start with a lowercase letter"},
		{"leading dash", "-abc", "must start with a lowercase letter"},
		{"trailing dash", "abc-", "must end with"},
		{"dot", "a.b", "character '.'"},
		{"non-ascii", "café", "must end with"},
		{"space", "a b", "character ' '"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateApp(tt.app)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("ValidateApp(%q) = %v, want nil", tt.app, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("ValidateApp(%q) = %v, want error containing %q", tt.app, err, tt.wantErr)
			}
		})
	}
}

func TestGoNames(t *testing.T) {
	tests := []struct{ app, pkg, ident, key string }{
		{"samples", "samples", "Samples", "samples"},
		{"my-app", "myapp", "MyApp", "my_app"},
		{"a-b-c9", "abc9", "ABC9", "a_b_c9"},
	}
	for _, tt := range tests {
		if got := GoPackage(tt.app); got != tt.pkg {
			t.Errorf("GoPackage(%q) = %q, want %q", tt.app, got, tt.pkg)
		}
		if got := ValuesKey(tt.app); got != tt.key {
			t.Errorf("ValuesKey(%q) = %q, want %q", tt.app, got, tt.key)
		}
		if got := GoIdent(tt.app); got != tt.ident {
			t.Errorf("GoIdent(%q) = %q, want %q", tt.app, got, tt.ident)
		}
	}
}
