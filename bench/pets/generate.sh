#!/usr/bin/env bash
# Regenerates bench/pets/pets from bench/pets/openapi.yaml with harness.
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
mkdir -p "$work/applications/pets/api"
cp bench/pets/openapi.yaml "$work/applications/pets/api/openapi.yaml"
printf 'module example.com/solution\n\ngo 1.24\n' > "$work/go.mod"
go run ./cmd/harness generate servers --root "$work" >/dev/null
rm -rf bench/pets/pets && cp -r "$work/applications/pets/backend/pets" bench/pets/pets
