package httpapi

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestClientCredentials: each scheme's credentials go where the scheme
// says, from the first alternative the client has sources for, and the
// server's extraction reads them back.
func TestClientCredentials(t *testing.T) {
	schemes := []SecurityScheme{
		{Name: "bearer", Type: "http", Scheme: "bearer"},
		{Name: "basic", Type: "http", Scheme: "basic"},
		{Name: "hkey", Type: "apiKey", In: "header", Param: "X-API-Key"},
		{Name: "qkey", Type: "apiKey", In: "query", Param: "key"},
		{Name: "ckey", Type: "apiKey", In: "cookie", Param: "session"},
		{Name: "oauth", Type: "oauth2"},
	}
	var got []Credentials
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = nil
		for i := range schemes {
			if c, ok := schemes[i].credentials(r); ok {
				got = append(got, c)
			}
		}
	}))
	defer srv.Close()
	failing := func(context.Context) (Credentials, error) { return Credentials{}, errors.New("vault sealed") }
	tests := []struct {
		name     string
		security [][]Requirement
		creds    map[string]CredentialSource
		want     string // the credentials the server saw, "scheme=token" or "scheme=user:password"
		err      string
	}{
		{"bearer", [][]Requirement{{{Scheme: "bearer"}}}, map[string]CredentialSource{"bearer": Token("t")}, "bearer=t oauth=t", ""},
		{"basic", [][]Requirement{{{Scheme: "basic"}}}, map[string]CredentialSource{"basic": BasicAuth("u", "p")}, "basic=u:p", ""},
		{"keys together", [][]Requirement{{{Scheme: "hkey"}, {Scheme: "qkey"}, {Scheme: "ckey"}}},
			map[string]CredentialSource{"hkey": Token("h"), "qkey": Token("q"), "ckey": Token("c")}, "hkey=h qkey=q ckey=c", ""},
		{"first alternative met", [][]Requirement{{{Scheme: "oauth"}}, {{Scheme: "hkey"}}}, map[string]CredentialSource{"hkey": Token("h")}, "hkey=h", ""},
		{"none met", [][]Requirement{{{Scheme: "oauth"}}}, map[string]CredentialSource{"hkey": Token("h")}, "", ""},
		{"anonymous", [][]Requirement{{}}, map[string]CredentialSource{"hkey": Token("h")}, "", ""},
		{"source fails", [][]Requirement{{{Scheme: "hkey"}}}, map[string]CredentialSource{"hkey": failing}, "", "credentials for hkey: vault sealed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest("GET", srv.URL+"/x?a=1", nil)
			res, err := Do(req, Call{Operation: "Op", Security: tt.security, Schemes: schemes, Credentials: tt.creds})
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			var seen []string
			for _, c := range got {
				v := c.Token
				if c.Username != "" {
					v = c.Username + ":" + c.Password
				}
				seen = append(seen, c.Scheme+"="+v)
			}
			if s := strings.Join(seen, " "); s != tt.want {
				t.Errorf("server saw %q, want %q", s, tt.want)
			}
		})
	}
}

// TestStreamMultipart: parts from readers reach the server as a form,
// files with their names and types.
func TestStreamMultipart(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseMultipartForm(1 << 20); err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		fh := r.MultipartForm.File["file"][0]
		f, _ := fh.Open()
		data, _ := io.ReadAll(f)
		io.WriteString(w, r.FormValue("title")+"|"+fh.Filename+"|"+fh.Header.Get("Content-Type")+"|"+string(data))
	}))
	defer srv.Close()
	body, ct := StreamMultipart([]Part{{Field: "title", Value: "report"}, {Field: "file", FileName: "a.txt", ContentType: "text/plain", Reader: io.NopCloser(strings.NewReader("all good"))}})
	res, err := http.Post(srv.URL, ct, body)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if string(got) != "report|a.txt|text/plain|all good" {
		t.Errorf("server read %q", got)
	}
	// A part that fails to read fails the request.
	body, ct = StreamMultipart([]Part{{Field: "file", FileName: "b", Reader: io.MultiReader(strings.NewReader("x"), iotestErr{})}})
	if res, err := http.Post(srv.URL, ct, body); err == nil {
		res.Body.Close()
		if res.StatusCode == 200 {
			t.Error("a failing part was sent as a whole form")
		}
	}
}

type iotestErr struct{}

func (iotestErr) Read([]byte) (int, error) { return 0, errors.New("disk gone") }
