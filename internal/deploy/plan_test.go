package deploy

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestBuildOrder(t *testing.T) {
	images := func(deps map[string][]string) map[string]*Image {
		out := map[string]*Image{}
		for n, d := range deps {
			out[n] = &Image{Name: n, Deps: d, Dockerfile: n + "/Dockerfile"}
		}
		return out
	}
	for _, tc := range []struct {
		name  string
		deps  map[string][]string
		want  []string
		order []string
		err   string
	}{
		{"chain", map[string][]string{"app": {"common"}, "common": {"base"}, "base": nil}, []string{"app"}, []string{"base", "common", "app"}, ""},
		{"shared base once", map[string][]string{"a": {"base"}, "b": {"base"}, "base": nil}, []string{"a", "b"}, []string{"base", "a", "b"}, ""},
		{"only what is wanted", map[string][]string{"a": nil, "b": {"base"}, "base": nil}, []string{"a"}, []string{"a"}, ""},
		{"cycle", map[string][]string{"a": {"b"}, "b": {"c"}, "c": {"a"}}, []string{"a"}, nil,
			"build dependency cycle: a (a/Dockerfile) -> b (b/Dockerfile) -> c (c/Dockerfile) -> a (a/Dockerfile)"},
		{"self", map[string][]string{"a": {"a"}}, []string{"a"}, nil, "build dependency cycle: a (a/Dockerfile) -> a (a/Dockerfile)"},
		{"missing base", map[string][]string{"a": {"nope"}}, []string{"a"}, nil, `a/Dockerfile: builds on image "nope", which no Dockerfile of the solution makes`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := buildOrder(images(tc.deps), tc.want)
			if tc.err != "" {
				if err == nil || err.Error() != tc.err {
					t.Fatalf("error %v, want %s", err, tc.err)
				}
				return
			}
			if err != nil || !slices.Equal(got, tc.order) {
				t.Errorf("order %v %v, want %v", got, err, tc.order)
			}
		})
	}
}

// TestImagesPlan: the plan names each image as the chart does, reads the
// base of a Go command from its Dockerfile, and orders bases first.
func TestImagesPlan(t *testing.T) {
	root := writeTree(t, map[string]string{
		"go.mod": "module example.com/shop\n\ngo 1.26\n",
		"infrastructure/base-images/shop-base/Dockerfile": "FROM debian:12\nUSER 1000\n",
		"applications/api/Dockerfile":                     "ARG SHOP_BASE\nFROM golang:1.26 AS build\nFROM $SHOP_BASE\n",
		"applications/api/backend/main.go":                "package main\n\nfunc main() {}\n",
		"applications/api/deploy/values.yaml":             "harness:\n  deployment:\n    auto: true\n    port: 9000\n  dependencies:\n    build: [shop-base]\n",
		"applications/web/Dockerfile":                     "FROM nginx:1.27\n",
		"applications/web/deploy/values.yaml":             "harness:\n  deployment:\n    auto: true\n",
		"applications/tool/Dockerfile":                    "FROM golang:1.26 AS b\nFROM b AS mid\nFROM mid\n",
		"applications/tool/main.go":                       "package main\n\nfunc main() {}\n",
		"applications/tool/deploy/values.yaml":            "harness:\n  deployment:\n    auto: true\n",
	})
	d := &Deployment{Roots: []string{root}, Registry: "reg.example/shop"}
	p, err := d.Plan(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	plan := p.Images
	byName := map[string]Image{}
	var order []string
	for _, img := range plan {
		byName[img.Name] = img
		order = append(order, img.Name)
		if !strings.HasPrefix(img.Ref, "reg.example/shop/"+img.Name+":") {
			t.Errorf("%s: ref %s", img.Name, img.Ref)
		}
	}
	if i, j := slices.Index(order, "shop-base"), slices.Index(order, "api"); i < 0 || j < i {
		t.Errorf("order %v: the base goes first", order)
	}
	if api := byName["api"]; api.GoMain != filepath.Join(root, "applications/api/backend") || api.Base != "shop-base" || api.Port != 9000 {
		t.Errorf("api: %+v", api)
	}
	if web := byName["web"]; web.GoMain != "" {
		t.Errorf("web is no Go command: %+v", web)
	}
	if tool := byName["tool"]; tool.GoMain == "" || tool.Base != "golang:1.26" {
		t.Errorf("tool's base through its stages: %+v", tool)
	}

	// The chart pulls what the plan builds.
	out := filepath.Join(t.TempDir(), "out")
	d2 := &Deployment{Roots: []string{root}, Registry: "reg.example/shop", Output: out, SkipLint: true}
	res, err := d2.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, app := range []string{"api", "web", "tool"} {
		got := res.Values["apps"].(map[string]any)[app].(map[string]any)["harness"].(map[string]any)["deployment"].(map[string]any)["image"]
		if got != byName[app].Ref {
			t.Errorf("%s: chart %v, plan %s", app, got, byName[app].Ref)
		}
	}
}

// TestGoInputsHash: the hash follows imports into the module and locally
// replaced modules, and nothing else.
func TestGoInputsHash(t *testing.T) {
	root := writeTree(t, map[string]string{
		"go.mod":                    "module example.com/shop\n\ngo 1.26\n\nrequire example.com/lib v0.0.0\n\nreplace example.com/lib => ./lib\n",
		"cmd/app/main.go":           "package main\n\nimport (\n\t\"example.com/lib/sub\"\n\t\"example.com/shop/internal/util\"\n\t\"fmt\"\n)\n\nfunc main() { fmt.Println(util.X, sub.Y) }\n",
		"internal/util/u.go":        "package util\n\nconst X = 1\n",
		"internal/other/o.go":       "package other\n",
		"lib/go.mod":                "module example.com/lib\n",
		"lib/sub/s.go":              "package sub\n\nconst Y = 2\n",
		"lib/unused/u.go":           "package unused\n",
		"cmd/app/app_test.go":       "package main\n",
		"cmd/app/static/index.html": "<p>hi</p>\n",
	})
	hash := func() string {
		h, err := goInputsHash(filepath.Join(root, "cmd/app"))
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	prev := hash()
	for _, tc := range []struct {
		file    string
		changes bool
	}{
		{"internal/util/u.go", true},
		{"lib/sub/s.go", true},
		{"lib/go.mod", true},
		{"go.mod", true},
		{"internal/other/o.go", false},
		{"lib/unused/u.go", false},
		{"cmd/app/app_test.go", false},
		{"cmd/app/static/index.html", false}, // a sub-folder: part of the application's folder hash instead
	} {
		p := filepath.Join(root, tc.file)
		f, err := os.OpenFile(p, os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		f.WriteString("\n// changed\n")
		f.Close()
		now := hash()
		if (now != prev) != tc.changes {
			t.Errorf("changing %s: hash changed %v, want %v", tc.file, now != prev, tc.changes)
		}
		prev = now
	}
}

// TestPlanBadDockerfiles: a Dockerfile that does not parse, one with no
// FROM, and one taking a base no Dockerfile of the solution makes are
// errors naming the file.
func TestPlanBadDockerfiles(t *testing.T) {
	for _, tc := range []struct {
		name, dockerfile, want string
	}{
		{"no FROM", "RUN true\n", "applications/web/Dockerfile: no FROM instruction"},
		{"unknown base", "ARG SHOP_BASE\nFROM ${SHOP_BASE}\n", `applications/web/Dockerfile: builds on image "shop-base", which no Dockerfile of the solution makes`},
		{"unterminated heredoc", "FROM scratch\nCOPY <<EOF /a\nhello\n", "applications/web/Dockerfile: "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := writeTree(t, map[string]string{
				"applications/web/Dockerfile":         tc.dockerfile,
				"applications/web/deploy/values.yaml": "harness:\n  deployment:\n    auto: true\n",
			})
			_, err := (&Deployment{Roots: []string{root}, Registry: "r.example"}).Plan(context.Background())
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want %q", err, tc.want)
			}
		})
	}
}
