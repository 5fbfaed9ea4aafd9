package httpapi

import (
	"context"
	"errors"
	"net/http"
	"strings"
)

// Credentials are what a request presented for one security scheme.
type Credentials struct {
	Scheme             string // the scheme's name in the spec
	Token              string // bearer token, API key or OAuth2/OpenID Connect token
	Username, Password string // HTTP basic
}

// SecurityScheme is a security scheme of the spec, as generated code
// declares it: where a request carries its credentials.
type SecurityScheme struct {
	Name   string // the scheme's key in the spec
	Type   string // http, apiKey, oauth2, openIdConnect, mutualTLS
	Scheme string // for http: basic, bearer...
	In     string // for apiKey: header, query or cookie
	Param  string // for apiKey: the header, query parameter or cookie name
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

// Authenticate runs Options.Authenticate over an operation's security
// alternatives, each the names of the schemes that must all pass; the
// first alternative that passes gives the context the operation runs
// with. When none does, it answers 401 itself (with a WWW-Authenticate
// challenge per HTTP scheme) and reports !ok.
func (s *Server) Authenticate(w http.ResponseWriter, r *http.Request, alternatives [][]string) (context.Context, bool) {
	var last error
	for _, alt := range alternatives {
		ctx := r.Context()
		ok := true
		for _, name := range alt {
			sc := s.schemes[name]
			if sc == nil {
				ok, last = false, errors.New("unknown security scheme "+name)
				break
			}
			c, found := sc.credentials(r)
			if !found {
				ok, last = false, errors.New("no credentials for "+name)
				break
			}
			if s.opts.Authenticate == nil {
				ok, last = false, errors.New("authentication is not configured")
				break
			}
			next, err := s.opts.Authenticate(ctx, c)
			if err != nil {
				ok, last = false, err
				break
			}
			ctx = next
		}
		if ok {
			return ctx, true
		}
	}
	seen := map[string]bool{}
	for _, alt := range alternatives {
		for _, name := range alt {
			if sc := s.schemes[name]; sc != nil {
				if ch := sc.challenge(); ch != "" && !seen[ch] {
					seen[ch] = true
					w.Header().Add("WWW-Authenticate", ch)
				}
			}
		}
	}
	detail := "unauthorized"
	if last != nil {
		detail += ": " + last.Error()
	}
	p := NewProblem(r, http.StatusUnauthorized, detail)
	p.Err = last
	s.problem(w, r, p)
	return nil, false
}
