// Package e2e holds harness's end-to-end test: a solution scaffolded by
// harness-application, turned into a chart by harness-deployment, installed,
// upgraded, rolled back and uninstalled with the real helm binary and with the
// Helm SDK path of `harness-deployment --deploy`, against a real Kubernetes API
// server (internal/kubetest). It proves the chart's promise on the objects the
// API server stores and admits, not on rendered text.
package e2e
