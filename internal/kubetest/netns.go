package kubetest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// netns is a network namespace made for one node. No interface links it to
// the host's namespace, so nothing running inside (the cluster's servers, the
// node, its Pods) can send a packet past it: the only ways in and out are the
// test process's own sockets, created inside by do.
//
// It has no name under /run/netns: it lives as long as its file stays open or
// a process runs inside, so a killed test leaves no mount behind.
type netns struct {
	f *os.File
}

// newNetns creates an empty network namespace (only a loopback, down).
func newNetns() (*netns, error) {
	type result struct {
		f   *os.File
		err error
	}
	done := make(chan result, 1)
	go func() {
		// The thread moves to the new namespace and is never unlocked: the
		// runtime discards it when the goroutine ends, so no other goroutine
		// ever runs in the wrong namespace.
		runtime.LockOSThread()
		if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
			done <- result{err: fmt.Errorf("create network namespace: %w", err)}
			return
		}
		f, err := os.Open("/proc/thread-self/ns/net")
		done <- result{f, err}
	}()
	r := <-done
	if r.err != nil {
		return nil, r.err
	}
	return &netns{f: r.f}, nil
}

// do runs fn on a thread switched into the namespace. Sockets that fn creates
// belong to the namespace for their whole life, wherever they are used later;
// a process that fn starts is born inside, with its children.
func (n *netns) do(fn func() error) error {
	done := make(chan error, 1)
	go func() {
		// As in newNetns: the thread is discarded, never switched back.
		runtime.LockOSThread()
		if err := n.enter(); err != nil {
			done <- err
			return
		}
		done <- fn()
	}()
	return <-done
}

// enter switches the calling thread into the namespace; the caller has locked
// the thread and never unlocks it.
func (n *netns) enter() error {
	if err := unix.Setns(int(n.f.Fd()), unix.CLONE_NEWNET); err != nil {
		return fmt.Errorf("enter network namespace: %w", err)
	}
	return nil
}

// path names the namespace for tools that take a file, such as
// `nsenter --net=PATH`, while the test runs.
func (n *netns) path() string {
	return fmt.Sprintf("/proc/%d/fd/%d", os.Getpid(), n.f.Fd())
}

func (n *netns) close() error {
	return n.f.Close()
}

// listen opens a TCP listener inside the namespace.
func (n *netns) listen(addr string) (net.Listener, error) {
	var l net.Listener
	err := n.do(func() error {
		var err error
		l, err = net.Listen("tcp", addr)
		return err
	})
	return l, err
}

// DialContext connects to addr inside the namespace, as a process of the node
// would; it fits http.Transport.DialContext.
func (n *netns) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	var c net.Conn
	err := n.do(func() error {
		var err error
		c, err = (&net.Dialer{}).DialContext(ctx, network, addr)
		return err
	})
	return c, err
}

// forwarder copies the connections a listener in the host's namespace accepts
// to an address inside the namespace: kubectl and helm reach the API server
// this way, with the same URL the node's components use inside.
type forwarder struct {
	l    net.Listener
	ns   *netns
	to   string
	mu   sync.Mutex
	open map[net.Conn]struct{}
	wg   sync.WaitGroup
}

func newForwarder(l net.Listener, ns *netns, to string) *forwarder {
	f := &forwarder{l: l, ns: ns, to: to, open: map[net.Conn]struct{}{}}
	f.wg.Add(1)
	go f.serve()
	return f
}

func (f *forwarder) serve() {
	defer f.wg.Done()
	for {
		c, err := f.l.Accept()
		if err != nil {
			return // closed
		}
		f.wg.Add(1)
		go func() {
			defer f.wg.Done()
			f.pipe(c)
		}()
	}
}

func (f *forwarder) pipe(c net.Conn) {
	defer c.Close()
	up, err := f.ns.DialContext(context.Background(), "tcp", f.to)
	if err != nil {
		return
	}
	defer up.Close()
	if !f.track(c, up) {
		return
	}
	defer f.untrack(c, up)
	done := make(chan struct{}, 2)
	cp := func(dst, src net.Conn) {
		_, _ = io.Copy(dst, src)
		if tc, ok := dst.(*net.TCPConn); ok {
			_ = tc.CloseWrite()
		}
		done <- struct{}{}
	}
	go cp(up, c)
	go cp(c, up)
	<-done
	<-done
}

// track records the pair of connections, or refuses them once closing.
func (f *forwarder) track(cs ...net.Conn) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.open == nil {
		return false
	}
	for _, c := range cs {
		f.open[c] = struct{}{}
	}
	return true
}

func (f *forwarder) untrack(cs ...net.Conn) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, c := range cs {
		delete(f.open, c)
	}
}

// close stops accepting, cuts the open connections and waits for their copies.
func (f *forwarder) close() error {
	err := f.l.Close()
	f.mu.Lock()
	for c := range f.open {
		_ = c.Close()
	}
	f.open = nil
	f.mu.Unlock()
	f.wg.Wait()
	if errors.Is(err, net.ErrClosed) {
		return nil
	}
	return err
}

// httpReady is a readiness check of a node process: url, inside the
// namespace, answers 200.
func (n *netns) httpReady(url string) func(context.Context) (bool, error) {
	client := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{DialContext: n.DialContext, DisableKeepAlives: true}}
	return func(ctx context.Context) (bool, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return false, err
		}
		resp, err := client.Do(req)
		if err != nil {
			return false, err
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK, nil
	}
}
