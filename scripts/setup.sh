#!/usr/bin/env bash
# Installs everything the build and tests need on a fresh Debian machine. Idempotent: each step
# checks first and does nothing when its result is already there.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here"

need_root() { if [ "$(id -u)" != 0 ]; then echo "setup: run as root (apt-get)" >&2; exit 1; fi; }

# Debian packages: emscripten toolchain, cmake, Catch2 v2, chromium for browser tests,
# Debian's libsodium for the native benchmark baseline, Pillow for the preprocessing reference,
# ffmpeg to generate the test video the browser plays through a decrypting stream, clang 14 with
# its sanitizer and libFuzzer runtimes for the ASan + UBSan build and the fuzzers (tests/fuzz),
# make and python3 for node-gyp, which compiles better-sqlite3 (the gallery server's database),
# clang-format-14 for the C/C++ formatting check (scripts/lint.sh), and for the gallery server's
# second test pass and bench: PostgreSQL, and Ceph's RADOS Gateway as the S3 server (with the
# monitor and OSD it runs on; tests/server/backends.mjs starts them in temporary directories);
# libheif-examples for heif-enc, which makes the HEIC photo the gallery's upload test decodes.
packages=(emscripten cmake catch2 chromium dpkg-dev libsodium-dev python3-pil g++ zstd ffmpeg
          clang-14 libclang-rt-14-dev make python3 clang-format-14
          postgresql ceph-mon ceph-osd radosgw ceph-common libheif-examples)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  need_root
  echo "setup: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Third-party C sources (libsodium, zstd) from Debian source packages, verified against their .dsc
# and the recorded upstream tarballs (wasm/third_party/sources.sha256).
bash scripts/fetch-sources.sh

# npm packages (lockfile-exact); skipped when node_modules matches the lockfile already.
# onnxruntime-node's postinstall would fetch GPU binaries from a host outside the registry (the CPU
# ones ship in the package): package.json's allowScripts denies it, and the variable skips it for
# an npm without allowScripts.
# better-sqlite3 (the gallery server's database) compiles with node-gyp against the running
# node's headers: Debian's nodejs ships them in /usr/include/node, so nothing is downloaded.
# build_from_source keeps its prebuild-install step from fetching a binary from GitHub.
export npm_config_build_from_source=better-sqlite3
if [ "$(command -v node)" = /usr/bin/node ] && [ -f /usr/include/node/node_version.h ]; then
  export npm_config_nodedir=/usr
fi
if [ ! -f node_modules/.package-lock.json ] || ! cmp -s package-lock.json .deps/package-lock.stamp; then
  ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund
  mkdir -p .deps && cp package-lock.json .deps/package-lock.stamp
fi
