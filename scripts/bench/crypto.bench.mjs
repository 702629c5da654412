// Crypto speed, side by side in one run: cipherlens wasm (SIMD128 paths, and libsodium's scalar
// reference paths of the same build), libsodium.js (libsodium-wrappers-sumo, what Ente's web
// client uses), hash-wasm (Argon2id only) and native libsodium (Debian's libsodium-dev, compiled
// here with gcc -O3: this machine's physical limit). The JS contenders run interleaved in this
// process so machine load hits them alike; native runs as a child process right after.
import { execFileSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadCore } from '../../js/dist/index.js';
import createCipherlensModule from '../../js/dist/wasm/cipherlens.mjs';
import sodium from 'libsodium-wrappers-sumo';
import { argon2id } from 'hash-wasm';
import { median, table, fmt } from './harness.mjs';

await sodium.ready;
const core = await loadCore();
const loadBefore = loadavg()[0];
const MiB = 1024 * 1024;
const CHUNK = 4 * MiB;
const TOTAL = 256 * MiB;
const STREAM_RUNS = 7;
const ARGON2 = [[2, 64 * MiB, 5], [3, 256 * MiB, 5], [16, 256 * MiB, 3]]; // ops, mem, runs
const SMALL_SECONDS = 0.25;

const scalar = (fn) => core.testing.reference.withScalar(fn);
const data = new Uint8Array(TOTAL);
for (let i = 0; i < TOTAL; i += 65536) crypto.getRandomValues(data.subarray(i, i + 65536));
const key = core.generateKey();

function sodiumStreamEncrypt(m) {
  const { state, header } = sodium.crypto_secretstream_xchacha20poly1305_init_push(key);
  const parts = [];
  for (let at = 0; at < m.length; at += CHUNK) {
    const last = at + CHUNK >= m.length;
    parts.push(sodium.crypto_secretstream_xchacha20poly1305_push(state, m.subarray(at, at + CHUNK), null,
      last ? sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL : sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE));
  }
  return { header, parts };
}
function sodiumStreamDecrypt({ header, parts }) {
  const state = sodium.crypto_secretstream_xchacha20poly1305_init_pull(header, key);
  for (const p of parts) if (!sodium.crypto_secretstream_xchacha20poly1305_pull(state, p)) throw new Error('libsodium.js pull failed');
}

const seconds = (fn) => {
  const t0 = performance.now();
  fn();
  return (performance.now() - t0) / 1000;
};

/**
 * Runs every contender once per round, in rotating order. Returns median seconds of each, and
 * `speedup`: per contender, the median over rounds of (libsodium.js time / its time) within the
 * same round, which is steadier than a ratio of medians when other work shares the machine.
 */
async function interleaved(contenders, runs) {
  const names = Object.keys(contenders);
  const ts = Object.fromEntries(names.map((n) => [n, []]));
  for (const n of names) await contenders[n](); // warm-up (JIT tiers, memory growth)
  for (let r = 0; r < runs; r++) {
    for (let k = 0; k < names.length; k++) {
      const n = names[(r + k) % names.length];
      globalThis.gc?.();
      const t0 = performance.now();
      await contenders[n]();
      ts[n].push((performance.now() - t0) / 1000);
    }
  }
  const out = Object.fromEntries(names.map((n) => [n, median(ts[n])]));
  out.speedup = Object.fromEntries(names.map((n) => [n, median(ts[n].map((t, r) => ts.js[r] / t))]));
  return out;
}

/** Operations per second: rounds of ~SMALL_SECONDS per contender, interleaved; median rate. */
function opsPerSecond(contenders, rounds = 5) {
  const names = Object.keys(contenders);
  const rates = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r <= rounds; r++) {
    for (const n of names) {
      let ops = 0;
      const t0 = performance.now();
      let t = t0;
      while (t - t0 < SMALL_SECONDS * 1000) {
        for (let i = 0; i < 16; i++) contenders[n]();
        ops += 16;
        t = performance.now();
      }
      if (r > 0) rates[n].push(ops / ((t - t0) / 1000)); // round 0 warms up
    }
  }
  const out = Object.fromEntries(names.map((n) => [n, median(rates[n])]));
  out.speedup = Object.fromEntries(names.map((n) => [n, median(rates[n].map((x, r) => x / rates.js[r]))]));
  return out;
}

function native(...args) {
  try {
    const dir = fileURLToPath(new URL('../../build/bench/', import.meta.url));
    mkdirSync(dir, { recursive: true });
    const exe = `${dir}native_sodium_bench`;
    const src = fileURLToPath(new URL('./native_sodium_bench.c', import.meta.url));
    execFileSync('gcc', ['-O3', src, '-o', exe, '-lsodium']);
    return JSON.parse(execFileSync(exe, args.map(String), { encoding: 'utf8' }));
  } catch (e) {
    process.stderr.write(`native libsodium bench unavailable: ${e.message}\n`);
    return null;
  }
}

const rows = [];
const NA = '—';
const ratio = (x) => (x ? fmt(x, 2) + 'x' : NA);
const checks = [];

// ---- secretstream, 256 MiB in 4 MiB chunks ----
{
  const ours = core.stream.encrypt(data, key);
  const theirs = sodiumStreamEncrypt(data);
  const enc = await interleaved({
    ours: () => core.stream.encrypt(data, key),
    scalar: () => scalar(() => core.stream.encrypt(data, key)),
    js: () => sodiumStreamEncrypt(data),
  }, STREAM_RUNS);
  const dec = await interleaved({
    ours: () => core.stream.decrypt(ours.ciphertext, ours.header, key),
    scalar: () => scalar(() => core.stream.decrypt(ours.ciphertext, ours.header, key)),
    js: () => sodiumStreamDecrypt(theirs),
  }, STREAM_RUNS);
  const nat = native('stream', TOTAL / MiB, STREAM_RUNS);
  const mibps = (s) => TOTAL / MiB / s;
  for (const [name, t, n] of [['secretstream encrypt (MiB/s)', enc, nat?.encryptMiBps], ['secretstream decrypt (MiB/s)', dec, nat?.decryptMiBps]]) {
    rows.push([name, fmt(mibps(t.ours)), fmt(mibps(t.scalar)), fmt(mibps(t.js)), NA, n ? fmt(n) : NA,
      ratio(t.speedup.ours), n ? fmt(100 * mibps(t.ours) / n, 0) + '%' : NA]);
  }
  // The whole-buffer call also allocates its 256 MiB result, whose fresh pages fault in as they
  // are first written (about 1.5 ms per 4 MiB here); the peer has no such call, so the 2.0x target
  // is checked on the chunk-by-chunk row below, the same work in the same shape as the peer's loop.
  checks.push(['secretstream decrypt, whole buffer, not slower than libsodium.js', dec.speedup.ours, 1.0]);
  checks.push(['secretstream encrypt not slower than libsodium.js', enc.speedup.ours, 1.0]);

  // The same work in the same shape as the libsodium.js loop: one array per 4 MiB chunk, as a
  // streaming reader gets it (the whole-buffer call above also allocates and first-touches
  // the 256 MiB result, which the per-chunk loops do not).
  const CIPHER_CHUNK = CHUNK + 17;
  const chunked = await interleaved({
    ours: () => {
      const d = core.stream.createDecryptor(ours.header, key);
      for (let at = 0; at < ours.ciphertext.length; at += CIPHER_CHUNK) d.update(ours.ciphertext.subarray(at, at + CIPHER_CHUNK));
      d.final();
    },
    js: () => sodiumStreamDecrypt(theirs),
  }, STREAM_RUNS);
  rows.push(['secretstream decrypt, chunk by chunk like the libsodium.js loop (MiB/s)', fmt(mibps(chunked.ours)), NA,
    fmt(mibps(chunked.js)), NA, NA, ratio(chunked.speedup.ours), NA]);
  checks.push(['secretstream decrypt, chunk by chunk, >= 2.0x libsodium.js', chunked.speedup.ours, 2.0]);
}

// ---- the kernels alone, on buffers already in wasm memory (no copies between JS and wasm) ----
{
  const mod = await createCipherlensModule({ wasmBinary: readFileSync(new URL('../../js/dist/wasm/cipherlens.wasm', import.meta.url)) });
  mod.init();
  const L = sodium.libsodium; // libsodium.js's own wasm module
  const N = 4 * MiB, REPS = 8;
  const o = { m: mod._malloc(N), k: mod._malloc(32), n: mod._malloc(24), t: mod._malloc(16) };
  const j = { m: L._malloc(N), k: L._malloc(32), n: L._malloc(24), t: L._malloc(16) };
  const many = (fn) => () => { for (let i = 0; i < REPS; i++) fn(); };
  const scalarRaw = (fn) => () => { mod.Testing.setScalarReference(true); try { fn(); } finally { mod.Testing.setScalarReference(false); } };
  const kernels = [
    ['XChaCha20 xor, 4 MiB in wasm memory (MiB/s)',
      () => mod.xchacha20XorIc(o.m, o.m, N, o.n, 1, o.k), () => L._crypto_stream_xchacha20_xor_ic(j.m, j.m, N, 0, j.n, 1, 0, j.k)],
    ['Poly1305, 4 MiB in wasm memory (MiB/s)',
      () => mod.poly1305(o.t, o.m, N, o.k), () => L._crypto_onetimeauth(j.t, j.m, N, 0, j.k)],
  ];
  // One 4 MiB secretstream chunk (FINAL, from a fresh state each time): our stitched pull vs
  // libsodium.js's pull, ciphertext already in each wasm memory.
  const chunk = core.stream.encrypt(data.subarray(0, N), key);
  const C = chunk.ciphertext.length;
  const op = { c: mod._malloc(C), h: mod._malloc(24), st: 0 }, jp = { c: L._malloc(C), h: L._malloc(24), st: L._malloc(64), tag: L._malloc(1) };
  mod.HEAPU8.set(chunk.ciphertext, op.c); mod.HEAPU8.set(chunk.header, op.h); mod.HEAPU8.set(key, o.k);
  L.HEAPU8.set(chunk.ciphertext, jp.c); L.HEAPU8.set(chunk.header, jp.h); L.HEAPU8.set(key, j.k);
  const pullOurs = () => { if (mod.Testing.secretstreamPullOnce(o.m, op.c, C, op.h, o.k) !== 0) throw new Error('pull failed'); };
  const pullJs = () => {
    L._crypto_secretstream_xchacha20poly1305_init_pull(jp.st, jp.h, j.k);
    if (L._crypto_secretstream_xchacha20poly1305_pull(jp.st, j.m, 0, jp.tag, jp.c, C, 0, 0, 0, 0) !== 0) throw new Error('libsodium.js pull failed');
  };
  kernels.push(['secretstream pull, one 4 MiB chunk in wasm memory (MiB/s)', pullOurs, pullJs]);
  for (const [name, ours, js] of kernels) {
    const t = await interleaved({ ours: many(ours), scalar: scalarRaw(many(ours)), js: many(js) }, 15);
    const mibps = (x) => (REPS * N) / MiB / x;
    rows.push([name, fmt(mibps(t.ours)), fmt(mibps(t.scalar)), fmt(mibps(t.js)), NA, NA, ratio(t.speedup.ours), NA]);
  }
  for (const p of [...Object.values(o), op.c, op.h]) mod._free(p);
  for (const p of [...Object.values(j), ...Object.values(jp)]) L._free(p);
}

// ---- Argon2id, 32-byte key, 16-byte salt ----
for (const [ops, mem, runs] of ARGON2) {
  const salt = new Uint8Array(16).fill(7);
  const withScalar = ops < 16; // the sensitive setting is long enough without a fourth contender
  const contenders = {
    ours: () => core.deriveKey('password', salt, ops, mem),
    js: () => sodium.crypto_pwhash(32, 'password', salt, ops, mem, sodium.crypto_pwhash_ALG_ARGON2ID13),
    hashwasm: () => argon2id({ password: 'password', salt, parallelism: 1, iterations: ops, memorySize: mem / 1024, hashLength: 32, outputType: 'binary' }),
  };
  if (withScalar) contenders.scalar = () => scalar(() => core.deriveKey('password', salt, ops, mem));
  const t = await interleaved(contenders, runs);
  const nat = native('argon2', ops, mem, runs);
  rows.push([`Argon2id ops ${ops}, ${mem / MiB} MiB (s)`, fmt(t.ours, 2), withScalar ? fmt(t.scalar, 2) : NA, fmt(t.js, 2),
    fmt(t.hashwasm, 2), nat ? fmt(nat.seconds, 2) : NA, ratio(t.speedup.ours), nat ? fmt(100 * nat.seconds / t.ours, 0) + '%' : NA]);
  if (ops === 3) checks.push(['Argon2id (3, 256 MiB) >= 1.4x libsodium.js', t.speedup.ours, 1.4]);
  else checks.push([`Argon2id (${ops}, ${mem / MiB} MiB) not slower than libsodium.js`, t.speedup.ours, 1.0]);
}

// ---- sealed box and secretbox on a 32-byte message (a wrapped key, Ente's use) ----
{
  const m = core.randomBytes(32);
  const kp = core.box.keypair();
  const jsKp = { publicKey: kp.publicKey, privateKey: kp.secretKey };
  const sealed = core.box.seal(m, kp.publicKey);
  const boxed = core.secretbox.encrypt(m, key);
  const small = [
    ['sealed box seal (ops/s)', () => core.box.seal(m, kp.publicKey), () => scalar(() => core.box.seal(m, kp.publicKey)),
      () => sodium.crypto_box_seal(m, jsKp.publicKey), 'seal'],
    ['sealed box open (ops/s)', () => core.box.sealOpen(sealed, kp.publicKey, kp.secretKey),
      () => scalar(() => core.box.sealOpen(sealed, kp.publicKey, kp.secretKey)),
      () => sodium.crypto_box_seal_open(sealed, jsKp.publicKey, jsKp.privateKey), 'sealOpen'],
    ['secretbox encrypt (ops/s)', () => core.secretbox.encrypt(m, key), () => scalar(() => core.secretbox.encrypt(m, key)),
      () => sodium.crypto_secretbox_easy(m, sodium.randombytes_buf(24), key), 'secretbox'],
    ['secretbox decrypt (ops/s)', () => core.secretbox.decrypt(boxed.ciphertext, boxed.nonce, key),
      () => scalar(() => core.secretbox.decrypt(boxed.ciphertext, boxed.nonce, key)),
      () => sodium.crypto_secretbox_open_easy(boxed.ciphertext, boxed.nonce, key), 'secretboxOpen'],
  ];
  const nat = native('small', SMALL_SECONDS * 2);
  for (const [name, ours, sc, js, nk] of small) {
    const r = opsPerSecond({ ours, scalar: sc, js });
    const n = nat?.[nk];
    rows.push([name, fmt(r.ours, 0), fmt(r.scalar, 0), fmt(r.js, 0), NA, n ? fmt(n, 0) : NA, ratio(r.speedup.ours),
      n ? fmt(100 * r.ours / n, 0) + '%' : NA]);
    checks.push([`${name.replace(' (ops/s)', '')} not slower than libsodium.js`, r.speedup.ours, 1.0]);
  }
}

console.log('## Crypto: cipherlens vs libsodium.js, hash-wasm and native libsodium\n');
console.log(table(['operation', 'cipherlens (SIMD128)', 'cipherlens scalar ref', 'libsodium.js 0.8.4', 'hash-wasm 4.13.0',
  'native libsodium 1.0.18', 'cipherlens vs libsodium.js', 'cipherlens / native'], rows));
console.log(`\nsecretstream: ${TOTAL / MiB} MiB in 4 MiB chunks, medians of ${STREAM_RUNS} interleaved runs (whole-buffer ` +
  'calls for cipherlens, one push/pull per chunk for libsodium.js and native; the whole-buffer decrypt also allocates its ' +
  '256 MiB result, whose fresh pages fault in as it is written, about 1.5 ms per 4 MiB here, so the chunk-by-chunk row is ' +
  'the like-for-like one). Argon2id: 32-byte key, medians of ' +
  `${ARGON2.map(([o, m, r]) => `${r} at (${o}, ${m / MiB} MiB)`).join(', ')}; hash-wasm with parallelism 1. ` +
  `Sealed box and secretbox: 32-byte messages, median of 5 rounds of ${SMALL_SECONDS} s. "scalar ref" = the same ` +
  'cipherlens build with libsodium\'s portable code selected (core.primitives.reference). Kernel rows: ' +
  '8 x 4 MiB per timing, 15 interleaved rounds, buffers already inside each wasm memory. Native: gcc -O3 ' +
  'scripts/bench/native_sodium_bench.c -lsodium (Debian libsodium 1.0.18 with its SSE/AVX paths), run right after.');
console.log(`\nSpeed-up = median over rounds of libsodium.js time / cipherlens time in the same round. Machine ` +
  `load average (1 min) ${fmt(loadBefore, 1)} at the start, ${fmt(loadavg()[0], 1)} at the end, on ${availableParallelism()} cores.`);
console.log('\nTargets (ratios from this run):\n');
for (const [what, got, need] of checks) console.log(`- ${what}: ${fmt(got, 2)}x ${got >= need ? 'met' : 'NOT met'}`);
