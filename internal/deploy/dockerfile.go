package deploy

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

// parsedDockerfile is what harness reads from a Dockerfile, parsed with BuildKit's
// own parser (line continuations, heredocs, escape directives and all).
type parsedDockerfile struct {
	path string
	// args are the ARGs without a default before the first FROM: the base
	// images CloudHarness passes as build arguments, named after them
	// (CLOUDHARNESS_BASE is the image cloudharness-base).
	args []string
	// final is the last stage, the image that runs.
	final stage
	// base is what the final stage starts from, through any stages it
	// names: an image reference, scratch, or a build argument ($NAME).
	base string
}

// stage is one FROM ... of a Dockerfile.
type stage struct {
	name     string // AS name, lower case
	from     string // the base as written: an image, a stage's name or $ARG
	fromLine int
	user     string // the last USER of the stage; "" when none
	userLine int
}

func readDockerfile(path string) (*parsedDockerfile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	res, err := parser.Parse(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	df := &parsedDockerfile{path: path}
	var stages []stage
	for _, n := range res.AST.Children {
		switch strings.ToLower(n.Value) {
		case "arg":
			if len(stages) > 0 {
				continue
			}
			for a := n.Next; a != nil; a = a.Next {
				if !strings.Contains(a.Value, "=") {
					df.args = append(df.args, a.Value)
				}
			}
		case "from":
			st := stage{fromLine: n.StartLine}
			if n.Next != nil {
				st.from = n.Next.Value
				if as := n.Next.Next; as != nil && strings.EqualFold(as.Value, "as") && as.Next != nil {
					st.name = strings.ToLower(as.Next.Value)
				}
			}
			stages = append(stages, st)
		case "user":
			if len(stages) > 0 && n.Next != nil {
				stages[len(stages)-1].user = n.Next.Value
				stages[len(stages)-1].userLine = n.StartLine
			}
		}
	}
	if len(stages) == 0 {
		return nil, fmt.Errorf("%s: no FROM instruction", path)
	}
	// A stage built FROM an earlier one inherits its user.
	for i := range stages {
		if stages[i].user != "" {
			continue
		}
		for j := i - 1; j >= 0; j-- {
			if stages[j].name != "" && stages[j].name == strings.ToLower(stages[i].from) {
				stages[i].user, stages[i].userLine = stages[j].user, stages[j].userLine
				break
			}
		}
	}
	df.final = stages[len(stages)-1]
	df.base = df.final.from
	for i := len(stages) - 1; i >= 0; i-- {
		if stages[i].name != "" && stages[i].name == strings.ToLower(df.base) {
			df.base = stages[i].from
		}
	}
	return df, nil
}

// argImage is the build argument a FROM names ($NAME or ${NAME}), or "".
var argImage = regexp.MustCompile(`^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$`)

// imageOfArg is the image CloudHarness passes as build argument NAME.
func imageOfArg(name string) string {
	return strings.ReplaceAll(strings.ToLower(name), "_", "-")
}

// isRootUser reports whether a USER value runs as root: root or UID 0, with
// any group. A variable is not known to be root.
func isRootUser(user string) bool {
	u, _, _ := strings.Cut(user, ":")
	return u == "root" || u == "0"
}

// rootUser says how the image of Dockerfile df comes to run as root, or ""
// when its user is not root (or not known). bases resolves a base image
// passed as a build argument to its own Dockerfile (nil when the solution
// does not build it), followed through any depth of bases.
func rootUser(df *parsedDockerfile, bases func(image string) *parsedDockerfile) (line int, why string) {
	seen := map[string]bool{}
	for cur := df; cur != nil && !seen[cur.path]; {
		seen[cur.path] = true
		f := cur.final
		if f.user != "" {
			if isRootUser(f.user) {
				return f.userLine, fmt.Sprintf("USER %s", f.user)
			}
			return 0, ""
		}
		m := argImage.FindStringSubmatch(f.from)
		if m == nil || bases == nil {
			if cur == df {
				return f.fromLine, fmt.Sprintf("its final stage (FROM %s) sets no USER", f.from)
			}
			return df.final.fromLine, fmt.Sprintf("its final stage (FROM %s) sets no USER, nor does %s", df.final.from, relPath(cur.path))
		}
		cur = bases(imageOfArg(m[1]))
		if cur == nil {
			// A base the solution does not build: its user is unknown.
			return 0, ""
		}
	}
	return 0, ""
}

func relPath(p string) string {
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(wd, p); err == nil && !strings.HasPrefix(rel, "..") {
			return rel
		}
	}
	return p
}
