package deploy

import (
	"bufio"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/harness-sh/harness/runtime/values"
)

// chKeysFile lists every values key CloudHarness ever had (its values
// templates, its own applications' values and libraries/models, at each
// release tag from v0.2.0 to v3.0.0), with the first and last tag it
// appears in, and keys seen in public solutions built on it.
const chKeysFile = "testdata/cloudharness-keys.tsv"

const chKeysDoc = "../../docs/cloudharness-keys.md"

// meaning says what harness does with a CloudHarness key, from the values
// model and the alias table: the model, not a hand-kept list, decides.
func meaning(path string) string {
	if m, ok := modelErrors[path]; ok {
		return m
	}
	if root, ok := strings.CutPrefix(path, "root:"); ok {
		return resolveMeaning(reflect.TypeFor[values.Values](), strings.Split(root, "."), false)
	}
	for _, a := range appAliases {
		if a.from == path {
			m := "deprecated alias: read as `" + strings.Join(a.to, "` and `") + "`"
			if a.merge {
				m = "deprecated alias: merged key by key into `" + strings.Join(a.to, "` and `") + "`"
			}
			if a.quiet {
				return m + ", quietly: CloudHarness still writes it"
			}
			return m + ", with a warning"
		}
		if strings.HasPrefix(path, a.from+".") {
			return "deprecated alias, inside `" + a.from + "`"
		}
	}
	return resolveMeaning(reflect.TypeFor[values.App](), strings.Split(path, "."), false)
}

// modelErrors are keys only CloudHarness's generated models had, by mistake.
var modelErrors = map[string]string{
	"root:privenv.name":  "never a key: CloudHarness's models typed `privenv` as one object, its values always held a list; harness reads `privenv[].name`",
	"root:privenv.value": "never a key: CloudHarness's models typed `privenv` as one object, its values always held a list; harness reads `privenv[].value`",
}

// resolveMeaning walks path through the values types.
func resolveMeaning(t reflect.Type, path []string, inHarness bool) string {
	for i, seg := range path {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		name, list := strings.CutSuffix(seg, "[]")
		switch t.Kind() {
		case reflect.Map, reflect.Interface:
			return "current, inside a free-form mapping"
		case reflect.Struct:
		default:
			return fmt.Sprintf("current: `%s` holds a %s; harness reads no `%s` in it", strings.Join(path[:i], "."), t.Kind(), name)
		}
		var next reflect.Type
		for _, k := range values.Keys(t) {
			if k.Name == name {
				next = k.Type
			}
		}
		switch {
		case next != nil:
		case !inHarness:
			return "free: outside `harness:`, passed to the chart as is for the solution's templates"
		case values.Open(t):
			return "pass-through, silently: its mapping keeps unknown keys"
		default:
			return "pass-through: unknown key, a warning, and the chart's values keep it"
		}
		t = next
		inHarness = values.InHarness(t, inHarness)
		if list {
			for t.Kind() == reflect.Pointer {
				t = t.Elem()
			}
			if t.Kind() != reflect.Slice {
				return fmt.Sprintf("current, but a %s in harness, not a list", t.Kind())
			}
			t = t.Elem()
		}
	}
	return "current"
}

// TestCloudHarnessKeys gives every CloudHarness key its meaning in harness
// and writes the table to docs/cloudharness-keys.md (-update rewrites it).
// The pass-through keys are then deployed together: each must be warned
// about and reach the chart's values.
func TestCloudHarnessKeys(t *testing.T) {
	f, err := os.Open(chKeysFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var doc strings.Builder
	doc.WriteString(`# CloudHarness's values keys in harness

Every values key CloudHarness ever had (its values templates, its own applications' values and
its ` + "`libraries/models`" + `, at each release tag from v0.2.0 to v3.0.0), and keys seen in public
solutions built on it, with what harness does with it. Generated from the values model and the
alias table by ` + "`go test ./internal/deploy -run TestCloudHarnessKeys -update`" + `; keys of the
root values file are written ` + "`root:KEY`" + `, the others are an application's.

- **current**: harness reads it, with the meaning in [values.md](values.md).
- **deprecated alias**: read where its successor lives, with a warning naming file, line and
  successor ([deployment.md](deployment.md#validation)).
- **pass-through**: an unknown key inside ` + "`harness:`" + `: a warning, and the key reaches the chart's
  values unchanged for the solution's own templates; an error with ` + "`--strict`" + `.
- **free**: outside ` + "`harness:`" + `, an application's own values, passed to the chart as they are.

| key | in CloudHarness | in harness |
| --- | --- | --- |
`)
	var passThrough []string
	sc := bufio.NewScanner(f)
	for n := 0; sc.Scan(); n++ {
		cols := strings.Split(sc.Text(), "\t")
		if n == 0 || len(cols) < 3 {
			continue
		}
		path, first, last := cols[0], cols[1], cols[2]
		m := meaning(path)
		if strings.HasPrefix(m, "pass-through: unknown") {
			passThrough = append(passThrough, path)
		}
		when := first
		switch {
		case last == "HEAD":
			when += " on"
		case last != "" && last != first:
			when += " to " + last
		}
		fmt.Fprintf(&doc, "| `%s` | %s | %s |\n", path, when, m)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, chKeysDoc, doc.String())

	// The keys of public solutions this table promises to pass through.
	for _, want := range []string{"harness.database.image", "harness.database.local_expose", "harness.ingress"} {
		if !slices.Contains(passThrough, want) {
			t.Errorf("%s is not passed through: %s", want, meaning(want))
		}
	}
	deployPassThrough(t, passThrough)
}

// deployPassThrough sets each key (the leaves of the list) in one values
// file and checks each is warned about and reaches the chart's values.
func deployPassThrough(t *testing.T, keys []string) {
	var leaves []string
	for _, k := range keys {
		if !slices.ContainsFunc(keys, func(o string) bool { return strings.HasPrefix(o, k+".") }) && !strings.Contains(k, "[]") {
			leaves = append(leaves, k)
		}
	}
	tree := map[string]any{}
	for _, k := range leaves {
		m := tree
		parts := strings.Split(k, ".")
		for _, p := range parts[:len(parts)-1] {
			if _, ok := m[p].(map[string]any); !ok {
				m[p] = map[string]any{}
			}
			m = m[p].(map[string]any)
		}
		m[parts[len(parts)-1]] = "x"
	}
	// Database keys pass through where there is a database.
	db, _ := tree["harness"].(map[string]any)["database"].(map[string]any)
	if db != nil {
		db["auto"], db["type"] = true, "postgres"
	}
	text, err := yaml.Marshal(tree)
	if err != nil {
		t.Fatal(err)
	}
	dir := writeTree(t, map[string]string{
		"applications/web/Dockerfile":         dockerfile,
		"applications/web/deploy/values.yaml": string(text),
	})
	res, err := run(t, &Deployment{Roots: []string{dir}, Tag: "1"})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range leaves {
		if got := lookupOrNil(res.Values, "apps.web."+k); got != "x" {
			t.Errorf("%s: chart value %v, want x", k, got)
		}
		top := strings.Join(strings.Split(k, ".")[:2], ".")
		if !slices.ContainsFunc(res.Warnings, func(w string) bool {
			return strings.Contains(w, ": "+top+": unknown key") || strings.Contains(w, ": "+k+": unknown key")
		}) {
			t.Errorf("%s: no unknown-key warning in %q", k, res.Warnings)
		}
	}
}
