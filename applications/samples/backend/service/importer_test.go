// Scaffolded by harness; yours to edit.

package service

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	samples "github.com/harness-sh/harness/applications/samples/backend/samples"
)

func (e env) countPassengers(t *testing.T) int64 {
	t.Helper()
	var n int64
	if err := e.pool.QueryRow(context.Background(), "SELECT count(*) FROM passengers").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// A good file goes in whole, in several batches, its columns in any order
// and an empty phone stored as none.
func TestImport(t *testing.T) {
	e := newEnv(t)
	const rows = 2500
	var b strings.Builder
	b.WriteString("\ufeffPhone, Nationality,email,name\n")
	for i := range rows {
		phone := ""
		if i%2 == 0 {
			phone = fmt.Sprintf("+4420%08d", i)
		}
		fmt.Fprintf(&b, "%s,GB,p%d@example.org,\"Passenger, %d\"\n", phone, i, i)
	}
	im := &Importer{DB: e.pool, BatchSize: 1000}
	n, err := im.Import(context.Background(), "passengers.csv", strings.NewReader(b.String()))
	if err != nil || n != rows {
		t.Fatalf("imported %d: %v", n, err)
	}
	if got := e.countPassengers(t); got != rows {
		t.Fatalf("%d passengers stored, want %d", got, rows)
	}
	// The imported passengers are the API's like any other.
	var page samples.PassengerPage
	call(t, "GET", e.url+"/passengers?name=passenger,%201&limit=3", "").decode(t, &page)
	if page.Total != 1111 || len(page.Passengers) != 3 {
		t.Fatalf("passengers named like 'Passenger, 1': %d", page.Total)
	}
	for _, p := range page.Passengers {
		var i int
		fmt.Sscanf(p.Name, "Passenger, %d", &i)
		hasPhone := p.Phone != nil && *p.Phone == fmt.Sprintf("+4420%08d", i)
		if p.Email != fmt.Sprintf("p%d@example.org", i) || p.Nationality != "GB" || hasPhone != (i%2 == 0) || (i%2 == 1 && p.Phone != nil) || p.Version != 1 {
			t.Errorf("imported %+v", p)
		}
	}
}

// A bad file is refused whole, even when batches of its good rows were
// copied before the bad row was read; every problem is reported with its
// line, in the file's order.
func TestImportRefused(t *testing.T) {
	e := newEnv(t)
	e.createPassenger(t, "Ada", "ada@example.org", "GB")
	e.createPassenger(t, "Grace", "grace@example.org", "US")
	const header = "name,email,nationality,phone\n"
	good := func(from, to int) string {
		var b strings.Builder
		for i := from; i <= to; i++ {
			fmt.Fprintf(&b, "P%d,p%d@example.org,FR,\n", i, i)
		}
		return b.String()
	}
	for _, tc := range []struct {
		name, file string
		maxErrors  int
		want       []string
		truncated  bool
	}{
		{"a bad email after good batches", header + good(2, 6) + "Bad,not-an-address,GB,\n" + good(8, 9), 0,
			[]string{"passengers.csv:7: email: must be an email address"}, false},
		{"several problems, one line each", header + good(2, 2) +
			"Bad,bad@example.org,gb,0123\n" +
			",P2@EXAMPLE.org,FR,\n" +
			good(5, 5) +
			"Ada again,ADA@example.org,GB,\n", 0,
			[]string{
				"passengers.csv:3: nationality: must match the pattern ^[A-Z]{2}$",
				"passengers.csv:3: phone: must match the pattern ^\\+[1-9][0-9]{6,14}$",
				"passengers.csv:4: name: must be at least 1 character long",
				"passengers.csv:4: name: must match the pattern \\S",
				"passengers.csv:4: email: P2@EXAMPLE.org is on line 2 already",
				"passengers.csv:6: email: ADA@example.org is already registered",
			}, false},
		{"a quoted field spans lines", header + "\"Two\nlines\",two@example.org,GB,\n" + "X,x@example.org,GBR,\n", 0,
			[]string{"passengers.csv:4: nationality: must match the pattern ^[A-Z]{2}$"}, false},
		{"too many problems", header + strings.Repeat("X,x,GB,\n", 5), 3,
			[]string{"passengers.csv:2: email: must be an email address", "passengers.csv:3: email: must be an email address",
				"passengers.csv:4: email: must be an email address"}, true},
		{"too many registered in one batch", header + "A,ada@example.org,GB,\nG,grace@example.org,GB,\n", 1,
			[]string{"passengers.csv:2: email: ada@example.org is already registered"}, true},
		{"wrong number of fields", header + good(2, 2) + "X,x@example.org\n", 0,
			[]string{"passengers.csv:3: wrong number of fields"}, false},
		{"a stray quote", header + "X\"Y,x@example.org,GB,\n", 0,
			[]string{`passengers.csv:2: bare " in non-quoted-field`}, false},
		{"unknown and missing columns", "name,mail,nationality,name\n" + good(2, 2), 0,
			[]string{"passengers.csv:1: mail: unknown column: want name, email, nationality and phone",
				"passengers.csv:1: name: the column is there twice", "passengers.csv:1: email: the column is missing"}, false},
		{"a stray quote in the header", "name,\"email\"x,nationality\n", 0,
			[]string{`passengers.csv:1: extraneous or missing " in quoted-field`}, false},
		{"empty", "", 0, []string{"passengers.csv:1: the file is empty: want a header line such as name,email,nationality,phone"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			im := &Importer{DB: e.pool, BatchSize: 2, MaxErrors: tc.maxErrors}
			n, err := im.Import(context.Background(), "passengers.csv", strings.NewReader(tc.file))
			var refused *ImportError
			if !errors.As(err, &refused) || n != 0 {
				t.Fatalf("imported %d: %v, want an ImportError", n, err)
			}
			var got []string
			for _, r := range refused.Rows {
				got = append(got, r.String())
			}
			if !slices.Equal(got, tc.want) || refused.Truncated != tc.truncated {
				t.Errorf("problems (truncated %v):\n%s\nwant (truncated %v):\n%s", refused.Truncated, strings.Join(got, "\n"),
					tc.truncated, strings.Join(tc.want, "\n"))
			}
			if msg := err.Error(); !strings.HasPrefix(msg, strings.Join(tc.want, "\n")+"\n") || !strings.HasSuffix(msg, "; nothing imported") {
				t.Errorf("message:\n%s", msg)
			}
			if got := e.countPassengers(t); got != 2 {
				t.Errorf("%d passengers after a refused import, want the 2 registered before", got)
			}
		})
	}
}

// The importer refuses exactly what the API refuses, with the API's words:
// a value the API answers 400 to is reported for its row and column with
// the same details.
func TestImportChecksAsTheAPI(t *testing.T) {
	e := newEnv(t)
	columns := []string{"name", "email", "nationality", "phone"}
	good := []string{"Ada", "ada@example.org", "GB", "+441234567890"}
	for _, tc := range []struct {
		column int
		value  string
	}{
		{0, ""}, {0, "   "}, {0, strings.Repeat("é", 101)},
		{1, "ada"}, {1, "Ada <ada@example.org>"}, {1, strings.Repeat("a", 243) + "@example.org"}, {1, ""},
		{2, "gb"}, {2, "GBR"}, {2, ""},
		{3, "01234567"}, {3, "+44 1234 567890"},
	} {
		field := columns[tc.column]
		t.Run(field+"="+tc.value, func(t *testing.T) {
			row := slices.Clone(good)
			row[tc.column] = tc.value
			obj := map[string]string{}
			for i, c := range columns {
				obj[c] = row[i]
			}
			body, _ := json.Marshal(obj)
			a := call(t, "POST", e.url+"/passengers", string(body))
			var p samples.Problem
			if a.decode(t, &p); a.status != 400 || len(p.Errors) == 0 {
				t.Fatalf("the API answers %d %s, want a 400", a.status, a.body)
			}
			var want []RowError
			for _, fe := range p.Errors {
				want = append(want, RowError{File: "p.csv", Line: 2, Field: *fe.Field, Detail: fe.Detail})
			}

			var file strings.Builder
			w := csv.NewWriter(&file)
			w.Write(columns)
			w.Write(row)
			w.Flush()
			_, err := (&Importer{DB: e.pool}).Import(context.Background(), "p.csv", strings.NewReader(file.String()))
			var refused *ImportError
			if !errors.As(err, &refused) {
				t.Fatalf("import: %v, want it refused", err)
			}
			if !slices.Equal(refused.Rows, want) {
				t.Errorf("import reports %v, the API %v", refused.Rows, want)
			}
		})
	}
}

// A file that cannot be read is an error of its own, not a refused file;
// nothing is imported.
func TestImportReadFails(t *testing.T) {
	e := newEnv(t)
	r := io.MultiReader(strings.NewReader("name,email,nationality\nAda,ada@example.org,GB\n"), failingReader{})
	n, err := (&Importer{DB: e.pool}).Import(context.Background(), "p.csv", r)
	var refused *ImportError
	if err == nil || errors.As(err, &refused) || !strings.Contains(err.Error(), "import p.csv: read: disk on fire") || n != 0 {
		t.Fatalf("imported %d: %v", n, err)
	}
	if got := e.countPassengers(t); got != 0 {
		t.Errorf("%d passengers stored", got)
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }
