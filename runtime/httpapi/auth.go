package httpapi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
)

// Credentials are what a request presented for one security scheme, with
// what the spec asks of them for the operation called.
type Credentials struct {
	Scheme    string // the scheme's name in the spec
	Operation string // the operation, named as in the API interface and the access log
	// Scopes are those the operation's security requirement lists for the
	// scheme: OAuth2 scopes, or the roles OpenAPI 3.1 allows for other
	// schemes. Shared between requests: read them, do not change them.
	Scopes             []string
	Token              string // bearer token, API key or OAuth2/OpenID Connect token
	Username, Password string // HTTP basic
}

// ErrForbidden, returned by Options.Authenticate (or wrapped in its error:
// fmt.Errorf("%w: needs pets:write", httpapi.ErrForbidden)), answers 403
// Forbidden: the credentials are good, but they do not allow the operation
// (a scope is missing). Any other error answers 401.
var ErrForbidden = errors.New("forbidden")

// SecurityScheme is a security scheme of the spec, as generated code
// declares it: where a request carries its credentials.
type SecurityScheme struct {
	Name   string // the scheme's key in the spec
	Type   string // http, apiKey, oauth2, openIdConnect, mutualTLS
	Scheme string // for http: basic, bearer...
	In     string // for apiKey: header, query or cookie
	Param  string // for apiKey: the header, query parameter or cookie name
}

// Requirement is one scheme of an operation's security alternative, with
// the scopes the spec lists for it.
type Requirement struct {
	Scheme string
	Scopes []string
}

// credentials extracts what the request presents for the scheme: a basic
// user and password, an API key, else an Authorization bearer token.
func (sc *SecurityScheme) credentials(r *http.Request) (Credentials, bool) {
	c := Credentials{Scheme: sc.Name}
	switch {
	case sc.Type == "http" && strings.EqualFold(sc.Scheme, "basic"):
		u, p, ok := r.BasicAuth()
		c.Username, c.Password = u, p
		return c, ok
	case sc.Type == "apiKey":
		switch sc.In {
		case "query":
			c.Token = r.URL.Query().Get(sc.Param)
		case "cookie":
			if ck, err := r.Cookie(sc.Param); err == nil {
				c.Token = ck.Value
			}
		default:
			c.Token = r.Header.Get(sc.Param)
		}
		return c, c.Token != ""
	}
	auth := r.Header.Get("Authorization")
	if len(auth) > 7 && strings.EqualFold(auth[:7], "bearer ") {
		c.Token = strings.TrimSpace(auth[7:])
	}
	return c, c.Token != ""
}

// challenge is the WWW-Authenticate value of the scheme, or "".
func (sc *SecurityScheme) challenge() string {
	switch {
	case sc.Type == "http" && strings.EqualFold(sc.Scheme, "basic"):
		return `Basic realm="api"`
	case sc.Type == "http" && sc.Scheme != "":
		return strings.ToUpper(sc.Scheme[:1]) + sc.Scheme[1:]
	case sc.Type == "oauth2" || sc.Type == "openIdConnect":
		return "Bearer"
	}
	return ""
}

// The details of authentication answers: the same whatever failed, so that
// they tell a client nothing about the credentials it tried. What failed
// is logged, and is the problem's Err for Options.ErrorHandler.
const (
	unauthorizedDetail = "missing or invalid credentials"
	forbiddenDetail    = "the credentials do not allow this operation"
)

// Authenticate runs Options.Authenticate over the security alternatives of
// the operation op: the first alternative whose schemes all pass gives the
// context the operation runs with. When none passes it answers the request
// itself and reports !ok: 403 when Authenticate refused credentials with
// ErrForbidden, else 401 with a WWW-Authenticate challenge per HTTP, OAuth2
// and OpenID Connect scheme. Either answer's detail is generic; the reason
// is logged at Info.
func (s *Server) Authenticate(w http.ResponseWriter, r *http.Request, op string, alternatives [][]Requirement) (context.Context, bool) {
	// The reason kept is the most telling of the alternatives': a refusal
	// with ErrForbidden, else credentials refused, else none presented.
	var reason error
	rank := 0
	for _, alt := range alternatives {
		ctx, err := s.authenticate(r, op, alt)
		if err == nil {
			return ctx, true
		}
		n := 2
		switch {
		case errors.Is(err, ErrForbidden):
			n = 3
		case errors.Is(err, errNoCredentials):
			n = 1
		}
		if n > rank {
			reason, rank = err, n
		}
	}
	forbidden := rank == 3
	status, detail, msg := http.StatusUnauthorized, unauthorizedDetail, "request not authenticated"
	if forbidden {
		status, detail, msg = http.StatusForbidden, forbiddenDetail, "request forbidden"
	} else {
		s.challenge(w, alternatives)
	}
	s.log.LogAttrs(r.Context(), slog.LevelInfo, msg, slog.String("operation", op), slog.String("method", r.Method),
		slog.String("path", r.URL.Path), slog.Any("err", reason), slog.String("request_id", RequestID(r.Context())))
	p := NewProblem(r, status, detail)
	p.Err = reason
	s.problem(w, r, p)
	return nil, false
}

// errNoCredentials is the reason of a request presenting none for a scheme.
var errNoCredentials = errors.New("no credentials")

// authenticate runs one alternative: every scheme of it must pass.
func (s *Server) authenticate(r *http.Request, op string, alt []Requirement) (context.Context, error) {
	ctx := r.Context()
	for _, req := range alt {
		sc := s.schemes[req.Scheme]
		if sc == nil {
			return nil, errors.New("unknown security scheme " + req.Scheme)
		}
		c, found := sc.credentials(r)
		if !found {
			return nil, fmt.Errorf("%w for %s", errNoCredentials, req.Scheme)
		}
		if s.opts.Authenticate == nil {
			return nil, errors.New("authentication is not configured (Options.Authenticate)")
		}
		c.Operation, c.Scopes = op, req.Scopes
		next, err := s.opts.Authenticate(ctx, c)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", req.Scheme, err)
		}
		if next != nil {
			ctx = next
		}
	}
	return ctx, nil
}

// challenge adds the WWW-Authenticate challenges of the alternatives'
// schemes, each once.
func (s *Server) challenge(w http.ResponseWriter, alternatives [][]Requirement) {
	var seen []string
	for _, alt := range alternatives {
		for _, req := range alt {
			sc := s.schemes[req.Scheme]
			if sc == nil {
				continue
			}
			if ch := sc.challenge(); ch != "" && !slices.Contains(seen, ch) {
				seen = append(seen, ch)
				w.Header().Add("WWW-Authenticate", ch)
			}
		}
	}
}
