#!/usr/bin/env bash
# Prints the fingerprints of every version of CloudHarness's base chart found
# in a CloudHarness clone (its tags and every commit that touched the chart),
# as "PATH SHA256" lines for deployment/cloudharness/basechart.txt:
#
#   bash scripts/cloudharness-basechart.sh ~/src/cloud-harness > deployment/cloudharness/basechart.txt
#
# PATH is relative to the chart folder (deployment-configuration/helm, or
# tools/cloudharness_utilities/deployment-configuration/helm before 2.0);
# SHA256 is of the file with CRLF line ends made LF, as harness reads it.
set -euo pipefail
repo="${1:?usage: cloudharness-basechart.sh CLOUDHARNESS_CLONE}"
cd "$repo"
echo "# CloudHarness base chart files, every version in $(git describe --tags --always 2>/dev/null || echo the clone)'s history."
echo "# Written by scripts/cloudharness-basechart.sh; a layered file that matches one of these is CloudHarness's, not the solution's."
{ git tag; git log --format=%H -- ':(glob)**/deployment-configuration/helm/**' 2>/dev/null || true; } | sort -u |
  while read -r c; do git ls-tree -r "$c" 2>/dev/null | grep 'deployment-configuration/helm/' || true; done |
  awk '{print $3, $4}' | sort -u |
  while read -r blob path; do
    rel="${path##*deployment-configuration/helm/}"
    sum="$(git cat-file blob "$blob" 2>/dev/null | sed 's/\r$//' | sha256sum | cut -c1-64)" || continue
    echo "$rel $sum"
  done | sort -u
