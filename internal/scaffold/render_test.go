package scaffold

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/harness-sh/harness/internal/fileset"
	"github.com/harness-sh/harness/internal/golden"
	"github.com/harness-sh/harness/runtime/values"
)

// optional are the templates that can follow base.
var optional = []string{"go-server", "webapp", "db-postgres", "db-mongo", "db-neo4j"}

// combinations returns every subset of optional, in catalog order.
func combinations() [][]string {
	var out [][]string
	for mask := 0; mask < 1<<len(optional); mask++ {
		var c []string
		for i, t := range optional {
			if mask&(1<<i) != 0 {
				c = append(c, t)
			}
		}
		out = append(out, c)
	}
	return out
}

// dump writes a file set as one text: a header line per file, then its content.
func dump(s *fileset.Set) []byte {
	var b bytes.Buffer
	for _, p := range s.Paths() {
		f, _ := s.Get(p)
		b.WriteString("-- " + p + " (" + f.Mode.String() + ") --\n")
		b.Write(f.Data)
		if len(f.Data) > 0 && f.Data[len(f.Data)-1] != '\n' {
			b.WriteString("\n-- (no newline at end) --\n")
		}
	}
	return b.Bytes()
}

func testData(name string, tpls []Template) Data {
	d := newData(name, tpls)
	d.Module, d.ImportPath = "example.com/shop", "example.com/shop/applications/"+name+"/backend"
	d.RuntimeDir, d.GoVersion = "libraries/harness-runtime", "1.26"
	return d
}

// TestGolden renders every combination of templates for an application whose
// name has a dash (the case CloudHarness bug #164 broke) and compares with
// testdata/golden. Refresh with: go test ./internal/scaffold -update
func TestGolden(t *testing.T) {
	catalog, err := Catalog(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, combo := range combinations() {
		name := "base"
		if len(combo) > 0 {
			name = "base+" + strings.Join(combo, "+")
		}
		t.Run(name, func(t *testing.T) {
			tpls, err := Resolve(catalog, combo)
			if err != nil {
				t.Fatal(err)
			}
			files, err := Render(tpls, testData("my-app", tpls))
			if err != nil {
				t.Fatal(err)
			}
			// harness's own templates hold no key the model does not know.
			for _, p := range files.Paths() {
				if f, _ := files.Get(p); isValuesFile(p) {
					if _, err := values.DecodeApp(f.Data, values.Options{File: p}); err != nil {
						t.Fatalf("rendered values do not validate: %v", err)
					}
				}
			}
			got := dump(files)
			path := filepath.Join("testdata", "golden", name+".txt")
			golden.File(t, path, got)
		})
	}
}

func TestRenderMergesInOrder(t *testing.T) {
	catalog, err := Catalog(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	tpls, err := Resolve(catalog, []string{"go-server", "db-postgres", "go-server"})
	if err != nil {
		t.Fatal(err)
	}
	if len(tpls) != 3 || tpls[0].Name != "base" || tpls[1].Name != "go-server" || tpls[2].Name != "db-postgres" {
		t.Fatalf("Resolve order: %v", tpls)
	}
	files, err := Render(tpls, testData("shop", tpls))
	if err != nil {
		t.Fatal(err)
	}
	v, _ := files.Get("deploy/values.yaml")
	for _, want := range []string{"subdomain: shop", "type: postgres", "path: /live", "replicas: 1"} {
		if !bytes.Contains(v.Data, []byte(want)) {
			t.Errorf("merged values lack %q:\n%s", want, v.Data)
		}
	}
}
