#!/usr/bin/env bash
# Assembles, offline from Debian's repositories, the root folder of the
# PostgreSQL image the node tests run (internal/kubetest PostgresImage): the
# server package postgresql-15 and the closure of its dependencies, unpacked
# with dpkg-deb -x, no maintainer script run, plus a postgres user (999:999).
# Left out: what only Debian's cluster tooling or JIT needs (postgresql-common
# and perl, the client, locales, ssl-cert, debconf, LLVM); the server runs
# with jit=off and the C locale. dash and libc-bin stay: initdb runs its
# steps through /bin/sh and asks `locale -a`.
#
#   root="$(bash scripts/postgres-image.sh)"
#
# The .debs and the root are cached under ~/.cache/harness/postgres, keyed by
# the candidate versions of every package, so a warm run downloads and
# unpacks nothing. Needs apt-get (as root, for apt-get update when the lists
# are empty); prints the root folder. HARNESS_POSTGRES_CACHE overrides the
# cache folder.
set -euo pipefail

roots="postgresql-15 tzdata dash libc-bin"
skip=" locales locales-all postgresql-client-15 postgresql-common ssl-cert debconf cdebconf libllvm14 perl perl-base adduser passwd dpkg tar debianutils "

cache="${HARNESS_POSTGRES_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/harness/postgres}"
mkdir -p "$cache/debs"

if ! apt-cache show postgresql-15 >/dev/null 2>&1; then
  apt-get update -qq >&2
fi

# The closure: each package's Depends and PreDepends, real packages only
# (apt-cache marks virtual ones <...>), less the skipped ones; one apt-cache
# call per level of the graph.
declare -A seen=()
level=($roots)
while [ "${#level[@]}" -gt 0 ]; do
  for p in "${level[@]}"; do seen[$p]=1; done
  next=()
  while read -r dep; do
    case "$skip" in *" $dep "*) continue ;; esac
    [ -z "${seen[$dep]:-}" ] && next+=("$dep")
  done < <(apt-cache depends --no-recommends --no-suggests --no-conflicts --no-breaks \
             --no-replaces --no-enhances "${level[@]}" \
           | sed -n 's/^ *|\{0,1\}\(Pre\)\{0,1\}Depends: \([^<][^ ]*\)$/\2/p' | sed 's/:any$//' | sort -u)
  level=("${next[@]}")
done

# Candidate versions, one apt-cache call.
list="$(apt-cache policy $(printf '%s\n' "${!seen[@]}" | sort) | awk '
  /^[^ ].*:$/ { p = substr($0, 1, length($0) - 1) }
  /^  Candidate:/ { print p "=" $2 }')"
list+=$'\n'
if [ "$(printf '%s' "$list" | grep -c .)" -ne "${#seen[@]}" ] || printf '%s' "$list" | grep -q '=(none)$'; then
  echo "postgres-image: no candidate version for some of: ${!seen[*]}" >&2; exit 1
fi
pgversion="$(printf '%s' "$list" | awk -F= '$1 == "postgresql-15" { print $2 }')"
sum="$(printf '%s' "$list" | sha256sum | cut -c1-12)"
dir="$cache/postgresql-$pgversion-$sum"
if [ -f "$dir/.complete" ]; then
  echo "$dir/root"
  exit 0
fi

t0=$(date +%s)
echo "postgres-image: assembling $dir ($(printf '%s' "$list" | wc -l) packages)" >&2
missing=()
while IFS= read -r pv; do
  [ -z "$pv" ] && continue
  p="${pv%%=*}"; v="${pv#*=}"
  ls "$cache/debs/${p}_${v//:/%3a}_"*.deb >/dev/null 2>&1 || missing+=("$pv")
done <<< "$list"
if [ "${#missing[@]}" -gt 0 ]; then
  (cd "$cache/debs" && apt-get download -qq "${missing[@]}") >&2
fi

rm -rf "$dir"
tmp="$(mktemp -d "$cache/.root.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/root"
while IFS= read -r pv; do
  [ -z "$pv" ] && continue
  p="${pv%%=*}"; v="${pv#*=}"
  dpkg-deb -x "$(ls "$cache/debs/${p}_${v//:/%3a}_"*.deb | head -1)" "$tmp/root"
done <<< "$list"

r="$tmp/root"
mkdir -p "$r/etc" "$r/tmp" "$r/var/run/postgresql" "$r/data/db" "$r/dev/shm"
chmod 1777 "$r/tmp"
cat > "$r/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/usr/sbin/nologin
postgres:x:999:999:PostgreSQL:/var/lib/postgresql:/usr/sbin/nologin
PASSWD
cat > "$r/etc/group" <<'GROUP'
root:x:0:
postgres:x:999:
GROUP
echo "UTC" > "$r/etc/timezone"
ln -sf /usr/share/zoneinfo/Etc/UTC "$r/etc/localtime"
# The loader's cache, so every library folder of the packages is searched.
ldconfig -r "$r" 2>/dev/null || true
# Documentation is not needed to run.
rm -rf "$r/usr/share/doc" "$r/usr/share/man" "$r/usr/share/lintian" "$r/usr/share/locale"
printf '%s' "$list" > "$r/.packages"
printf '%s\n' "$pgversion" > "$r/.postgres-version"

mkdir -p "$dir"
mv "$r" "$dir/root"
touch "$dir/.complete"
echo "postgres-image: assembled in $(( $(date +%s) - t0 ))s ($(du -sh "$dir/root" | cut -f1))" >&2
echo "$dir/root"
