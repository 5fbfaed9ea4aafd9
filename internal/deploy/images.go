package deploy

import (
	"bytes"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// neutralDirs are left out of image names, as CloudHarness does
// (applications/app/server/Dockerfile builds image "app").
var neutralDirs = map[string]bool{"src": true, "tasks": true, "server": true, "backend": true}

// defaultIgnore are never part of a build context's content hash:
// CloudHarness's list, and /deployment, where harness-deployment and harness
// build write, so that a base image built from the solution's root keeps
// its tag when only the chart or the record of the last build changed.
var defaultIgnore = []string{"/tasks", ".dockerignore", ".hypothesis", "__pycache__", ".node_modules", "dist", "build", ".coverage", "/deployment"}

// imageName joins the path parts of a Dockerfile's directory (relative to
// the applications folder) with "-", neutral parts left out.
func imageName(rel string) string {
	var parts []string
	for _, p := range strings.Split(filepath.ToSlash(rel), "/") {
		if p != "" && p != "." && !neutralDirs[p] {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, "-")
}

// dockerfileDirs lists the directories under dir holding a Dockerfile, in
// lexical order, skipping nested git checkouts and node_modules.
func dockerfileDirs(dir string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != dir && (d.Name() == "node_modules" || d.Name() == ".git") {
				return filepath.SkipDir
			}
			if p != dir {
				if _, err := os.Stat(filepath.Join(p, ".git")); err == nil {
					return filepath.SkipDir
				}
			}
			return nil
		}
		if d.Name() == "Dockerfile" {
			out = append(out, filepath.Dir(p))
		}
		return nil
	})
	if os.IsNotExist(err) {
		return nil, nil
	}
	return out, err
}

// buildArgsDeps guesses an image's build dependencies from the ARGs without
// default before the first FROM of its Dockerfile, as CloudHarness does
// (ARG CLOUDHARNESS_BASE: the image cloudharness-base).
func buildArgsDeps(dir string) []string {
	df, err := readDockerfile(filepath.Join(dir, "Dockerfile"))
	if err != nil {
		return nil
	}
	var deps []string
	for _, a := range df.args {
		deps = append(deps, imageOfArg(a))
	}
	return deps
}

// contentHash hashes a build context: every file not excluded by the
// context's .dockerignore (and CloudHarness's default exclusions), by path
// and content, in path order. The same tree gives the same tag anywhere.
func contentHash(dir string) (string, error) {
	ign, err := readIgnore(dir)
	if err != nil {
		return "", err
	}
	var files []string
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if rel == "." {
			return nil
		}
		if ign.excluded(rel) {
			if d.IsDir() && !ign.hasNegations {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() {
			files = append(files, rel)
		}
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("hash build context %s: %w", dir, err)
	}
	sort.Strings(files)
	h := sha1.New()
	for _, rel := range files {
		f, err := os.Open(filepath.Join(dir, rel))
		if err != nil {
			return "", fmt.Errorf("hash build context: %w", err)
		}
		fmt.Fprintf(h, "%s\x00", rel)
		_, err = io.Copy(h, f)
		f.Close()
		if err != nil {
			return "", fmt.Errorf("hash build context: %w", err)
		}
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

type ignoreRule struct {
	re     *regexp.Regexp
	negate bool
}

type ignorer struct {
	rules        []ignoreRule
	hasNegations bool
}

func readIgnore(dir string) (*ignorer, error) {
	lines := append([]string(nil), defaultIgnore...)
	data, err := os.ReadFile(filepath.Join(dir, ".dockerignore"))
	if err != nil && !os.IsNotExist(err) {
		return nil, fmt.Errorf("read .dockerignore: %w", err)
	}
	for _, l := range bytes.Split(data, []byte("\n")) {
		s := strings.TrimSpace(string(l))
		if s != "" && !strings.HasPrefix(s, "#") {
			lines = append(lines, s)
		}
	}
	ig := &ignorer{}
	for _, l := range lines {
		neg := strings.HasPrefix(l, "!")
		l = strings.TrimPrefix(l, "!")
		l = path.Clean(strings.TrimPrefix(filepath.ToSlash(l), "/"))
		if l == "." {
			continue
		}
		ig.rules = append(ig.rules, ignoreRule{re: globRegexp(l), negate: neg})
		ig.hasNegations = ig.hasNegations || neg
	}
	return ig, nil
}

// excluded applies the rules in order, the last match winning, as Docker
// does; a pattern matching a directory excludes what it holds.
func (ig *ignorer) excluded(rel string) bool {
	out := false
	for _, r := range ig.rules {
		if matchPathOrParent(r.re, rel) {
			out = !r.negate
		}
	}
	return out
}

func matchPathOrParent(re *regexp.Regexp, rel string) bool {
	for p := rel; p != "." && p != "/" && p != ""; p = path.Dir(p) {
		if re.MatchString(p) {
			return true
		}
	}
	return false
}

// globRegexp compiles a .dockerignore pattern: * and ? within a path
// element, ** across elements.
func globRegexp(pat string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("^")
	for i := 0; i < len(pat); i++ {
		c := pat[i]
		switch {
		case c == '*' && i+1 < len(pat) && pat[i+1] == '*':
			i++
			if i+1 < len(pat) && pat[i+1] == '/' {
				i++
				b.WriteString("(?:.*/)?")
			} else {
				b.WriteString(".*")
			}
		case c == '*':
			b.WriteString("[^/]*")
		case c == '?':
			b.WriteString("[^/]")
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString("$")
	re, err := regexp.Compile(b.String())
	if err != nil {
		return regexp.MustCompile("^" + regexp.QuoteMeta(pat) + "$")
	}
	return re
}
