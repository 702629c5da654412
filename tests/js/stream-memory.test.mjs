// Bounded memory: a 2 GiB stream generated and encrypted on the fly (never held anywhere as a
// whole, never on disk) is decrypted by the worker's decryptStream. The worker's wasm heap does
// not grow and process RSS (main thread + worker) stays within 64 MiB of where it started.
//
// The test collects its own garbage (the dead 4 MiB plaintext chunks it has hashed) at each
// other chunk: V8 frees dead ArrayBuffers lazily, up to a 64 MB external-memory soft limit per
// isolate, so without that the peak also holds up to ~64 MB of consumer garbage (measured
// +55..67 MiB on a busy 2-core machine). What is measured is what the stream itself keeps.
import v8 from 'node:v8';
import vm from 'node:vm';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createCoreWorker, loadCore, CHUNK_BYTES as CHUNK } from '../../js/dist/index.js';
import { randomBytes } from './test-random.mjs';

const core = await loadCore(); // not helpers.mjs: libsodium.js's big JS heap would slow every gc()

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');

const MiB = 1 << 20;
const TOTAL = 2048 * MiB;

/** Ciphertext of `total` deterministic bytes, encrypted on the main thread as it is pulled. */
function encryptedSource(total, key, hashIn) {
  const enc = core.stream.createEncryptor(key);
  const piece = new Uint8Array(MiB + 4321); // reused: the encryptor copies it into wasm memory
  async function* generate() {
    let n = 0;
    for (let left = total; left > 0; ) {
      const m = piece.subarray(0, Math.min(piece.length, left));
      const view = new DataView(m.buffer, m.byteOffset, m.length);
      for (let i = 0; i + 4 <= m.length; i += 512) view.setUint32(i, n++);
      hashIn.update(m);
      left -= m.length;
      const c = enc.update(m);
      if (c.length) yield c;
    }
    yield enc.final();
  }
  return { header: enc.header, source: generate() };
}

async function decryptAll(w, key, total, onChunk = () => {}) {
  const hashIn = createHash('sha256');
  const hashOut = createHash('sha256');
  const { header, source } = encryptedSource(total, key, hashIn);
  let bytes = 0;
  let chunks = 0;
  for await (const chunk of w.decryptStream(source, header, key)) {
    hashOut.update(chunk);
    bytes += chunk.length;
    chunks++;
    onChunk();
  }
  return { bytes, chunks, same: hashIn.digest('hex') === hashOut.digest('hex') };
}

test('decrypting a 2 GiB generated stream: wasm heap flat, RSS growth under 64 MiB', async () => {
  const w = await createCoreWorker();
  try {
    const key = randomBytes(32);
    // Warm up once (JIT, first touch of the chunk buffers), then measure the long run.
    assert.equal((await decryptAll(w, key, 9 * MiB)).same, true);
    gc();
    const heapBefore = await w.memory.heapSize();
    const inUseBefore = await w.memory.heapInUse();
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const sample = () => {
      peak = Math.max(peak, process.memoryUsage().rss);
    };
    const timer = setInterval(sample, 25);
    let n = 0;
    const afterChunk = () => {
      sample(); // before collecting: includes the chunks just consumed
      if (++n % 2 === 0) gc();
    };
    const result = await decryptAll(w, key, TOTAL, afterChunk).finally(() => clearInterval(timer));
    assert.equal(result.bytes, TOTAL);
    assert.equal(result.chunks, TOTAL / CHUNK, 'one output per 4 MiB chunk');
    assert.ok(result.same, 'plaintext out = plaintext in (SHA-256)');
    const growth = (peak - rssBefore) / MiB;
    console.log(`# 2 GiB stream: peak RSS growth ${growth.toFixed(1)} MiB, worker wasm heap ${heapBefore / MiB} MiB`);
    assert.ok(growth < 64, `RSS grew by ${growth.toFixed(1)} MiB`);
    assert.equal(await w.memory.heapSize(), heapBefore, 'wasm memory did not grow');
    assert.ok(heapBefore <= 32 * MiB, `worker heap ${heapBefore / MiB} MiB`);
    assert.equal(await w.memory.heapInUse(), inUseBefore, 'stream state freed');
    assert.equal(await w.openSessions(), 0);
  } finally {
    await w.terminate();
  }
});

// Encryption takes the source's pieces by transfer, so the worker ends up with their garbage,
// which this thread cannot collect: V8 frees it lazily, up to its 64 MB external-memory soft
// limit per isolate (measured +50..53 MiB in all). The bound is a quarter of the stream: what a
// pipeline that held the stream, or queued its output without back-pressure, would exceed.
test('encrypting a 512 MiB generated stream: wasm heap flat, RSS growth under 128 MiB, state freed, output decrypts', async () => {
  const w = await createCoreWorker();
  try {
    const key = randomBytes(32);
    const total = 512 * MiB;
    async function* pieces(n, hash) {
      for (let left = n, i = 0; left > 0; i++) {
        const m = new Uint8Array(Math.min(MiB + 999, left)).fill(i & 255); // fresh: it is transferred
        hash.update(m);
        left -= m.length;
        yield m;
      }
    }
    const run = async (n, afterChunk = () => {}) => {
      const hashIn = createHash('sha256');
      const hashOut = createHash('sha256');
      const { header, stream } = await w.encryptStream(pieces(n, hashIn), key);
      const dec = core.stream.createDecryptor(header, key); // the main thread checks every chunk
      let chunks = 0;
      for await (const c of stream) {
        hashOut.update(dec.update(c));
        chunks++;
        afterChunk();
      }
      hashOut.update(dec.final());
      return { chunks, same: hashIn.digest('hex') === hashOut.digest('hex') };
    };
    assert.equal((await run(9 * MiB)).same, true);
    gc();
    const heapBefore = await w.memory.heapSize();
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    let n = 0;
    const r = await run(total, () => {
      peak = Math.max(peak, process.memoryUsage().rss);
      if (++n % 2 === 0) gc();
    });
    assert.ok(r.same, 'decrypts to the generated plaintext');
    assert.equal(r.chunks, total / CHUNK);
    const growth = (peak - rssBefore) / MiB;
    console.log(`# 512 MiB encryptStream: peak RSS growth ${growth.toFixed(1)} MiB (worker garbage included)`);
    assert.ok(growth < 128, `RSS grew by ${growth.toFixed(1)} MiB`);
    assert.equal(await w.memory.heapSize(), heapBefore);
    assert.equal(await w.openSessions(), 0);
  } finally {
    await w.terminate();
  }
});
