// Package loadtest holds the load test of a generated server: a scaffolded
// application built with the race detector, driven by wrk on loopback, then
// stopped with SIGTERM while the load runs, and probed by slow and oversized
// clients. Its figures (requests per second, p99 latency, peak RSS) go to
// the test log; bench/ has the throughput comparisons.
package loadtest
