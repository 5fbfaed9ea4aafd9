package run

import (
	"bytes"
	"fmt"
	"io"
	"sync"
)

// logWriter interleaves the processes' output on one writer, a whole line
// at a time, each line prefixed with its process's name.
type logWriter struct {
	mu    sync.Mutex
	w     io.Writer
	width int // of the names, for the columns to align
}

// line writes one line of harness's own.
func (l *logWriter) line(s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintln(l.w, s)
}

// prefixed returns the writer of one process.
func (l *logWriter) prefixed(name string) io.Writer {
	return &prefixWriter{l: l, prefix: []byte(fmt.Sprintf("%-*s | ", l.width, name))}
}

type prefixWriter struct {
	l       *logWriter
	prefix  []byte
	partial []byte // a line not ended yet
}

func (p *prefixWriter) Write(b []byte) (int, error) {
	n := len(b)
	p.partial = append(p.partial, b...)
	for {
		i := bytes.IndexByte(p.partial, '\n')
		if i < 0 {
			break
		}
		p.l.mu.Lock()
		_, err := p.l.w.Write(append(append([]byte(nil), p.prefix...), p.partial[:i+1]...))
		p.l.mu.Unlock()
		p.partial = p.partial[i+1:]
		if err != nil {
			return n, err
		}
	}
	// A process writing a very long line without an end is not held back.
	if len(p.partial) > 64<<10 {
		p.l.mu.Lock()
		p.l.w.Write(append(append(append([]byte(nil), p.prefix...), p.partial...), '\n'))
		p.l.mu.Unlock()
		p.partial = nil
	}
	return n, nil
}
