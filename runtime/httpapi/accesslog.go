package httpapi

import (
	"io"
	"log/slog"
	"strconv"
	"sync"
	"time"
)

// jsonHandler is the handler of the loggers NewLogger makes: slog's JSON
// handler, through which everything is logged, except the access lines
// of a Server, which it formats itself. An access line is written for
// every request, its shape is fixed, and slog's generic path (a record
// whose attributes outgrow it, a handle state, an attribute switch) was
// most of what the access log cost a request. TestAccessLine holds the
// lines to what slog writes for the same record.
type jsonHandler struct {
	*slog.JSONHandler
	out *lockedWriter
}

// lockedWriter serialises the writes of slog's handler and of the access
// lines, which share one writer.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (w *lockedWriter) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.w.Write(b)
}

func newJSONHandler(w io.Writer, level slog.Leveler) *jsonHandler {
	out := &lockedWriter{w: w}
	return &jsonHandler{JSONHandler: slog.NewJSONHandler(out, &slog.HandlerOptions{Level: level}), out: out}
}

// accessLine is the access log's line for one request.
type accessLine struct {
	time                        time.Time
	level                       slog.Level
	op, method, path, requestID string
	status                      int
	bytes                       int64
	duration                    time.Duration
}

// record is l as a slog record, for any handler.
func (l *accessLine) record() slog.Record {
	r := slog.NewRecord(l.time, l.level, "request", 0)
	r.AddAttrs(slog.String("operation", l.op), slog.String("method", l.method),
		slog.String("path", l.path), slog.Int("status", l.status), slog.Int64("bytes", l.bytes),
		slog.Duration("duration", l.duration), slog.String("request_id", l.requestID))
	return r
}

var lineBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

// writeAccess writes l as slog's JSON handler writes l.record(), and
// reports whether it did: lines whose strings need more than a quote or
// a backslash escaped, or whose time RFC 3339 cannot write, are left to
// slog, whose escaping of the rest differs between Go versions.
func (h *jsonHandler) writeAccess(l *accessLine) bool {
	if y := l.time.Year(); y < 0 || y >= 10000 {
		return false
	}
	bp := lineBuffers.Get().(*[]byte)
	b := append((*bp)[:0], `{"time":"`...)
	b = l.time.AppendFormat(b, time.RFC3339Nano)
	b = append(b, `","level":"`...)
	b = append(b, l.level.String()...)
	b = append(b, `","msg":"request","operation":`...)
	ok := true
	b, ok = appendPlainString(b, l.op, ok)
	b = append(b, `,"method":`...)
	b, ok = appendPlainString(b, l.method, ok)
	b = append(b, `,"path":`...)
	b, ok = appendPlainString(b, l.path, ok)
	b = append(b, `,"status":`...)
	b = strconv.AppendInt(b, int64(l.status), 10)
	b = append(b, `,"bytes":`...)
	b = strconv.AppendInt(b, l.bytes, 10)
	b = append(b, `,"duration":`...)
	b = strconv.AppendInt(b, int64(l.duration), 10)
	b = append(b, `,"request_id":`...)
	b, ok = appendPlainString(b, l.requestID, ok)
	b = append(b, '}', '\n')
	if ok {
		_, _ = h.out.Write(b)
	}
	if cap(b) <= 4<<10 { // a long path's buffer is not kept
		*bp = b
		lineBuffers.Put(bp)
	}
	return ok
}

// appendPlainString appends s quoted, with quotes and backslashes escaped,
// and reports ok && s needed no other escape: printable ASCII only.
func appendPlainString(b []byte, s string, ok bool) ([]byte, bool) {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < ' ' || c > '~' {
			ok = false
			continue
		}
		if c == '"' || c == '\\' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', c)
			start = i + 1
		}
	}
	b = append(b, s[start:]...)
	return append(b, '"'), ok
}
