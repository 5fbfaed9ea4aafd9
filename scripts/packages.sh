#!/usr/bin/env bash
# Installs the Debian packages the tests need that the machine lacks, e.g.
#   bash scripts/packages.sh buildah
# Nothing is done when all are there. Without root (or sudo), it says what
# is missing and exits 0 outside CI, where the tests needing them skip; under
# CI=true a missing package is a failure.
set -euo pipefail
missing=()
for p in "$@"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    sudo="sudo -n"
  else
    echo "packages: missing ${missing[*]}; install them as root (apt-get install ${missing[*]})" >&2
    [ "${CI:-}" = "true" ] && exit 1
    exit 0
  fi
fi
echo "packages: installing ${missing[*]}" >&2
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2 || {
  $sudo apt-get update -q >&2
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
}
