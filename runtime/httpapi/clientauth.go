package httpapi

import (
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
)

// CredentialSource gives a client the credentials it presents for one
// security scheme, asked again for each call: a token refreshed as it
// expires, a key read from a mounted secret. It fills Token (bearer,
// OAuth2, OpenID Connect, API key) or Username and Password (HTTP basic).
type CredentialSource func(ctx context.Context) (Credentials, error)

// Token is a source always giving the same token (or API key).
func Token(token string) CredentialSource {
	return func(context.Context) (Credentials, error) { return Credentials{Token: token}, nil }
}

// BasicAuth is a source always giving the same user and password.
func BasicAuth(user, password string) CredentialSource {
	return func(context.Context) (Credentials, error) {
		return Credentials{Username: user, Password: password}, nil
	}
}

// authorize sets a request's credentials for the operation's security:
// the first alternative whose schemes all have a source in creds (an
// empty alternative, anonymous access, needs none), each scheme's
// credentials put where the scheme says. With no alternative met it sends
// the request as it is, and the server answers 401.
func authorize(req *http.Request, c Call) error {
	if len(c.Security) == 0 || len(c.Credentials) == 0 {
		return nil
	}
	for _, alt := range c.Security {
		met := true
		for _, r := range alt {
			if c.Credentials[r.Scheme] == nil || scheme(c.Schemes, r.Scheme) == nil {
				met = false
				break
			}
		}
		if !met {
			continue
		}
		for _, r := range alt {
			cr, err := c.Credentials[r.Scheme](req.Context())
			if err != nil {
				return fmt.Errorf("credentials for %s: %w", r.Scheme, err)
			}
			scheme(c.Schemes, r.Scheme).present(req, cr)
		}
		return nil
	}
	return nil
}

func scheme(schemes []SecurityScheme, name string) *SecurityScheme {
	for i := range schemes {
		if schemes[i].Name == name {
			return &schemes[i]
		}
	}
	return nil
}

// present puts credentials where the scheme carries them: the client's
// half of credentials.
func (sc *SecurityScheme) present(req *http.Request, c Credentials) {
	switch {
	case sc.Type == "http" && strings.EqualFold(sc.Scheme, "basic"):
		req.SetBasicAuth(c.Username, c.Password)
	case sc.Type == "apiKey" && sc.In == "query":
		q := req.URL.Query()
		q.Set(sc.Param, c.Token)
		req.URL.RawQuery = q.Encode()
	case sc.Type == "apiKey" && sc.In == "cookie":
		req.AddCookie(&http.Cookie{Name: sc.Param, Value: c.Token})
	case sc.Type == "apiKey":
		req.Header.Set(sc.Param, c.Token)
	case sc.Type == "mutualTLS":
		// The transport's TLS configuration presents the certificate.
	default: // http bearer, oauth2, openIdConnect
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
}

// Part is one part of a multipart body a client sends from a reader: a
// file when FileName is set or Reader given, else a plain field holding
// Value.
type Part struct {
	Field       string
	FileName    string
	ContentType string    // of a file part; default application/octet-stream
	Value       string    // of a field
	Reader      io.Reader // a file's content, read as the request is sent (closed when an io.Closer)
}

// StreamMultipart returns a multipart body of parts, written as the
// request is sent (nothing is held whole in memory), and its Content-Type.
// A part that fails to read fails the request.
func StreamMultipart(parts []Part) (io.Reader, string) {
	pr, pw := io.Pipe()
	w := multipart.NewWriter(pw)
	go func() {
		err := writeParts(w, parts)
		if err == nil {
			err = w.Close()
		}
		pw.CloseWithError(err)
	}()
	return pr, w.FormDataContentType()
}

func writeParts(w *multipart.Writer, parts []Part) error {
	for _, p := range parts {
		if p.Reader == nil && p.FileName == "" {
			if err := w.WriteField(p.Field, p.Value); err != nil {
				return err
			}
			continue
		}
		ct := p.ContentType
		if ct == "" {
			ct = "application/octet-stream"
		}
		h := make(map[string][]string)
		h["Content-Disposition"] = []string{fmt.Sprintf(`form-data; name=%q; filename=%q`, p.Field, p.FileName)}
		h["Content-Type"] = []string{ct}
		dst, err := w.CreatePart(h)
		if err != nil {
			return err
		}
		if p.Reader != nil {
			_, err = io.Copy(dst, p.Reader)
			if c, ok := p.Reader.(io.Closer); ok {
				c.Close()
			}
			if err != nil {
				return fmt.Errorf("part %s: %w", p.Field, err)
			}
		}
	}
	return nil
}
