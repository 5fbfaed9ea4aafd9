package deploy

import (
	"regexp"
	"testing"
)

// TestSubApplications: a key of an application's values holding a harness:
// mapping of its own is deployed as CloudHarness deploys it (Deployment,
// Service, database) and, as its ingress template meant to, published at
// SUB.APP.DOMAIN; it goes and stays with the application holding it.
func TestSubApplications(t *testing.T) {
	const web = `harness:
  subdomain: web
  deployment:
    auto: true
docs:
  title: kept for the solution's templates
  harness:
    subdomain: docs
    deployment:
      image: docs:1
      port: 8000
    service:
      port: 8000
    database:
      auto: true
      type: postgres
`
	files := map[string]string{
		"applications/web/Dockerfile":         dockerfile,
		"applications/web/deploy/values.yaml": web,
		"applications/api/Dockerfile":         dockerfile,
	}
	t.Run("deployed", func(t *testing.T) {
		res, err := run(t, &Deployment{Roots: []string{writeTree(t, files)}, Tag: "1"})
		if err != nil {
			t.Fatal(err)
		}
		objs := objects(t, res)
		for _, want := range []string{"Deployment/docs", "Service/docs", "Deployment/docs-db", "Deployment/web"} {
			if objs[want] == nil {
				t.Errorf("no %s", want)
			}
		}
		if got := lookup(t, res.Values, "apps.web.docs.title"); got != "kept for the solution's templates" {
			t.Errorf("apps.web.docs.title = %v", got)
		}
		var route map[string]any
		for _, r := range lookupOrNil(objs["Ingress/cloudharness-ingress"], "spec").(map[string]any)["rules"].([]any) {
			if r := r.(map[string]any); r["host"] == "docs.web.example.com" {
				route = r
			}
		}
		if route == nil {
			t.Fatal("no ingress rule for docs.web.example.com")
		}
		backend := route["http"].(map[string]any)["paths"].([]any)[0].(map[string]any)["backend"].(map[string]any)["service"].(map[string]any)
		if backend["name"] != "docs" || lookupOrNil(backend, "port.number") != 8000 {
			t.Errorf("docs.web.example.com goes to %v", backend)
		}
	})
	t.Run("-i takes it along, -ex leaves it", func(t *testing.T) {
		res, err := run(t, &Deployment{Roots: []string{writeTree(t, files)}, Tag: "1", Include: []string{"web"}})
		if err != nil {
			t.Fatal(err)
		}
		if objs := objects(t, res); objs["Deployment/docs"] == nil || objs["Deployment/api"] != nil {
			t.Errorf("-i web: docs deployed %v, api %v", objs["Deployment/docs"] != nil, objs["Deployment/api"] != nil)
		}
		res, err = run(t, &Deployment{Roots: []string{writeTree(t, files)}, Tag: "1", Exclude: []string{"docs"}})
		if err != nil {
			t.Fatal(err)
		}
		if objects(t, res)["Deployment/docs"] != nil {
			t.Error("-ex docs: deployed")
		}
	})
	const vfile = `applications/web/deploy/values.yaml`
	for _, tt := range []struct {
		name, values, want string
	}{
		{"secured", "harness:\n  subdomain: web\ndocs:\n  harness:\n    secured: true\n    deployment:\n      image: d:1\n",
			vfile + `:5: docs.harness.secured: a sub-application cannot be secured`},
		{"name of an application", "harness: {}\napi:\n  harness:\n    deployment:\n      image: d:1\n",
			vfile + `:2: api: sub-application of web: an application has that name already`},
		{"no image", "harness: {}\ndocs:\n  harness:\n    subdomain: docs\n",
			`harness.deployment.image`},
		{"bad name", "harness: {}\nDocs_1:\n  harness: {}\n",
			vfile + `:2: Docs_1: sub-application of web: `},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := map[string]string{}
			for k, v := range files {
				f[k] = v
			}
			f["applications/web/deploy/values.yaml"] = tt.values
			_, err := run(t, &Deployment{Roots: []string{writeTree(t, f)}, Tag: "1"})
			if err == nil || !regexp.MustCompile(tt.want).MatchString(err.Error()) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
}
