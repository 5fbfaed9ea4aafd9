package freeport

import (
	"net"
	"strconv"
	"testing"
)

func TestPorts(t *testing.T) {
	ports, err := Ports(3)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int]bool{}
	for _, p := range ports {
		if p <= 0 || seen[p] {
			t.Fatalf("ports %v: not distinct positive ports", ports)
		}
		seen[p] = true
		// Free: a server can listen there.
		l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(p)))
		if err != nil {
			t.Fatalf("port %d is not free: %v", p, err)
		}
		l.Close()
	}
	if p, err := Port(); err != nil || p <= 0 {
		t.Fatalf("Port: %d, %v", p, err)
	}
}
