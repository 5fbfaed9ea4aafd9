package deploy

import (
	"fmt"
	"path/filepath"

	"gopkg.in/yaml.v3"
)

// defaultUID is the user harness's pods run as unless an app says otherwise
// (the chart's harness.podSecurity); 65532 is distroless's "nonroot".
const defaultUID = 65532

// checkPodSecurity reads an app's harness.deployment.security: an app whose
// image must run as root has its Deployment held to the "baseline" Pod
// Security Standard rather than "restricted". And it warns when the image
// built from the app's Dockerfile runs as root while the chart runs it as
// another user, which such an image rarely survives (files owned by root,
// ports below 1024), naming the Dockerfile's line and the key to set.
func (s *solution) checkPodSecurity(a *app, h *yaml.Node) {
	dep := child(h, "deployment")
	if !truthy(child(dep, "auto")) {
		return
	}
	sec := child(dep, "security")
	if nonRoot := child(sec, "runAsNonRoot"); nonRoot != nil && scalar(nonRoot) == "false" {
		s.baseline["Deployment/"+scalar(child(dep, "name"))] = true
		return
	}
	if !a.build || a.dockerfile == "" || child(sec, "runAsUser") != nil {
		return // an image from elsewhere, or the user already chosen
	}
	df, err := s.readDockerfile(a.dockerfile)
	if err != nil {
		s.warnf("%v", err)
		return
	}
	line, why := rootUser(df, func(image string) *parsedDockerfile {
		dir, ok := s.imageDirs[image]
		if !ok {
			return nil
		}
		base, err := s.readDockerfile(filepath.Join(dir, "Dockerfile"))
		if err != nil {
			return nil
		}
		return base
	})
	if why == "" {
		return
	}
	s.warnf("%s:%d: %s: the image runs as root, but the chart runs %s as UID %d: set harness.deployment.security.runAsUser to the image's user, or harness.deployment.security.runAsNonRoot: false to run it as root",
		df.path, line, why, a.name, defaultUID)
}

// readDockerfile parses a Dockerfile once per run.
func (s *solution) readDockerfile(path string) (*parsedDockerfile, error) {
	if df, ok := s.dockerfiles[path]; ok {
		return df, nil
	}
	df, err := readDockerfile(path)
	if err != nil {
		err = fmt.Errorf("%w: cannot tell which user the image runs as", err)
		return nil, err
	}
	s.dockerfiles[path] = df
	return df, nil
}
