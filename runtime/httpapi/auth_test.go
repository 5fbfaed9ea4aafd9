package httpapi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// tokens are the bearer tokens the test's Authenticate knows, with their
// scopes.
var tokens = map[string][]string{
	"reader": {"pets:read"},
	"writer": {"pets:read", "pets:write", "pets:admin"},
}

// scopedAuth checks a token and that it holds every scope the operation
// requires, noting what it was called with.
func scopedAuth(seen *[]Credentials) func(context.Context, Credentials) (context.Context, error) {
	return func(ctx context.Context, c Credentials) (context.Context, error) {
		*seen = append(*seen, c)
		if c.Scheme == "key" {
			if c.Token != "k3y" {
				return nil, errors.New("unknown API key")
			}
			return ctx, nil
		}
		if c.Token == "expired" {
			return nil, errors.New("token expired at 12:00")
		}
		has, ok := tokens[c.Token]
		if !ok {
			return nil, errors.New("unknown token")
		}
		for _, want := range c.Scopes {
			if !slices.Contains(has, want) {
				return nil, fmt.Errorf("%w: the token lacks %s", ErrForbidden, want)
			}
		}
		return context.WithValue(ctx, userKey{}, c.Token), nil
	}
}

// securedServer serves operations with security as generated handlers do.
func securedServer(opts Options) *Server {
	s := NewServer(opts, []SecurityScheme{
		{Name: "oauth", Type: "oauth2"},
		{Name: "bearer", Type: "http", Scheme: "bearer"},
		{Name: "key", Type: "apiKey", In: "header", Param: "X-API-Key"},
	})
	secured := func(op string, alts [][]Requirement) http.HandlerFunc {
		return s.Wrap(op, func(w http.ResponseWriter, r *http.Request) {
			ctx, ok := s.Authenticate(w, r, op, alts)
			if !ok {
				return
			}
			user, _ := ctx.Value(userKey{}).(string)
			s.Send(w, r, op, Response{Status: 200, ContentType: "text/plain", Body: []byte(op + " by " + user)})
		})
	}
	s.Handle("GET /pets/{id}", "GetPet", secured("GetPet", [][]Requirement{{{Scheme: "oauth", Scopes: []string{"pets:read"}}}}))
	s.Handle("DELETE /pets/{id}", "DeletePet", secured("DeletePet",
		[][]Requirement{{{Scheme: "oauth", Scopes: []string{"pets:write", "pets:admin"}}}, {{Scheme: "key"}}}))
	s.Handle("GET /both", "Both", secured("Both", [][]Requirement{{{Scheme: "bearer"}, {Scheme: "key"}}}))
	return s
}

func TestSecurity(t *testing.T) {
	logs := &logBuffer{}
	var seen []Credentials
	s := securedServer(Options{Logger: slog.New(slog.NewJSONHandler(logs, nil)), Authenticate: scopedAuth(&seen)})
	const (
		unauthorized = `{"title":"Unauthorized","status":401,"detail":"missing or invalid credentials","instance":"%s"}` + "\n"
		forbidden    = `{"title":"Forbidden","status":403,"detail":"the credentials do not allow this operation","instance":"%s"}` + "\n"
	)
	tests := []struct {
		name, method, target string
		header               map[string]string
		status               int
		body                 string // the whole body; %s is the path
		challenge            string // WWW-Authenticate, all values
		seen                 []Credentials
		logs                 []string
	}{
		{name: "scopes and operation reach the hook", method: "GET", target: "/pets/1", header: map[string]string{"Authorization": "Bearer reader"},
			status: 200, body: "GetPet by reader",
			seen: []Credentials{{Scheme: "oauth", Operation: "GetPet", Scopes: []string{"pets:read"}, Token: "reader"}}},
		{name: "a missing scope is 403", method: "DELETE", target: "/pets/1", header: map[string]string{"Authorization": "Bearer reader"},
			status: 403, body: forbidden,
			seen: []Credentials{{Scheme: "oauth", Operation: "DeletePet", Scopes: []string{"pets:write", "pets:admin"}, Token: "reader"}},
			logs: []string{`"level":"INFO","msg":"request forbidden","operation":"DeletePet","method":"DELETE","path":"/pets/1","err":"oauth: forbidden: the token lacks pets:write"`}},
		{name: "with every scope", method: "DELETE", target: "/pets/1", header: map[string]string{"Authorization": "Bearer writer"}, status: 200, body: "DeletePet by writer"},
		{name: "a refused token is 401, its reason logged", method: "GET", target: "/pets/1", header: map[string]string{"Authorization": "Bearer expired"},
			status: 401, body: unauthorized, challenge: "Bearer",
			logs: []string{`"msg":"request not authenticated","operation":"GetPet"`, `"err":"oauth: token expired at 12:00"`}},
		{name: "no credentials", method: "DELETE", target: "/pets/1", status: 401, body: unauthorized, challenge: "Bearer",
			logs: []string{`"err":"no credentials for oauth"`}},
		{name: "the other alternative passes", method: "DELETE", target: "/pets/1", header: map[string]string{"Authorization": "Bearer reader", "X-API-Key": "k3y"},
			status: 200, body: "DeletePet by "},
		{name: "forbidden by one, refused by the other: 403", method: "DELETE", target: "/pets/1", header: map[string]string{"Authorization": "Bearer reader", "X-API-Key": "bad"},
			status: 403, body: forbidden, logs: []string{`"err":"oauth: forbidden: the token lacks pets:write"`}},
		{name: "every scheme of an alternative", method: "GET", target: "/both", header: map[string]string{"Authorization": "Bearer reader"},
			status: 401, body: unauthorized, challenge: "Bearer", logs: []string{`"err":"no credentials for key"`}},
		{name: "both schemes", method: "GET", target: "/both", header: map[string]string{"Authorization": "Bearer reader", "X-API-Key": "k3y"}, status: 200, body: "Both by reader"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			seen = nil
			logs.take()
			a := do(t, s, tt.method, tt.target, "", tt.header)
			want := tt.body
			if strings.Contains(want, "%s") {
				want = fmt.Sprintf(want, tt.target)
			}
			if a.status != tt.status || a.body != want {
				t.Errorf("%d %s, want %d %s", a.status, a.body, tt.status, want)
			}
			if got := strings.Join(a.header.Values("WWW-Authenticate"), ", "); got != tt.challenge {
				t.Errorf("WWW-Authenticate %q, want %q", got, tt.challenge)
			}
			if tt.seen != nil && !reflect.DeepEqual(seen, tt.seen) {
				t.Errorf("Authenticate got\n %+v\nwant\n %+v", seen, tt.seen)
			}
			l := logs.take()
			for _, want := range tt.logs {
				if !strings.Contains(l, want) {
					t.Errorf("log lacks %s:\n%s", want, l)
				}
			}
			for _, secret := range []string{"lacks", "expired", "unknown", "no credentials"} {
				if strings.Contains(a.body, secret) {
					t.Errorf("the body tells why: %s", a.body)
				}
			}
		})
	}
}

// TestSecurityErrorHandler: the error handler gets the reason of a 401 or
// 403 as the problem's Err, and the challenge is already set.
func TestSecurityErrorHandler(t *testing.T) {
	var causes []error
	s := securedServer(Options{Logger: slog.New(slog.DiscardHandler), Authenticate: scopedAuth(new([]Credentials)),
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, p *Problem) {
			causes = append(causes, p.Err)
			WriteJSON(w, p.Status, "application/json", map[string]any{"code": p.Status})
		}})
	a := do(t, s, "DELETE", "/pets/1", "", map[string]string{"Authorization": "Bearer reader"})
	b := do(t, s, "GET", "/pets/1", "", nil)
	if a.status != 403 || a.body != `{"code":403}`+"\n" || b.status != 401 || b.header.Get("WWW-Authenticate") != "Bearer" {
		t.Errorf("%d %s; %d %v", a.status, a.body, b.status, b.header)
	}
	if len(causes) != 2 || !errors.Is(causes[0], ErrForbidden) || causes[1] == nil || causes[1].Error() != "no credentials for oauth" {
		t.Errorf("causes %v", causes)
	}
	// Without Authenticate, operations with security answer 401.
	s = securedServer(Options{Logger: slog.New(slog.DiscardHandler)})
	if a := do(t, s, "GET", "/pets/1", "", map[string]string{"Authorization": "Bearer writer"}); a.status != 401 {
		t.Errorf("no Authenticate: %d", a.status)
	}
}
