//go:build ignore

// The node's sandbox ("pause") image: the process that holds a Pod's
// namespaces. It waits for the signal that ends the Pod and exits 0, and
// reaps nothing (no container of the Pod shares its PID namespace).
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	<-sig
}
