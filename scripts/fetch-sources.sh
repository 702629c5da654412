#!/usr/bin/env bash
# Brings the Debian source packages of libsodium and zstd into .deps/ and checks every file
# against the SHA-256 sums listed in its .dsc. Never commits them: .deps/ is git-ignored.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
deps="$here/.deps"
mkdir -p "$deps"
cd "$deps"

ensure_deb_src() {
  if ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ && ! grep -qs '^deb-src' /etc/apt/sources.list; then
    [ "$(id -u)" = 0 ] || { echo "fetch-sources: need root to add a deb-src entry" >&2; exit 1; }
    # Mirror the binary entries of debian.sources as deb-src entries.
    if [ -f /etc/apt/sources.list.d/debian.sources ]; then
      sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources > /etc/apt/sources.list.d/debian-src.sources
    else
      sed -n 's/^deb /deb-src /p' /etc/apt/sources.list > /etc/apt/sources.list.d/debian-src.list
    fi
    apt-get update -qq
  fi
}

# verify_dsc FILE.dsc: every file in Checksums-Sha256 must exist and match.
verify_dsc() {
  local dsc="$1"
  awk '/^Checksums-Sha256:/{f=1;next} /^[^ ]/{f=0} f&&NF==3{print $1"  "$3}' "$dsc" > "$dsc.sha256"
  [ -s "$dsc.sha256" ] || { echo "fetch-sources: no checksums in $dsc" >&2; exit 1; }
  sha256sum --quiet -c "$dsc.sha256"
}

fetch() {  # fetch PACKAGE DIR_GLOB
  local pkg="$1"
  local dir
  dir=$(ls -d ${pkg}-[0-9]*/ 2>/dev/null | head -n1 || true)
  if [ -n "$dir" ] && [ -f "$dir/.verified" ]; then return 0; fi
  ensure_deb_src
  rm -rf ${pkg}-[0-9]*/ ${pkg}_*
  apt-get source --download-only -qq "$pkg"
  local dsc
  dsc=$(ls ${pkg}_*.dsc | head -n1)
  verify_dsc "$dsc"
  dpkg-source --no-check -x "$dsc" >/dev/null
  dir=$(ls -d ${pkg}-[0-9]*/ | head -n1)
  touch "$dir/.verified"
  echo "fetch-sources: $pkg verified from $dsc"
}

fetch libsodium
fetch libzstd
# Stable names for CMake.
ln -sfn "$(ls -d libsodium-[0-9]*/ | head -n1)" libsodium
ln -sfn "$(ls -d libzstd-[0-9]*/ | head -n1)" zstd
