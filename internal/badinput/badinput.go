// Package badinput holds harness's bad-input suite: solution trees written
// the way users of CloudHarness, Helm and the OpenAPI generators get them
// wrong, each run through the real command tree. The tests live in
// badinput_test.go and the cases in testdata/*.txtar; this file only reads
// the case format.
//
// A case is a txtar archive: its comment holds directives, one per line,
// and its files are the solution tree the command runs in.
//
//	# why users hit this (free text)
//	args: deployment -e prod            the command line, split on spaces
//	exit: 1                             the expected exit code
//	error: applications/web/deploy/values.yaml:3: harness.service.port:
//	                                    the start of the error message
//	symlink: LINK -> TARGET             a symbolic link to create
//	chmod: PATH 0000                    a mode to set after writing
//	mkdir: PATH                         an empty folder
//	user: nobody                        run as an unprivileged user
//	fail: write 1                       fail the first file write (ENOSPC)
package badinput

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// Case is one bad-input case.
type Case struct {
	Name    string
	Comment string
	Args    []string
	Exit    int
	Error   string // expected start of the message after "Error: "
	Files   []File
	Links   [][2]string // link, target
	Chmods  []Chmod
	Dirs    []string
	User    string // "" or "nobody"
	FailOp  string // "write" or "rename"
	FailAt  int    // 1-based
}

// File is one file of a case's tree.
type File struct {
	Name string
	Data []byte
}

// Chmod is a mode set on a path once the tree is written.
type Chmod struct {
	Path string
	Mode uint32
}

// Parse reads a case in txtar form: `-- NAME --` lines start files; the text
// before the first is the comment with the directives.
func Parse(name string, data []byte) (*Case, error) {
	c := &Case{Name: name, Exit: -1}
	comment, files := splitArchive(data)
	c.Files = files
	var text []string
	for i, line := range strings.Split(string(comment), "\n") {
		key, val, ok := strings.Cut(line, ":")
		if strings.HasPrefix(line, "#") || !ok {
			text = append(text, strings.TrimSpace(strings.TrimPrefix(line, "#")))
			continue
		}
		val = strings.TrimSpace(val)
		where := fmt.Sprintf("%s:%d: %s", name, i+1, key)
		switch key {
		case "args":
			c.Args = strings.Fields(val)
		case "exit":
			n, err := strconv.Atoi(val)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", where, err)
			}
			c.Exit = n
		case "error":
			c.Error = val
		case "symlink":
			l, t, ok := strings.Cut(val, " -> ")
			if !ok {
				return nil, fmt.Errorf("%s: want LINK -> TARGET", where)
			}
			c.Links = append(c.Links, [2]string{l, t})
		case "chmod":
			p, m, ok := strings.Cut(val, " ")
			mode, err := strconv.ParseUint(m, 8, 32)
			if !ok || err != nil {
				return nil, fmt.Errorf("%s: want PATH MODE (octal)", where)
			}
			c.Chmods = append(c.Chmods, Chmod{Path: p, Mode: uint32(mode)})
		case "mkdir":
			c.Dirs = append(c.Dirs, val)
		case "user":
			c.User = val
		case "fail":
			op, n, ok := strings.Cut(val, " ")
			at, err := strconv.Atoi(n)
			if !ok || err != nil || (op != "write" && op != "rename") {
				return nil, fmt.Errorf("%s: want write|rename N", where)
			}
			c.FailOp, c.FailAt = op, at
		default:
			return nil, fmt.Errorf("%s: unknown directive", where)
		}
	}
	c.Comment = strings.TrimSpace(strings.Join(text, " "))
	if len(c.Args) == 0 || c.Exit < 0 {
		return nil, fmt.Errorf("%s: a case needs args: and exit:", name)
	}
	if c.Exit != 0 && c.Error == "" {
		return nil, fmt.Errorf("%s: a failing case needs error:", name)
	}
	return c, nil
}

// splitArchive is the txtar format: a comment, then files each introduced
// by a line `-- NAME --`.
func splitArchive(data []byte) (comment []byte, files []File) {
	var cur *File
	var buf bytes.Buffer
	flush := func() {
		if cur == nil {
			comment = append([]byte(nil), buf.Bytes()...)
		} else {
			cur.Data = append([]byte(nil), buf.Bytes()...)
			files = append(files, *cur)
		}
		buf.Reset()
	}
	for _, line := range bytes.SplitAfter(data, []byte("\n")) {
		trimmed := strings.TrimRight(string(line), "\n")
		if strings.HasPrefix(trimmed, "-- ") && strings.HasSuffix(trimmed, " --") && len(trimmed) > 6 {
			flush()
			cur = &File{Name: strings.TrimSpace(trimmed[3 : len(trimmed)-3])}
			continue
		}
		buf.Write(line)
	}
	flush()
	return comment, files
}
