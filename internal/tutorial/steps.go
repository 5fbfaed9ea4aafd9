package tutorial

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// Kind is what the test does with a step.
type Kind int

const (
	// Run: a ```sh block, run to its end; it must exit 0.
	Run Kind = iota + 1
	// Background: a ```sh block started and left running, until Interrupt.
	Background
	// Output: what the previous Run or Background step printed (see Match).
	Output
	// File: a block that is the whole content of Path.
	File
	// Insert: a block that goes right after the line After of Path.
	Insert
	// Interrupt: Ctrl-C for the Background step; it must exit 0.
	Interrupt
	// Owners: a table of paths under Path and who owns each.
	Owners
)

var kindNames = map[Kind]string{Run: "run", Background: "background", Output: "output", File: "file",
	Insert: "insert", Interrupt: "interrupt", Owners: "owners"}

func (k Kind) String() string { return kindNames[k] }

// Step is one thing the test does, in the tutorial's order.
type Step struct {
	Kind  Kind
	Line  int    // the line of the block's opening fence, the table or the marker
	Path  string // File, Insert: the file; Owners: the folder the rows are under
	After string // Insert: the line the block goes after
	Text  string // Run, Background, Output, File, Insert: the block's content
	Rows  []Row  // Owners
}

// Row is a row of an owners table.
type Row struct {
	Line  int
	Path  string // under the step's Path
	Owner string // "harness" or "you"
}

var (
	markerLine = regexp.MustCompile(`^<!--\s*test:\s*(.*?)\s*-->$`)
	insertArgs = regexp.MustCompile(`^(\S+)\s+after\s+("(?:[^"\\]|\\.)*")$`)
	fenceOpen  = regexp.MustCompile("^( *)(```+|~~~+)\\s*([^`\\s]*)")
)

// marker is a parsed `<!-- test: ... -->` line waiting for its block.
type marker struct {
	verb, path, after string
	line              int
}

// Parse reads the tutorial's steps. name is the file's name, for errors
// (name:line: what is wrong). A marker that names no known verb, that is not
// followed by its block (only blank lines may come between), an output block
// with no command before it, a background block without an output block to
// wait for or never interrupted: each is an error, so that a mistake in the
// tutorial's markup never makes the test silently skip a step.
func Parse(name string, data []byte) ([]Step, error) {
	p := &parser{name: name}
	lines := strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
	for i := 0; i < len(lines); i++ {
		line, n := lines[i], i+1
		trimmed := strings.TrimSpace(line)
		switch {
		case p.pending != nil && p.pending.verb == "owners" && strings.HasPrefix(trimmed, "|"):
			end := i
			for end < len(lines) && strings.HasPrefix(strings.TrimSpace(lines[end]), "|") {
				end++
			}
			if err := p.table(lines[i:end], n); err != nil {
				return nil, err
			}
			i = end - 1
		case fenceOpen.MatchString(line):
			m := fenceOpen.FindStringSubmatch(line)
			indent, fence, lang := len(m[1]), m[2], m[3]
			var body []string
			closed := false
			for i++; i < len(lines); i++ {
				l := lines[i]
				if t := strings.TrimSpace(l); strings.HasPrefix(t, fence) && strings.Trim(t, fence[:1]) == "" {
					closed = true
					break
				}
				body = append(body, strings.TrimPrefix(l, strings.Repeat(" ", indent)))
			}
			if !closed {
				return nil, p.errorf(n, "the block opened here is never closed")
			}
			text := strings.Join(body, "\n")
			if text != "" {
				text += "\n"
			}
			if err := p.block(lang, text, n); err != nil {
				return nil, err
			}
		case markerLine.MatchString(trimmed):
			if err := p.marker(markerLine.FindStringSubmatch(trimmed)[1], n); err != nil {
				return nil, err
			}
		case strings.HasPrefix(trimmed, "<!--") && !strings.Contains(trimmed, "-->"):
			// A comment of several lines (the tutorial's note to its
			// editors): nothing in it is a step.
			for i < len(lines) && !strings.Contains(lines[i], "-->") {
				i++
			}
		case trimmed == "":
		default:
			if p.pending != nil {
				return nil, p.errorf(p.pending.line, "test: %s: the next line (%d) is not its block", p.pending.verb, n)
			}
		}
	}
	if p.pending != nil {
		return nil, p.errorf(p.pending.line, "test: %s: no block follows", p.pending.verb)
	}
	if p.running != 0 {
		return nil, p.errorf(p.running, "background block never interrupted (test: interrupt)")
	}
	return p.steps, nil
}

type parser struct {
	name    string
	steps   []Step
	pending *marker
	running int // the line of the background step not interrupted yet, or 0
}

func (p *parser) errorf(line int, format string, args ...any) error {
	return fmt.Errorf("%s:%d: %s", p.name, line, fmt.Sprintf(format, args...))
}

func (p *parser) last() Kind {
	if len(p.steps) == 0 {
		return 0
	}
	return p.steps[len(p.steps)-1].Kind
}

func (p *parser) add(s Step) error {
	if p.last() == Background && s.Kind != Output {
		return p.errorf(p.steps[len(p.steps)-1].Line, "background block not followed by the output block that tells it is ready")
	}
	p.steps = append(p.steps, s)
	return nil
}

func (p *parser) marker(spec string, line int) error {
	if p.pending != nil {
		return p.errorf(p.pending.line, "test: %s: followed by another marker, not by its block", p.pending.verb)
	}
	verb, args, _ := strings.Cut(spec, " ")
	args = strings.TrimSpace(args)
	m := &marker{verb: verb, line: line}
	switch verb {
	case "output", "background", "skip", "interrupt":
		if args != "" {
			return p.errorf(line, "test: %s takes no arguments, not %q", verb, args)
		}
	case "file", "owners":
		if args == "" || strings.ContainsAny(args, " \t") {
			return p.errorf(line, "test: %s takes one path, not %q", verb, args)
		}
		m.path = args
	case "insert":
		a := insertArgs.FindStringSubmatch(args)
		if a == nil {
			return p.errorf(line, `test: insert takes PATH after "LINE", not %q`, args)
		}
		after, err := strconv.Unquote(a[2])
		if err != nil {
			return p.errorf(line, "test: insert: %s: %v", a[2], err)
		}
		m.path, m.after = a[1], after
	default:
		return p.errorf(line, "test: %q: no such marker (output, file, insert, background, interrupt, owners, skip)", verb)
	}
	if verb == "interrupt" {
		if p.running == 0 {
			return p.errorf(line, "test: interrupt: no background block is running")
		}
		p.running = 0
		return p.add(Step{Kind: Interrupt, Line: line})
	}
	p.pending = m
	return nil
}

func (p *parser) block(lang, text string, line int) error {
	m := p.pending
	p.pending = nil
	if m == nil {
		if lang != "sh" {
			return nil // an illustration
		}
		return p.add(Step{Kind: Run, Line: line, Text: text})
	}
	switch m.verb {
	case "output":
		if k := p.last(); k != Run && k != Background {
			return p.errorf(m.line, "test: output: the block before is no command (sh block)")
		}
		return p.add(Step{Kind: Output, Line: line, Text: text})
	case "file":
		return p.add(Step{Kind: File, Line: line, Path: m.path, Text: text})
	case "insert":
		return p.add(Step{Kind: Insert, Line: line, Path: m.path, After: m.after, Text: text})
	case "background", "skip":
		if lang != "sh" {
			return p.errorf(m.line, "test: %s: the block is %q, not sh", m.verb, lang)
		}
		if m.verb == "skip" {
			return nil
		}
		if p.running != 0 {
			return p.errorf(m.line, "test: background: the one of line %d is still running", p.running)
		}
		p.running = line
		return p.add(Step{Kind: Background, Line: line, Text: text})
	}
	return p.errorf(m.line, "test: %s: wants a table, not a block", m.verb)
}

// table reads an owners table: a header row, a separator row, then one row
// per path: `path` | owner | anything.
func (p *parser) table(rows []string, line int) error {
	m := p.pending
	p.pending = nil
	s := Step{Kind: Owners, Line: line, Path: m.path}
	for i, r := range rows {
		if i < 2 {
			continue // the header and |---|
		}
		cells := strings.Split(strings.Trim(strings.TrimSpace(r), "|"), "|")
		if len(cells) < 2 {
			return p.errorf(line+i, "an owners row has a path and an owner")
		}
		path := strings.Trim(strings.TrimSpace(cells[0]), "`")
		owner := strings.TrimSpace(cells[1])
		if owner != "harness" && owner != "you" {
			return p.errorf(line+i, "owner %q: harness or you", owner)
		}
		s.Rows = append(s.Rows, Row{Line: line + i, Path: path, Owner: owner})
	}
	if len(s.Rows) == 0 {
		return p.errorf(line, "test: owners: the table has no rows")
	}
	return p.add(s)
}

// Match checks that got holds every line of want, in order; other lines may
// come between. Lines are compared with runs of white space as one space
// and no space at either end, so that tabs and column padding do not
// matter; `...` in a line of want stands for any text, and a line of want
// that is only `...` (or empty) stands for nothing, there for the reader.
func Match(want, got string) error {
	var have []string
	for _, l := range strings.Split(got, "\n") {
		have = append(have, strings.Join(strings.Fields(l), " "))
	}
	at, lastFound := 0, ""
	for _, w := range strings.Split(want, "\n") {
		w = strings.Join(strings.Fields(w), " ")
		if w == "" || w == "..." {
			continue
		}
		parts := strings.Split(w, "...")
		for i := range parts {
			parts[i] = regexp.QuoteMeta(parts[i])
		}
		re := regexp.MustCompile("^" + strings.Join(parts, ".*") + "$")
		found := false
		for ; at < len(have); at++ {
			if re.MatchString(have[at]) {
				found, lastFound = true, have[at]
				at++
				break
			}
		}
		if !found {
			if lastFound == "" {
				return fmt.Errorf("no line reads %q", w)
			}
			return fmt.Errorf("no line reads %q after %q", w, lastFound)
		}
	}
	return nil
}

// InsertAfter puts text right after the one line of content that reads after
// (trailing white space aside), as a reader pastes a snippet "right under
// paths:". No such line, or several, is an error: the snippet's place would
// be a guess.
func InsertAfter(content []byte, after, text string) ([]byte, error) {
	lines := bytes.SplitAfter(content, []byte("\n"))
	at, count := -1, 0
	for i, l := range lines {
		if strings.TrimRight(string(l), " \t\r\n") == after {
			at, count = i, count+1
		}
	}
	if count != 1 {
		return nil, fmt.Errorf("%d lines read %q, not one", count, after)
	}
	if !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	var out bytes.Buffer
	for i, l := range lines {
		out.Write(l)
		if i == at {
			if !bytes.HasSuffix(l, []byte("\n")) {
				out.WriteByte('\n')
			}
			out.WriteString(text)
		}
	}
	return out.Bytes(), nil
}

// generatedHeader is the first line of a file a generator wrote, by Go's
// convention for generated files.
var generatedHeader = regexp.MustCompile(`^// Code generated .* DO NOT EDIT\.$`)

// OwnerOf says who owns path: "harness" when harness-generate wrote it (a
// folder holding the .harness-generated list, a file in such a list, or a
// file whose first line says it is generated), else "you".
func OwnerOf(path string) (string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return "", err
	}
	if st.IsDir() {
		_, err := os.Stat(filepath.Join(path, ".harness-generated"))
		switch {
		case err == nil:
			return "harness", nil
		case errors.Is(err, fs.ErrNotExist):
			return "you", nil
		}
		return "", err
	}
	list, err := os.ReadFile(filepath.Join(filepath.Dir(path), ".harness-generated"))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	for _, l := range strings.Split(string(list), "\n") {
		if strings.TrimSpace(l) == filepath.Base(path) {
			return "harness", nil
		}
	}
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	first := bufio.NewScanner(f)
	if first.Scan() && generatedHeader.MatchString(strings.TrimRight(first.Text(), "\r")) {
		return "harness", nil
	}
	return "you", first.Err()
}
