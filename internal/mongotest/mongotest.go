// Package mongotest starts throwaway MongoDB-wire servers for tests:
// FerretDB (built by scripts/ferretdb.sh, found through $HARNESS_FERRETDB)
// on its SQLite backend, on a port of 127.0.0.1, with its data in a folder of
// its own, telemetry off and no debug listener, stopped when the test ends.
// No MongoDB server is installable on the build machines; FerretDB answers
// the same wire protocol and the commands the db-mongo template's code uses.
package mongotest

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/harness-sh/harness/internal/freeport"
	"github.com/harness-sh/harness/internal/procgroup"
)

// Env names the FerretDB binary: scripts/test.sh sets it to what
// scripts/ferretdb.sh built.
const Env = "HARNESS_FERRETDB"

// Binary is the FerretDB binary $HARNESS_FERRETDB names, or why there is none.
func Binary() (string, error) {
	p := os.Getenv(Env)
	if p == "" {
		return "", errors.New(Env + " is not set: no FerretDB to test against (export " + Env + `="$(GOTOOLCHAIN=local bash scripts/ferretdb.sh)")`)
	}
	st, err := os.Stat(p)
	if err != nil {
		return "", fmt.Errorf("%s=%s: %w", Env, p, err)
	}
	if st.IsDir() || st.Mode()&0o111 == 0 {
		return "", fmt.Errorf("%s=%s: not an executable file", Env, p)
	}
	return p, nil
}

// Options configure Start. The zero value is a server of Binary() on a free
// port with its data in a new temporary folder.
type Options struct {
	Binary string // default Binary()
	Port   int    // default: a free port
	// Dir holds the SQLite databases and FerretDB's state and log, and is
	// left in place by Stop; default a temporary folder Stop removes.
	Dir string
}

// Server is a running FerretDB.
type Server struct {
	Port    int
	dir     string
	logFile string
	remove  bool // Stop removes dir
	cmd     *exec.Cmd
	done    chan struct{}
	err     error
}

// Start starts FerretDB and returns once it answers a ping. Stop stops it.
func Start(ctx context.Context, o Options) (_ *Server, err error) {
	bin := o.Binary
	if bin == "" {
		if bin, err = Binary(); err != nil {
			return nil, err
		}
	}
	s := &Server{Port: o.Port, dir: o.Dir, done: make(chan struct{})}
	if s.dir == "" {
		if s.dir, err = os.MkdirTemp("", "mongotest-*"); err != nil {
			return nil, err
		}
		s.remove = true
	}
	defer func() {
		if err != nil && s.remove {
			os.RemoveAll(s.dir)
		}
	}()
	if s.Port == 0 {
		if s.Port, err = freeport.Port(); err != nil {
			return nil, err
		}
	}
	data := filepath.Join(s.dir, "data")
	state := filepath.Join(s.dir, "state")
	for _, d := range []string{data, state} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, err
		}
	}
	s.logFile = filepath.Join(s.dir, "ferretdb.log")
	log, err := os.OpenFile(s.logFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	defer log.Close()
	sqlite := (&url.URL{Scheme: "file", Path: data + "/", OmitHost: true}).String()
	s.cmd = exec.Command(bin,
		"--handler=sqlite", "--sqlite-url="+sqlite,
		"--listen-addr="+s.addr(), "--state-dir="+state,
		"--telemetry=disable", "--debug-addr=-", "--log-level=warn")
	s.cmd.Dir = s.dir
	s.cmd.Stdout, s.cmd.Stderr = log, log
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := s.cmd.Start(); err != nil {
		return nil, err
	}
	go func() {
		s.err = s.cmd.Wait()
		close(s.done)
	}()
	if err := s.wait(ctx); err != nil {
		tail := s.logTail()
		s.Stop()
		return nil, fmt.Errorf("%w\n%s", err, tail)
	}
	return s, nil
}

func (s *Server) addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.Port)) }

// wait returns once the server answers a ping, retrying with a backoff
// that doubles from 20 ms up to 300 ms, for at most 30 s.
func (s *Server) wait(ctx context.Context) error {
	deadline := time.Now().Add(30 * time.Second)
	for delay := 20 * time.Millisecond; ; delay = min(2*delay, 300*time.Millisecond) {
		cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		err := Ping(cctx, s.addr())
		cancel()
		if err == nil {
			return nil
		}
		select {
		case <-s.done:
			return fmt.Errorf("ferretdb stopped: %v", s.err)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(delay):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("ferretdb does not answer on %s: %v", s.addr(), err)
		}
	}
}

// logTail is the end of the server's log, for an error.
func (s *Server) logTail() string {
	b, _ := os.ReadFile(s.logFile)
	if len(b) > 4096 {
		b = b[len(b)-4096:]
	}
	return string(bytes.TrimSpace(b))
}

// URL is the connection string of database db.
func (s *Server) URL(db string) string {
	return (&url.URL{Scheme: "mongodb", Host: s.addr(), Path: "/" + db}).String()
}

// Stop stops the server (SIGTERM, killed after 10 s) and removes its
// temporary folder. It may be called more than once.
func (s *Server) Stop() error {
	if s.cmd != nil && s.cmd.Process != nil {
		procgroup.Stop(s.cmd.Process.Pid, s.done, syscall.SIGTERM, 10*time.Second)
	}
	if s.remove {
		return os.RemoveAll(s.dir)
	}
	return nil
}

// Ping sends {ping: 1} to the admin database of the MongoDB-wire server at
// addr (an OP_MSG, written by hand: harness itself needs no driver) and
// returns nil when it answers ok: 1.
func Ping(ctx context.Context, addr string) error {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	if _, err := conn.Write(opMsg(1, pingCommand())); err != nil {
		return err
	}
	var header [16]byte
	if _, err := io.ReadFull(conn, header[:]); err != nil {
		return fmt.Errorf("ping: %w", err)
	}
	size := int(binary.LittleEndian.Uint32(header[0:]))
	if op := binary.LittleEndian.Uint32(header[12:]); op != opCodeMsg || size < 16+5 || size > 16<<20 {
		return fmt.Errorf("ping: unexpected reply (opcode %d, %d bytes)", op, size)
	}
	body := make([]byte, size-16)
	if _, err := io.ReadFull(conn, body); err != nil {
		return fmt.Errorf("ping: %w", err)
	}
	// flagBits, then section kind 0: the reply document. Its ok field
	// is a double.
	i := bytes.Index(body[5:], append([]byte{0x01}, "ok\x00"...))
	if i < 0 || len(body[5+i+4:]) < 8 {
		return errors.New("ping: reply has no ok field")
	}
	if ok := math.Float64frombits(binary.LittleEndian.Uint64(body[5+i+4:])); ok != 1 {
		return fmt.Errorf("ping: ok is %v", ok)
	}
	return nil
}

// opCodeMsg is OP_MSG, the message of every command since MongoDB 3.6.
const opCodeMsg = 2013

// pingCommand is the BSON document {ping: 1, $db: "admin"}.
func pingCommand() []byte {
	var e []byte
	e = append(e, 0x10)
	e = append(e, "ping\x00"...)
	e = binary.LittleEndian.AppendUint32(e, 1)
	e = append(e, 0x02)
	e = append(e, "$db\x00"...)
	e = binary.LittleEndian.AppendUint32(e, uint32(len("admin")+1))
	e = append(e, "admin\x00"...)
	doc := binary.LittleEndian.AppendUint32(nil, uint32(4+len(e)+1))
	doc = append(doc, e...)
	return append(doc, 0)
}

// opMsg frames doc as an OP_MSG with one body section.
func opMsg(requestID uint32, doc []byte) []byte {
	size := 16 + 4 + 1 + len(doc)
	b := binary.LittleEndian.AppendUint32(nil, uint32(size))
	b = binary.LittleEndian.AppendUint32(b, requestID)
	b = binary.LittleEndian.AppendUint32(b, 0) // responseTo
	b = binary.LittleEndian.AppendUint32(b, opCodeMsg)
	b = binary.LittleEndian.AppendUint32(b, 0) // flagBits
	b = append(b, 0)                           // section kind 0: body
	return append(b, doc...)
}
