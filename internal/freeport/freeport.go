// Package freeport finds TCP ports of 127.0.0.1 that nothing listens on,
// for the servers harness and its tests start locally (PostgreSQL,
// FerretDB, an API server, a registry).
package freeport

import (
	"fmt"
	"net"
)

// Port is a port of 127.0.0.1 free when asked.
func Port() (int, error) {
	ports, err := Ports(1)
	if err != nil {
		return 0, err
	}
	return ports[0], nil
}

// Ports returns n distinct ports of 127.0.0.1 free when asked.
func Ports(n int) ([]int, error) {
	ports := make([]int, 0, n)
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("find a free port: %w", err)
		}
		// Kept open until all are chosen, so that the kernel hands out
		// distinct ones.
		defer l.Close()
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}
