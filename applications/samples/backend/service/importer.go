// Scaffolded by harness; yours to edit.

package service

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/harness-sh/harness/runtime/httpapi"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Importer loads passengers from CSV files: a header line naming the
// columns name, email, nationality and, optionally, phone (in any order),
// then one passenger a line. An empty phone is none.
//
// A file is imported whole or not at all. Every row is checked as the API
// checks a new passenger (the same rules, the same messages), and its email
// against the file's other rows and the passengers already registered; the
// good rows go to the database in batches with COPY, all in one
// transaction, which commits only when no row was bad. A bad file is read
// to its end (or to MaxErrors bad rows), so that one run reports all that
// is wrong with it, each row by its line.
type Importer struct {
	DB *pgxpool.Pool
	// BatchSize is how many rows each COPY sends: 0 means 1000.
	BatchSize int
	// MaxErrors is how many problems are reported before reading stops:
	// 0 means 100.
	MaxErrors int
}

// RowError is what is wrong with one line of an import's file.
type RowError struct {
	File  string
	Line  int
	Field string // the column at fault, or "" for the line as a whole
	// Detail says what is wrong, as the API's 400 and 409 answers do.
	Detail string
}

// String is file:line: field: detail, the way compilers point at a line.
func (e RowError) String() string {
	s := e.File + ":" + strconv.Itoa(e.Line) + ": "
	if e.Field != "" {
		s += e.Field + ": "
	}
	return s + e.Detail
}

// ImportError is a file refused: nothing of it was imported.
type ImportError struct {
	File string
	Rows []RowError
	// Truncated: reading stopped at MaxErrors problems; there may be more.
	Truncated bool
}

func (e *ImportError) Error() string {
	var b strings.Builder
	for _, r := range e.Rows {
		b.WriteString(r.String())
		b.WriteByte('\n')
	}
	more := ""
	if e.Truncated {
		more = " (stopped reading there)"
	}
	fmt.Fprintf(&b, "%s: %d problem(s)%s; nothing imported", e.File, len(e.Rows), more)
	return b.String()
}

// The spec's patterns for the columns that have one (api/openapi.yaml,
// components/schemas).
var (
	nonSpace    = regexp.MustCompile(`\S`)
	nationality = regexp.MustCompile(`^[A-Z]{2}$`)
	phone       = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)
)

// column is a column of the file: check says why a value is invalid, as
// many reasons as the API gives, in its order.
type column struct {
	name     string
	required bool
	check    func(string) []string
}

// columns are in the order of the COPY.
var columns = []column{
	{"name", true, func(s string) (why []string) {
		if n := utf8.RuneCountInString(s); n < 1 {
			why = append(why, "must be at least 1 character long")
		} else if n > 100 {
			why = append(why, "must be at most 100 characters long")
		}
		if !nonSpace.MatchString(s) {
			why = append(why, `must match the pattern \S`)
		}
		return why
	}},
	{"email", true, func(s string) (why []string) {
		if utf8.RuneCountInString(s) > 254 {
			why = append(why, "must be at most 254 characters long")
		}
		if reason := httpapi.CheckFormat("email", s); reason != "" {
			why = append(why, reason)
		}
		return why
	}},
	{"nationality", true, func(s string) []string {
		if !nationality.MatchString(s) {
			return []string{"must match the pattern ^[A-Z]{2}$"}
		}
		return nil
	}},
	{"phone", false, func(s string) []string {
		if s != "" && !phone.MatchString(s) {
			return []string{`must match the pattern ^\+[1-9][0-9]{6,14}$`}
		}
		return nil
	}},
}

// emailColumn is the index of email in columns.
const emailColumn = 1

// Import imports the passengers of the CSV file read from r; file names it
// in the errors. It returns how many passengers it imported, or an
// *ImportError listing the bad rows (and nothing imported), or another
// error when reading or the database failed.
func (im *Importer) Import(ctx context.Context, file string, r io.Reader) (int64, error) {
	imp := &importRun{Importer: *im, file: file, refused: &ImportError{File: file}, seen: map[string]int{}}
	if imp.BatchSize <= 0 {
		imp.BatchSize = 1000
	}
	if imp.MaxErrors <= 0 {
		imp.MaxErrors = 100
	}
	tx, err := im.DB.Begin(ctx)
	if err != nil {
		return 0, fmt.Errorf("import %s: %w", file, err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) // after Commit, a no-op
	imp.tx = tx
	if err := imp.read(ctx, csv.NewReader(r)); err != nil {
		return 0, err
	}
	if len(imp.refused.Rows) > 0 {
		return 0, imp.refused
	}
	if err := tx.Commit(ctx); err != nil {
		return 0, fmt.Errorf("import %s: commit: %w", file, err)
	}
	return imp.copied, nil
}

// importRun is the state of one Import.
type importRun struct {
	Importer // a copy, its zero settings replaced by their defaults
	file     string
	tx       pgx.Tx
	refused  *ImportError
	seen     map[string]int // lower-case email → its first line
	batch    [][]any        // good rows, as the COPY takes them
	lines    []int          // the line of each row of batch
	copied   int64
}

// bad notes a problem; it reports false once there are too many to go on.
func (imp *importRun) bad(line int, field, detail string) bool {
	imp.refused.Rows = append(imp.refused.Rows, RowError{File: imp.file, Line: line, Field: field, Detail: detail})
	return len(imp.refused.Rows) < imp.MaxErrors
}

func (imp *importRun) read(ctx context.Context, cr *csv.Reader) error {
	header, err := cr.Read()
	var pe *csv.ParseError
	switch {
	case errors.Is(err, io.EOF):
		imp.bad(1, "", "the file is empty: want a header line such as name,email,nationality,phone")
		return nil
	case errors.As(err, &pe):
		imp.bad(pe.StartLine, "", pe.Err.Error())
		return nil
	case err != nil:
		return imp.readError(err)
	}
	at, ok := imp.header(header)
	if !ok {
		return nil
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if !errors.As(err, &pe) {
				return imp.readError(err)
			}
			if !imp.bad(pe.StartLine, "", pe.Err.Error()) {
				imp.refused.Truncated = true
				return nil
			}
			continue
		}
		line, _ := cr.FieldPos(0)
		if !imp.row(line, rec, at) {
			imp.refused.Truncated = true
			return nil
		}
		if len(imp.batch) == imp.BatchSize {
			if err := imp.flush(ctx); err != nil || imp.refused.Truncated {
				return err
			}
		}
	}
	return imp.flush(ctx)
}

func (imp *importRun) readError(err error) error {
	return fmt.Errorf("import %s: read: %w", imp.file, err)
}

// header maps each of columns to its index in the file's records, -1 for
// an optional column the file lacks. A bad header is the file's only
// problem reported: its rows cannot be read without one.
func (imp *importRun) header(names []string) ([]int, bool) {
	at := make([]int, len(columns))
	for i := range at {
		at[i] = -1
	}
	bad := func(field, detail string) {
		imp.refused.Rows = append(imp.refused.Rows, RowError{File: imp.file, Line: 1, Field: field, Detail: detail})
	}
	for i, n := range names {
		n = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(n, "\ufeff"))) // a spreadsheet's byte-order mark
		switch c := columnIndex(n); {
		case c < 0:
			bad(n, "unknown column: want name, email, nationality and phone")
		case at[c] >= 0:
			bad(n, "the column is there twice")
		default:
			at[c] = i
		}
	}
	for c, col := range columns {
		if col.required && at[c] < 0 {
			bad(col.name, "the column is missing")
		}
	}
	return at, len(imp.refused.Rows) == 0
}

func columnIndex(name string) int {
	for i, c := range columns {
		if c.name == name {
			return i
		}
	}
	return -1
}

// row checks a record and adds it to the batch when it is good; it
// reports false when there are too many problems to go on.
func (imp *importRun) row(line int, rec []string, at []int) bool {
	values := make([]any, len(columns))
	good := true
	for c, col := range columns {
		v := ""
		if at[c] >= 0 {
			v = rec[at[c]]
		}
		for _, why := range col.check(v) {
			good = false
			if !imp.bad(line, col.name, why) {
				return false
			}
			if c == emailColumn {
				v = "" // not an address: not one to compare with the others
			}
		}
		values[c] = v
		if v == "" && !col.required {
			values[c] = nil // NULL
		}
	}
	if email := values[emailColumn].(string); email != "" {
		key := strings.ToLower(email)
		if first, dup := imp.seen[key]; dup {
			return imp.bad(line, "email", fmt.Sprintf("%s is on line %d already", email, first))
		}
		imp.seen[key] = line
	}
	if good {
		imp.batch = append(imp.batch, values)
		imp.lines = append(imp.lines, line)
	}
	return true
}

// flush checks the batch's emails against the passengers registered, then
// copies it, unless the file has been refused already: its other rows are
// still checked, so that one run reports every problem, but they are not
// sent.
func (imp *importRun) flush(ctx context.Context) error {
	if len(imp.batch) == 0 {
		return nil
	}
	defer func() { imp.batch, imp.lines = imp.batch[:0], imp.lines[:0] }()
	emails := make([]string, len(imp.batch))
	for i, row := range imp.batch {
		emails[i] = row[emailColumn].(string)
	}
	rows, err := imp.tx.Query(ctx, `SELECT e FROM unnest($1::text[]) AS e
WHERE EXISTS (SELECT FROM passengers WHERE lower(email) = lower(e))`, emails)
	if err != nil {
		return fmt.Errorf("import %s: look up emails: %w", imp.file, err)
	}
	taken, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return fmt.Errorf("import %s: look up emails: %w", imp.file, err)
	}
	if len(taken) > 0 {
		registered := map[string]bool{}
		for _, e := range taken {
			registered[e] = true
		}
		for i, e := range emails {
			if registered[e] && !imp.bad(imp.lines[i], "email", e+" is already registered") {
				imp.refused.Truncated = true
				break
			}
		}
	}
	if len(imp.refused.Rows) > 0 {
		return nil
	}
	names := make([]string, len(columns))
	for i, c := range columns {
		names[i] = c.name
	}
	n, err := imp.tx.CopyFrom(ctx, pgx.Identifier{"passengers"}, names, pgx.CopyFromRows(imp.batch))
	if err != nil {
		return fmt.Errorf("import %s: copy the rows of lines %d to %d: %w (nothing imported)",
			imp.file, imp.lines[0], imp.lines[len(imp.lines)-1], err)
	}
	imp.copied += n
	return nil
}
