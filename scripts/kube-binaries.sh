#!/usr/bin/env bash
# Builds etcd, kube-apiserver, kubectl and the node's components
# (kube-controller-manager, kube-scheduler, kubelet, kube-proxy, CoreDNS) for the cluster
# test (internal/kubetest) from the pinned modules tools/etcd, tools/kube and tools/coredns,
# once, into a cache outside the clone keyed by their versions and go.sum, then
# prints the bin directory.
#
#   export HARNESS_KUBE_BIN="$(bash scripts/kube-binaries.sh)"
#
# Cold: 16 to 22 minutes on 2 idle cores, about 32 minutes of CPU (about
# 750 MB of modules, 2.9 GB peak memory). Warm: the binaries are there and
# nothing is built.
# HARNESS_KUBE_CACHE overrides the cache root.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

modversion() { # module path, go.mod -> the required version
  awk -v m="$1" '$1 == m && $2 ~ /^v/ { print $2; exit } $1 == "require" && $2 == m { print $3; exit }' "$2"
}
kube_version="$(modversion k8s.io/kubernetes "$root/tools/kube/go.mod")"
etcd_version="$(modversion go.etcd.io/etcd/server/v3 "$root/tools/etcd/go.mod")"
if [ -z "$kube_version" ] || [ -z "$etcd_version" ]; then
  echo "kube-binaries: cannot read the pinned versions from tools/*/go.mod" >&2
  exit 1
fi
# The sums cover every pin (the staging replaces included), so any change to
# the tool modules builds into a new directory instead of reusing stale binaries.
sum="$(cat "$root"/tools/kube/go.mod "$root"/tools/kube/go.sum "$root"/tools/etcd/go.mod "$root"/tools/etcd/go.sum \
  | sha256sum | cut -c1-12)"
cache="${HARNESS_KUBE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/harness/kube}"
dir="$cache/kubernetes-$kube_version-etcd-$etcd_version-$sum"
bin="$dir/bin"

kube_tools="kube-apiserver kubectl kube-controller-manager kube-scheduler kubelet kube-proxy"
kube_complete() {
  [ -x "$bin/etcd" ] || return 1
  for t in $kube_tools; do [ -x "$bin/$t" ] || return 1; done
}
# CoreDNS, the node's name server, comes from its own pinned module
# (tools/coredns) into the same folder, keyed by that module's sums alone:
# a change to it does not rebuild Kubernetes.
coredns_sum="$(cat "$root"/tools/coredns/go.mod "$root"/tools/coredns/go.sum | sha256sum | cut -c1-12)"
coredns_complete() { [ -x "$bin/coredns" ] && [ "$(cat "$bin/.coredns-sum" 2>/dev/null)" = "$coredns_sum" ]; }
build_coredns() {
  coredns_complete && return 0
  echo "kube-binaries: building CoreDNS (cold: 5 to 8 min)" >&2
  local t0 tmp
  t0=$(date +%s)
  tmp="$(mktemp -d "$cache/.coredns.XXXXXX")"
  (cd "$root/tools/coredns" && go build -trimpath -ldflags="-s -w" -o "$tmp/coredns" github.com/coredns/coredns) >&2 \
    || { rm -rf "$tmp"; return 1; }
  mv "$tmp/coredns" "$bin/coredns"
  echo "$coredns_sum" > "$bin/.coredns-sum"
  rm -rf "$tmp"
  echo "kube-binaries: CoreDNS built in $(( $(date +%s) - t0 ))s" >&2
}

if kube_complete && coredns_complete; then
  echo "$bin"
  exit 0
fi

mkdir -p "$cache"
# One builder at a time: a second run waits, then finds the binaries.
exec 9>"$cache/.lock"
flock 9
if kube_complete; then
  build_coredns
  echo "$bin"
  exit 0
fi

stage="$(mktemp -d "$cache/.build.XXXXXX")"
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/bin"

echo "kube-binaries: building etcd $etcd_version and Kubernetes $kube_version ($kube_tools; cold: 16-22 min on 2 idle cores)" >&2
start=$(date +%s)

# Without these the binaries report v0.0.0-master, which clients such as Helm
# read as the server's version.
major="${kube_version#v}"; major="${major%%.*}"
minor="${kube_version#v*.}"; minor="${minor%%.*}"
kver=k8s.io/component-base/version
ldflags="-s -w -X $kver.gitVersion=$kube_version -X $kver.gitMajor=$major -X $kver.gitMinor=$minor -X $kver.gitTreeState=clean"

(cd "$root/tools/etcd" && go build -trimpath -ldflags="-s -w" -o "$stage/bin/etcd" go.etcd.io/etcd/server/v3) >&2
# One go build for all of them: the packages they share compile once.
(cd "$root/tools/kube" && go build -trimpath -ldflags="$ldflags" -o "$stage/bin/" \
  $(for t in $kube_tools; do printf 'k8s.io/kubernetes/cmd/%s ' "$t"; done)) >&2

rm -rf "$dir"
mv "$stage" "$dir"
trap - EXIT
echo "kube-binaries: built in $(( $(date +%s) - start ))s into $bin" >&2
build_coredns
echo "$bin"
