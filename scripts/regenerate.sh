#!/usr/bin/env bash
# Regenerates everything generated in the repository: the generators' golden
# files, the runtime's embedded copy, values.schema.json and docs/values.md,
# the CloudHarness keys table, the database templates' go.mod fragments, the
# generated code of applications/samples and bench/pets, and the examples of
# docs/runtime.md. Each is checked by a test that fails, with a diff, when it
# is stale (internal/golden); this runs those tests with -update.
# Review `git diff` afterwards: it is the change your change made.
set -euo pipefail
cd "$(dirname "$0")/.."

# The packages whose tests check generated files: those importing
# internal/golden.
mapfile -t pkgs < <(go list -f '{{.ImportPath}} {{join .TestImports " "}} {{join .XTestImports " "}}' ./... |
  awk '/ github.com\/harness-sh\/harness\/internal\/golden( |$)/ {print $1}')
# The embedded runtime copy first: the others may embed it.
go test -count=1 -run TestInSync ./internal/runtimesrc -update >/dev/null
# All their tests run: which test checks which file is theirs to know.
go test -count=1 "${pkgs[@]}" -update
(cd runtime && go test -count=1 -run TestDocsExamples . -update)
git status --short
