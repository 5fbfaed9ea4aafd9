package httpapi

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// CORS lets browsers on other origins call the API (Options.CORS; off when
// nil). A request from an allowed origin gets Access-Control-Allow-Origin
// and its preflight (OPTIONS with Access-Control-Request-Method) is
// answered 204 before routing; a request from another origin is served
// without them, and the browser keeps the answer from the page.
type CORS struct {
	// AllowOrigins are the origins allowed, as browsers send them
	// (https://app.example.com); "*" allows any.
	AllowOrigins []string
	// AllowMethods answer preflights; empty means GET, HEAD, POST, PUT,
	// PATCH and DELETE.
	AllowMethods []string
	// AllowHeaders are the request headers allowed; empty means those the
	// preflight asks for.
	AllowHeaders []string
	// ExposeHeaders are the answer's headers scripts may read, beyond the
	// simple ones (X-Request-ID is a good one).
	ExposeHeaders []string
	// AllowCredentials lets requests carry cookies and Authorization; the
	// origin is then named, never "*".
	AllowCredentials bool
	// MaxAge is how long a browser may keep a preflight's answer; 0 leaves
	// it to the browser.
	MaxAge time.Duration
}

// handle adds the CORS headers of a request and answers a preflight,
// reporting whether it did.
func (c *CORS) handle(w http.ResponseWriter, r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return false
	}
	hdr := w.Header()
	hdr.Add("Vary", "Origin")
	preflight := r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != ""
	if preflight {
		hdr.Add("Vary", "Access-Control-Request-Method")
		hdr.Add("Vary", "Access-Control-Request-Headers")
	}
	anyOrigin := slices.Contains(c.AllowOrigins, "*")
	if !anyOrigin && !slices.Contains(c.AllowOrigins, origin) {
		return false
	}
	if anyOrigin && !c.AllowCredentials {
		hdr.Set("Access-Control-Allow-Origin", "*")
	} else {
		hdr.Set("Access-Control-Allow-Origin", origin)
	}
	if c.AllowCredentials {
		hdr.Set("Access-Control-Allow-Credentials", "true")
	}
	if !preflight {
		if len(c.ExposeHeaders) > 0 {
			hdr.Set("Access-Control-Expose-Headers", strings.Join(c.ExposeHeaders, ", "))
		}
		return false
	}
	allowMethods := c.AllowMethods
	if len(allowMethods) == 0 {
		allowMethods = []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}
	}
	hdr.Set("Access-Control-Allow-Methods", strings.Join(allowMethods, ", "))
	if len(c.AllowHeaders) > 0 {
		hdr.Set("Access-Control-Allow-Headers", strings.Join(c.AllowHeaders, ", "))
	} else if h := r.Header.Get("Access-Control-Request-Headers"); h != "" {
		hdr.Set("Access-Control-Allow-Headers", h)
	}
	if c.MaxAge > 0 {
		hdr.Set("Access-Control-Max-Age", strconv.Itoa(int(c.MaxAge/time.Second)))
	}
	w.WriteHeader(http.StatusNoContent)
	return true
}
