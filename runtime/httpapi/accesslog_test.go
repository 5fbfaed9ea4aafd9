package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"
)

// checkAccessLine writes l through NewLogger's handler and holds what it
// wrote to what slog's own JSON handler writes for l's record. It reports
// whether the line took the fast path.
func checkAccessLine(t *testing.T, l *accessLine) bool {
	t.Helper()
	var want, got bytes.Buffer
	if err := slog.NewJSONHandler(&want, &slog.HandlerOptions{Level: slog.LevelDebug}).Handle(context.Background(), l.record()); err != nil {
		t.Fatal(err)
	}
	h := newJSONHandler(&got, slog.LevelDebug)
	fast := h.writeAccess(l)
	if !fast {
		if got.Len() != 0 {
			t.Fatalf("left to slog, yet wrote %q", got.Bytes())
		}
		_ = h.Handle(context.Background(), l.record())
	}
	if got.String() != want.String() {
		t.Errorf("%+v:\ngot  %q\nwant %q", l, got.Bytes(), want.Bytes())
	}
	return fast
}

func TestAccessLine(t *testing.T) {
	at := time.Date(2026, 12, 6, 23, 19, 3, 120045000, time.UTC)
	east := time.FixedZone("", 5*3600+1800)
	tests := []struct {
		name string
		line accessLine
		fast bool
	}{
		{"operation", accessLine{time: at, level: slog.LevelInfo, op: "CreatePet", method: "POST", path: "/pets", status: 201, bytes: 74, duration: 53125, requestID: "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}, true},
		{"health check at debug", accessLine{time: at.In(east), level: slog.LevelDebug, method: "GET", path: "/live", status: 200, duration: time.Second}, true},
		{"whole seconds", accessLine{time: at.Truncate(time.Second), level: slog.LevelInfo, method: "GET", path: "/", status: 404, bytes: -1}, true},
		{"quotes and backslashes", accessLine{time: at, level: slog.LevelInfo, method: `G"T`, path: `/a\b"c`, status: 400, requestID: `"\`}, true},
		{"HTML characters", accessLine{time: at, level: slog.LevelInfo, method: "GET", path: "/<a>&b", status: 200}, true},
		{"another level", accessLine{time: at, level: slog.LevelWarn + 2, method: "GET", path: "/", status: 200}, true},
		{"non-ASCII path", accessLine{time: at, level: slog.LevelInfo, method: "GET", path: "/café/日本", status: 200}, false},
		{"control characters", accessLine{time: at, level: slog.LevelInfo, method: "GET", path: "/a\nb\x00\t\x7f", status: 200}, false},
		{"invalid UTF-8", accessLine{time: at, level: slog.LevelInfo, method: "GET", path: "/\xff\xfe", status: 200}, false},
		{"line separator", accessLine{time: at, level: slog.LevelInfo, method: "GET", path: "/\u2028", status: 200}, false},
		{"year 10000", accessLine{time: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), level: slog.LevelInfo, method: "GET", path: "/", status: 200}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if fast := checkAccessLine(t, &tt.line); fast != tt.fast {
				t.Errorf("fast path %v, want %v", fast, tt.fast)
			}
		})
	}
}

// FuzzAccessLine holds the access lines to slog's JSON handler on any text.
func FuzzAccessLine(f *testing.F) {
	f.Add("CreatePet", "POST", "/pets", "ABC", 201, int64(74), int64(53125), int64(1796599143120045000))
	f.Add("", "G\"T", "/\xff\u2028<&>", "\\", 0, int64(-1), int64(0), int64(0))
	f.Fuzz(func(t *testing.T, op, method, path, id string, status int, n, d, unixNano int64) {
		l := accessLine{time: time.Unix(0, unixNano).UTC(), level: slog.LevelInfo, op: op, method: method, path: path,
			status: status, bytes: n, duration: time.Duration(d), requestID: id}
		checkAccessLine(t, &l)
	})
}

// TestAccessLogFastPath serves requests with NewLogger's logger, whose
// access lines Server writes itself, and with the same logger behind
// WithAttrs, whose lines go through slog: the lines differ only where
// they must (time, duration, request ID, the added attribute).
func TestAccessLogFastPath(t *testing.T) {
	var fast, slow logBuffer
	for _, tt := range []struct {
		log  *slog.Logger
		logs *logBuffer
	}{{NewLogger(&fast, "debug"), &fast}, {NewLogger(&slow, "debug").With("service", "x"), &slow}} {
		s := NewServer(Options{Logger: tt.log}, nil)
		if got := s.fastAccess != nil; got != (tt.logs == &fast) {
			t.Fatalf("fast access log %v", got)
		}
		s.Handle("GET /live", "", s.Live)
		s.Handle("GET /items/{id}", "GetItem", func(w http.ResponseWriter, r *http.Request) {
			s.Send(w, r, "GetItem", Response{Status: 200, ContentType: "text/plain", Body: []byte(r.PathValue("id"))})
		})
		for _, target := range []string{"/live", "/items/7", "/items/caf%C3%A9", "/none"} {
			do(t, s, "GET", target, "", map[string]string{"X-Request-ID": "id-1"})
		}
	}
	norm := func(s string) []map[string]any {
		var lines []map[string]any
		for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
			var m map[string]any
			if err := json.Unmarshal([]byte(l), &m); err != nil {
				t.Fatalf("%q: %v", l, err)
			}
			if m["time"] == nil || m["duration"] == nil {
				t.Errorf("line without time or duration: %s", l)
			}
			delete(m, "time")
			delete(m, "duration")
			delete(m, "service")
			lines = append(lines, m)
		}
		return lines
	}
	got, want := norm(fast.take()), norm(slow.take())
	if len(got) != 4 || len(got) != len(want) {
		t.Fatalf("%d lines through the fast path, %d through slog", len(got), len(want))
	}
	for i := range got {
		g, _ := json.Marshal(got[i])
		w, _ := json.Marshal(want[i])
		if string(g) != string(w) {
			t.Errorf("line %d:\nfast %s\nslog %s", i, g, w)
		}
	}
	if got[2]["path"] != "/items/café" || got[2]["bytes"] != float64(len("café")) {
		t.Errorf("non-ASCII path: %v", got[2])
	}
}

// BenchmarkAccessLine compares one access line written by NewLogger's
// handler with the same line through slog's JSON handler.
func BenchmarkAccessLine(b *testing.B) {
	l := accessLine{time: time.Now(), level: slog.LevelInfo, op: "CreatePet", method: "POST", path: "/pets",
		status: 201, bytes: 74, duration: 53125, requestID: "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}
	b.Run("fast", func(b *testing.B) {
		h := newJSONHandler(io.Discard, slog.LevelInfo)
		b.ReportAllocs()
		for b.Loop() {
			h.writeAccess(&l)
		}
	})
	b.Run("slog", func(b *testing.B) {
		h := slog.NewJSONHandler(io.Discard, nil)
		b.ReportAllocs()
		for b.Loop() {
			_ = h.Handle(context.Background(), l.record())
		}
	})
}
