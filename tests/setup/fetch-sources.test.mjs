// scripts/fetch-sources.sh against Debian's archive as it is, into fresh folders (never the
// cached .deps/): a machine that already has .deps/ never runs this path, so only this test sees
// the archive listing a version it does not serve.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SCRIPT = process.env.FETCH_SOURCES_SCRIPT ?? join(ROOT, 'scripts/fetch-sources.sh');
const RECORD = join(ROOT, 'wasm/third_party/sources.sha256');
const PACKAGES = { libsodium: 'libsodium', libzstd: 'zstd' }; // source package -> folder

const made = [];
after(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
function fresh() {
  made.push(mkdtempSync(join(tmpdir(), 'cipherlens-fetch-')));
  return made.at(-1);
}

function run(dest, env = {}) {
  const r = spawnSync('bash', [SCRIPT, dest], { encoding: 'utf8', env: { ...process.env, ...env } });
  return { status: r.status, log: `${r.stdout}${r.stderr}` };
}

function listedVersions(pkg) {
  const out = spawnSync('apt-cache', ['showsrc', pkg], { encoding: 'utf8' }).stdout;
  return [...out.matchAll(/^Version: (.+)$/gm)].map((m) => m[1]);
}

function assertUnpacked(dest) {
  assert.ok(existsSync(join(dest, 'libsodium/src/libsodium/include/sodium.h')), 'libsodium unpacked');
  assert.ok(existsSync(join(dest, 'zstd/lib/zstd.h')), 'zstd unpacked');
  for (const [pkg, dir] of Object.entries(PACKAGES)) {
    const [name, version] = readFileSync(join(dest, dir, '.verified'), 'utf8')
      .trim()
      .split(' ');
    assert.equal(name, pkg);
    assert.ok(listedVersions(pkg).includes(version), `${pkg} ${version} is a version apt-cache lists`);
  }
}

// A PATH in front of the real apt: apt-cache lists a newer version of each package that the
// "archive" does not serve (a 404, as Debian's security suite did for libzstd), and an
// unversioned `apt-get source` asks for it, as apt would for the newest listed version.
function shimmedApt(dir) {
  const bin = join(dir, 'bin');
  spawnSync('mkdir', ['-p', bin]);
  const ghost = '99:9.9.9-1';
  writeFileSync(
    join(bin, 'apt-cache'),
    `#!/bin/bash
/usr/bin/apt-cache "$@"; rc=$?
[ "$1" = showsrc ] && printf 'Package: %s\\nVersion: ${ghost}\\n\\n' "$2"
exit $rc
`,
  );
  writeFileSync(
    join(bin, 'apt-get'),
    `#!/bin/bash
if [ "$1" = source ] || [ "$2" = source ] || [ "$3" = source ]; then
  pkg="\${@: -1}"
  case "$pkg" in *=*) [ "\${pkg#*=}" = '${ghost}' ] || exec /usr/bin/apt-get "$@" ;; esac
  echo "E: Failed to fetch http://archive.invalid/pool/\${pkg%%=*}_9.9.9-1.dsc  404  Not Found" >&2
  exit 100
fi
exec /usr/bin/apt-get "$@"
`,
  );
  chmodSync(join(bin, 'apt-cache'), 0o755);
  chmodSync(join(bin, 'apt-get'), 0o755);
  return { PATH: `${bin}:${process.env.PATH}`, ghost };
}

test('fetches and verifies libsodium and zstd from the archive as it is', () => {
  const dest = fresh();
  const { status, log } = run(dest);
  assert.equal(status, 0, log);
  assertUnpacked(dest);
  assert.match(log, /libsodium \S+.*verified/);
  assert.match(log, /libzstd \S+.*verified/);
});

test('a listed version the archive does not serve falls back to the next one', () => {
  const dest = fresh();
  const { PATH, ghost } = shimmedApt(dest);
  const { status, log } = run(join(dest, 'deps'), { PATH });
  assert.equal(status, 0, log);
  assertUnpacked(join(dest, 'deps'));
  for (const pkg of Object.keys(PACKAGES)) {
    assert.ok(log.includes(`${pkg} ${ghost} is listed but not served: 404`), log);
  }
});

test('an upstream tarball whose hash differs from the record is an error', () => {
  const dest = fresh();
  const record = join(dest, 'sources.sha256');
  writeFileSync(record, readFileSync(RECORD, 'utf8').replace(/^[0-9a-f]{64}(?= {2}libsodium_)/m, '0'.repeat(64)));
  const { status, log } = run(join(dest, 'deps'), { SOURCES_RECORD: record });
  assert.notEqual(status, 0);
  assert.match(log, /libsodium_[^ ]+\.orig\.tar\.\w+ differs from the recorded upstream source/);
  assert.ok(!existsSync(join(dest, 'deps/libsodium')), 'nothing unpacked');
});

test('an upstream release that is not recorded is refused, naming what was tried', () => {
  const dest = fresh();
  const record = join(dest, 'sources.sha256');
  writeFileSync(record, readFileSync(RECORD, 'utf8').replace(/libzstd_[^ \n]+/g, 'libzstd_0.0.1.orig.tar.xz'));
  const { status, log } = run(join(dest, 'deps'), { SOURCES_RECORD: record });
  assert.notEqual(status, 0);
  assert.match(log, /libzstd_\S+\.orig\.tar\.xz is not in sources\.sha256/);
  assert.match(log, /no listed version of libzstd could be used: .*\(other upstream\)/);
  assert.ok(!existsSync(join(dest, 'deps/zstd')), 'nothing unpacked');
});
