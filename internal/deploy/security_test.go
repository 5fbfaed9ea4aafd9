package deploy

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// TestPodSecurity: an app's harness.deployment.security reaches its pod, an
// app whose image runs as root may say so (and is then held to "baseline"),
// and an image built to run as root without saying so is a warning naming
// the Dockerfile's line and the key to set.
func TestPodSecurity(t *testing.T) {
	const auto = "harness:\n  deployment:\n    auto: true\n"
	const warnTail = `: the image runs as root, but the chart runs web as UID 65532: set harness.deployment.security.runAsUser to the image's user, or harness.deployment.security.runAsNonRoot: false to run it as root`
	tests := []struct {
		name       string
		dockerfile string
		values     string
		base       string // infrastructure/base-images/my-base/Dockerfile
		warn       string // the Dockerfile warning, "" for none
		pod        map[string]any
		container  map[string]any
	}{
		{name: "no USER", dockerfile: "FROM scratch\n", values: auto,
			warn: "applications/web/Dockerfile:1: its final stage (FROM scratch) sets no USER" + warnTail,
			pod:  map[string]any{"runAsNonRoot": true, "runAsUser": 65532, "runAsGroup": 65532}},
		{name: "USER root", dockerfile: "# syntax=docker/dockerfile:1\nFROM python:3.12\n\nUSER root\n", values: auto,
			warn: "applications/web/Dockerfile:4: USER root" + warnTail},
		{name: "USER 0:0 over a continuation line", dockerfile: "FROM python:3.12\nRUN echo a \\\n  b\nUSER 0:0\n", values: auto,
			warn: "applications/web/Dockerfile:4: USER 0:0" + warnTail},
		{name: "the last USER wins", dockerfile: "FROM python:3.12\nUSER root\nRUN apt-get update\nUSER app\n", values: auto},
		{name: "user inherited from an earlier stage", dockerfile: "FROM golang:1.26 AS build\nUSER 1000\nFROM build\nRUN true\n", values: auto},
		{name: "a later stage resets the user", dockerfile: "FROM golang:1.26 AS build\nUSER 1000\nFROM scratch\nCOPY --from=build /x /x\n", values: auto,
			warn: "applications/web/Dockerfile:3: its final stage (FROM scratch) sets no USER" + warnTail},
		{name: "solution base sets the user", dockerfile: "ARG MY_BASE\nFROM ${MY_BASE}\n", base: "FROM debian:12\nUSER 1000\n", values: auto},
		{name: "solution base without a user", dockerfile: "ARG MY_BASE\nFROM $MY_BASE\n", base: "FROM debian:12\n", values: auto,
			warn: "applications/web/Dockerfile:2: its final stage (FROM $MY_BASE) sets no USER, nor does "},
		{name: "runAsUser given", dockerfile: "FROM scratch\n", values: auto + "    security:\n      runAsUser: 1000\n",
			pod: map[string]any{"runAsNonRoot": true, "runAsUser": 1000, "runAsGroup": 1000, "fsGroup": 1000}},
		{name: "user and group given", dockerfile: "FROM scratch\nUSER 1000\n", values: auto + "    security:\n      runAsUser: 1000\n      runAsGroup: 0\n",
			pod: map[string]any{"runAsUser": 1000, "runAsGroup": 0, "fsGroup": 0}},
		{name: "runs as root by choice", dockerfile: "FROM python:3.12\n", values: auto + "    security:\n      runAsNonRoot: false\n      readOnlyRootFilesystem: false\n",
			pod:       map[string]any{"runAsNonRoot": nil, "runAsUser": nil, "runAsGroup": 65532},
			container: map[string]any{"readOnlyRootFilesystem": false, "allowPrivilegeEscalation": false}},
		{name: "writable root filesystem", dockerfile: "FROM scratch\nUSER 65532\n", values: auto + "    security:\n      readOnlyRootFilesystem: false\n",
			container: map[string]any{"readOnlyRootFilesystem": false}},
		{name: "no deployment, no check", dockerfile: "FROM scratch\n", values: "harness: {}\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			files := map[string]string{
				"applications/web/Dockerfile":         tc.dockerfile,
				"applications/web/deploy/values.yaml": tc.values,
			}
			if tc.base != "" {
				files["infrastructure/base-images/my-base/Dockerfile"] = tc.base
			}
			dir := writeTree(t, files)
			res, err := run(t, &Deployment{Roots: []string{dir}, Tag: "1"})
			if err != nil {
				t.Fatal(err)
			}
			var dfWarnings []string
			for _, w := range res.Warnings {
				if strings.Contains(w, "Dockerfile:") {
					dfWarnings = append(dfWarnings, strings.ReplaceAll(w, dir+"/", ""))
				}
			}
			switch {
			case tc.warn == "" && len(dfWarnings) > 0:
				t.Errorf("unexpected warnings %q", dfWarnings)
			case tc.warn != "" && !slices.ContainsFunc(dfWarnings, func(w string) bool { return strings.HasPrefix(w, tc.warn) }):
				t.Errorf("warnings %q\nwant %q", dfWarnings, tc.warn)
			}
			if tc.pod == nil && tc.container == nil {
				return
			}
			d := objects(t, res)["Deployment/web"]
			if d == nil {
				t.Fatal("no Deployment/web")
			}
			spec := d["spec"].(map[string]any)["template"].(map[string]any)["spec"].(map[string]any)
			pod := spec["securityContext"].(map[string]any)
			for k, want := range tc.pod {
				if got := pod[k]; fmt.Sprint(got) != fmt.Sprint(want) && !(want == nil && got == nil) {
					t.Errorf("pod %s = %v, want %v", k, got, want)
				}
			}
			ctr := spec["containers"].([]any)[0].(map[string]any)["securityContext"].(map[string]any)
			for k, want := range tc.container {
				if got := ctr[k]; fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("container %s = %v, want %v", k, got, want)
				}
			}
		})
	}
}

// TestRootPodStillChecked: with runAsNonRoot: false the app's pod passes as
// "baseline", while a pod of the solution's own template is still held to
// "restricted".
func TestRootPodStillChecked(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"applications/web/Dockerfile":         "FROM python:3.12\n",
		"applications/web/deploy/values.yaml": "harness:\n  deployment:\n    auto: true\n    security:\n      runAsNonRoot: false\n",
		// harness's own template edited by the solution to run privileged.
		"deployment-configuration/helm/templates/extra.yaml": `apiVersion: v1
kind: Pod
metadata:
  name: priv
spec:
  containers:
    - name: c
      image: busybox
      securityContext:
        privileged: true
`,
	})
	res, err := run(t, &Deployment{Roots: []string{dir}, Tag: "1"})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(res.Warnings, func(w string) bool {
		return strings.Contains(w, "Pod/priv") && strings.Contains(w, `violates Pod Security "restricted"`)
	}) {
		t.Errorf("the privileged pod of the solution's template is not reported: %q", res.Warnings)
	}
	if slices.ContainsFunc(res.Warnings, func(w string) bool { return strings.Contains(w, "Deployment/web") }) {
		t.Errorf("the baseline deployment is reported: %q", res.Warnings)
	}
}
