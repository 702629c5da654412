#!/usr/bin/env bash
# Brings the Debian source packages of libsodium and zstd into a folder (default .deps/), checks
# every file against the SHA-256 sums of its .dsc and each upstream tarball against the record in
# wasm/third_party/sources.sha256, and unpacks them under stable names (libsodium/, zstd/).
#
# Why it tries versions: `apt-cache showsrc` may list a version whose files the archive no longer
# (or not yet) serves (seen: libzstd's security update listed, its .dsc a 404). So every listed
# version is tried, newest first, until one downloads and verifies. A different Debian revision
# of a recorded upstream tarball is fine; a different upstream tarball is an error.
#
# Usage: fetch-sources.sh [DEST]   (env SOURCES_RECORD overrides the record, for tests)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
dest="$(mkdir -p "${1:-$here/.deps}" && cd "${1:-$here/.deps}" && pwd)"
record="${SOURCES_RECORD:-$here/wasm/third_party/sources.sha256}"
say() { echo "fetch-sources: $*" >&2; }

# refresh_lists PKG: apt-cache knows no source of PKG: add a deb-src entry mirroring the binary
# ones if there is none, then fetch apt's lists once.
refresh_lists() {
  [ "$(id -u)" = 0 ] || { say "apt-cache lists no source of $1; run 'npm run setup' as root once"; exit 1; }
  if ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ && ! grep -qs '^deb-src' /etc/apt/sources.list; then
    if [ -f /etc/apt/sources.list.d/debian.sources ]; then
      sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources > /etc/apt/sources.list.d/debian-src.sources
    else
      sed -n 's/^deb /deb-src /p' /etc/apt/sources.list > /etc/apt/sources.list.d/debian-src.list
    fi
  fi
  apt-get update -qq
}

# listed_versions PKG: the versions apt-cache lists, newest first (Debian's ordering, not sort -V).
listed_versions() {
  local sorted=() v i
  for v in $(apt-cache showsrc "$1" 2>/dev/null | sed -n 's/^Version: //p' | sort -u); do
    i=${#sorted[@]}
    sorted+=("$v")
    while [ "$i" -gt 0 ] && dpkg --compare-versions "${sorted[i-1]}" lt "$v"; do
      sorted[i]=${sorted[i-1]}; sorted[i-1]=$v; i=$((i - 1))
    done
  done
  printf '%s\n' "${sorted[@]}"
}

# dsc_files DSC: "sha256  name" for every file the .dsc lists.
dsc_files() { awk '/^Checksums-Sha256:/{f=1;next} /^[^ ]/{f=0} f&&NF==3{print $1"  "$3}' "$1"; }

# check_upstream DSC: 0 if each orig tarball is in the record with the same hash; 2 if a tarball
# is not recorded (another upstream release: try an older version); exits on a hash mismatch.
check_upstream() {
  local sum name want found=0
  while read -r sum name; do
    case "$name" in *.orig.tar.*|*.orig-*.tar.*) ;; *) continue ;; esac
    found=1
    want=$(awk -v n="$name" '$2==n{print $1}' "$record")
    if [ -z "$want" ]; then say "$name is not in $(basename "$record")"; return 2; fi
    if [ "$want" != "$sum" ]; then
      say "$name differs from the recorded upstream source (sha256 $sum, recorded $want)"
      exit 1
    fi
  done < <(dsc_files "$1")
  [ "$found" = 1 ] || { say "$1 lists no upstream tarball"; return 2; }
}

fetch() {  # fetch PACKAGE LINK_NAME
  local pkg="$1" link="$2" v dsc work log tried=()
  if [ -f "$dest/$link/.verified" ]; then return 0; fi
  local versions
  versions=$(listed_versions "$pkg")
  if [ -z "$versions" ]; then
    refresh_lists "$pkg"
    versions=$(listed_versions "$pkg")
  fi
  [ -n "$versions" ] || { say "apt-cache lists no source version of $pkg, even after apt-get update"; exit 1; }
  for v in $versions; do
    work=$(mktemp -d "$dest/.fetch-$pkg.XXXXXX") && chmod 755 "$work"   # apt downloads as _apt
    log="$work/apt.log"
    if ! (cd "$work" && apt-get source --download-only -qq "$pkg=$v") >"$log" 2>&1; then
      say "$pkg $v is listed but not served: $(grep -m1 -o '[0-9]\{3\} .*' "$log" || tail -n1 "$log")"
      tried+=("$v (not served)"); rm -rf "$work"; continue
    fi
    dsc=$(ls "$work"/*.dsc)
    if ! (cd "$work" && dsc_files "$dsc" | sha256sum --quiet -c -) >"$log" 2>&1; then
      say "$pkg $v does not match its .dsc: $(head -n1 "$log")"
      tried+=("$v (bad checksum)"); rm -rf "$work"; continue
    fi
    if ! check_upstream "$dsc"; then tried+=("$v (other upstream)"); rm -rf "$work"; continue; fi
    dpkg-source --no-check -x "$dsc" "$work/src" >/dev/null
    echo "$pkg $v" > "$work/src/.verified"
    rm -rf "${dest:?}/$link"
    mv "$work/src" "$dest/$link"
    rm -rf "$work"
    say "$pkg $v${tried[0]+ (after ${tried[*]})}, verified against its .dsc and the recorded upstream tarball"
    return 0
  done
  say "no listed version of $pkg could be used: ${tried[*]}"
  exit 1
}

fetch libsodium libsodium
fetch libzstd zstd
