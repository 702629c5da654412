// Soak: 10,000 mixed operations (key derivation at libsodium's minimum limits, secretbox, blob,
// sealed boxes, one-shot and streamed secretstream, file hashes, CLIP query tokenizing, and search
// in a search worker), a share of them hostile (tampered, wrong key, truncated, cancelled), through
// a 2-thread pool. Every result is checked; every thread's wasm heap stays under a fixed bound;
// nothing leaks: no stream session stays open, no key-derivation thread stays alive, and the bytes
// malloc'd in each thread are the same after the second half of the run as after the first.
// SOAK_SEED=n reproduces a run (the seed is printed on failure).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createWorkerPool, createSearchWorker, loadCore, CHUNK_BYTES } from '../../js/dist/index.js';
import { rng } from './seeded-random.mjs';
import { startModelServer } from './clip-helpers.mjs';

const SEED = Number(process.env.SOAK_SEED ?? 12_2026);
const OPS = 10_000;
const WINDOW = 12; // operations in flight at once
const MAX_SESSIONS = 3; // stream sessions open at once (each holds up to two 4 MiB chunk buffers)
const MiB = 1 << 20;
// Per thread: the initial 16 MiB, MAX_SESSIONS sessions of ~8 MiB, and one one-shot job at a time
// (payloads stay under 2 chunks: input and output of up to 9 MiB each), that doubled for the
// allocator's fragmentation. Wasm memory only grows, so the last reading is the peak.
const HEAP_BOUND = 16 * MiB + MAX_SESSIONS * 8 * MiB + 2 * 2 * (2 * CHUNK_BYTES + MiB);

const core = await loadCore(); // the reference for hashes, keys, tokens; and the other side of interop

const WORDS = ['red', 'car', 'beach', 'sunset', 'dog', 'mountain', 'snow', 'birthday', 'cake', 'city', 'night', 'Ünïcödé', '海'];
const QUERIES = Array.from({ length: 40 }, (_, i) => `${WORDS[i % WORDS.length]} ${WORDS[(i * 7) % WORDS.length]} ${i}`);

let pool;
let search;
let server;
before(async () => {
  server = await startModelServer();
  [pool, search] = await Promise.all([
    createWorkerPool(2),
    createSearchWorker({
      textModel: 'test_text.onnx',
      imageModel: 'test_image_rgba.onnx',
      baseUrl: server.modelsUrl,
      cache: false,
    }),
  ]);
});
after(async () => {
  await Promise.all([pool?.terminate(), search?.terminate()]);
  await server?.close();
});

/** One run's random choices and byte contents, all from the seed. */
function source(seed) {
  const r = rng(seed);
  const int = (n) => Math.floor(r() * n);
  const bytes = (n) => {
    const out = new Uint8Array(n);
    const words = new Uint32Array(out.buffer, 0, n >> 2);
    let x = (int(2 ** 32) | 1) >>> 0;
    for (let i = 0; i < words.length; i++) {
      // xorshift32: cheap enough for MiB payloads
      x ^= x << 13;
      x >>>= 0;
      x ^= x >>> 17;
      x ^= x << 5;
      x >>>= 0;
      words[i] = x;
    }
    for (let i = words.length * 4; i < n; i++) out[i] = int(256);
    return out;
  };
  /** Mostly small, sometimes past one 4 MiB chunk (`big` of 100). */
  const size = (small, big = 1) => (int(100) < big ? CHUNK_BYTES + int(CHUNK_BYTES) : int(small));
  return { r, int, bytes, size };
}

/** Splits `bytes` into 1..5 pieces at random places (every slicing must decrypt the same). */
function pieces(s, bytes) {
  const cuts = Array.from({ length: s.int(5) }, () => s.int(bytes.length + 1)).sort((a, b) => a - b);
  const out = [];
  let at = 0;
  for (const c of [...cuts, bytes.length]) {
    out.push(bytes.slice(at, c));
    at = c;
  }
  return out;
}

const eq = (a, b, what) => assert.ok(Buffer.from(a).equals(Buffer.from(b)), what);
const isCode = (code) => (e) => e?.name === 'CoreError' && e.code === code;
const flip = (s, bytes) => {
  const out = bytes.slice();
  out[s.int(out.length)] ^= 1 << s.int(8);
  return out;
};

/** Sessions open now (streams and incremental objects), for the MAX_SESSIONS cap. */
let sessionsOpen = 0;

const ops = {
  async secretbox(s) {
    // Ente's key wrapping: 32 bytes under a master or collection key
    const key = core.generateKey();
    const message = s.bytes(s.int(4) ? 32 : s.int(300));
    const { ciphertext, nonce } = await pool.secretbox.encrypt(message.slice(), key);
    if (s.int(10) === 0) {
      await assert.rejects(pool.secretbox.decrypt(flip(s, ciphertext), nonce, key), isCode('AUTH_FAILED'));
    }
    eq(await pool.secretbox.decrypt(ciphertext, nonce, key), message, 'secretbox round trip');
  },

  async blob(s) {
    // metadata and thumbnails
    const key = core.generateKey();
    const message = s.bytes(s.size(64 * 1024, 0));
    const { ciphertext, header } = await pool.blob.encrypt(message.slice(), key);
    if (s.int(10) === 0) {
      await assert.rejects(pool.blob.decrypt(flip(s, ciphertext), header, key), isCode('AUTH_FAILED'));
    }
    if (s.int(5) === 0) eq(core.blob.decrypt(ciphertext, header, key), message, 'blob opens on the main thread');
    else eq(await pool.blob.decrypt(ciphertext, header, key), message, 'blob round trip');
  },

  async seal(s) {
    // collection keys shared to a public key
    const { publicKey, secretKey } = core.box.keypair();
    const message = s.bytes(s.int(4) ? 32 : s.int(2000));
    const sealed = await pool.box.seal(message.slice(), publicKey);
    if (s.int(8) === 0) {
      const other = core.box.keypair();
      await assert.rejects(pool.box.sealOpen(sealed.slice(), other.publicKey, other.secretKey), isCode('AUTH_FAILED'));
    }
    eq(await pool.box.sealOpen(sealed, publicKey, secretKey), message, 'sealed box round trip');
  },

  async hash(s) {
    const bytes = s.bytes(s.size(256 * 1024, 1));
    eq(await pool.hash.file(bytes.slice()), core.hash.file(bytes), 'file hash = main thread');
  },

  async stream(s) {
    // one-shot secretstream (thumbnails, small files)
    const key = core.generateKey();
    const message = s.bytes(s.size(300 * 1024, 2));
    const { ciphertext, header } = await pool.stream.encrypt(message.slice(), key);
    if (s.int(10) === 0) {
      const cut = ciphertext.slice(0, s.int(ciphertext.length));
      await assert.rejects(pool.stream.decrypt(cut, header, key), (e) => isCode('TRUNCATED')(e) || isCode('AUTH_FAILED')(e));
    }
    eq(await pool.stream.decrypt(ciphertext, header, key), message, 'stream round trip');
  },

  async session(s) {
    // incremental objects: update in pieces, final, or dropped half-way
    const key = core.generateKey();
    const message = s.bytes(s.size(600 * 1024, 4));
    const enc = await pool.stream.createEncryptor(key);
    const parts = [];
    for (const p of pieces(s, message)) parts.push(await enc.update(p));
    parts.push(await enc.final());
    const ciphertext = Buffer.concat(parts);
    if (s.int(4) === 0)
      eq(core.stream.decrypt(ciphertext, enc.header, key), message, 'encryptor output opens on the main thread');
    const dec = await pool.stream.createDecryptor(enc.header, key);
    if (s.int(6) === 0) {
      // the reader gives up: dispose frees the session
      await dec.update(ciphertext.slice(0, s.int(ciphertext.length)));
      await dec.dispose();
      return;
    }
    const out = [];
    for (const p of pieces(s, ciphertext)) out.push(await dec.update(p));
    out.push(await dec.final());
    eq(Buffer.concat(out), message, 'session round trip');
  },

  async decryptStream(s) {
    // a download: pieces of any size, sometimes truncated or cancelled
    const key = core.generateKey();
    const message = s.bytes(s.size(500 * 1024, 6));
    const { ciphertext, header } = core.stream.encrypt(message, key);
    const fate = s.int(8);
    if (fate === 0) {
      const chunks = Math.ceil(ciphertext.length / (CHUNK_BYTES + 17));
      const cut = ciphertext.slice(0, (chunks - 1) * (CHUNK_BYTES + 17)); // the FINAL chunk never comes
      const read = async () => {
        for await (const _ of pool.decryptStream(pieces(s, cut), header, key));
      };
      await assert.rejects(read(), isCode('TRUNCATED'));
      return;
    }
    const stream = pool.decryptStream(pieces(s, ciphertext), header, key);
    if (fate === 1) {
      // cancelled after the first chunk (or at once)
      const reader = stream.getReader();
      await reader.read();
      await reader.cancel();
      return;
    }
    const out = [];
    for await (const chunk of stream) out.push(chunk);
    eq(Buffer.concat(out), message, 'decryptStream = plaintext');
  },

  async encryptStream(s) {
    const key = core.generateKey();
    const message = s.bytes(s.size(500 * 1024, 6));
    const { header, stream } = await pool.encryptStream(pieces(s, message), key);
    const out = [];
    for await (const chunk of stream) out.push(chunk);
    eq(core.stream.decrypt(Buffer.concat(out), header, key), message, 'encryptStream opens on the main thread');
  },

  async derive(s) {
    // Argon2id at libsodium's minimum (1 pass, 8 KiB): a throw-away thread each
    const password = QUERIES[s.int(QUERIES.length)];
    const salt = s.bytes(16);
    eq(await pool.deriveKey(password, salt, 1, 8192), core.deriveKey(password, salt, 1, 8192), 'derived key = main thread');
  },

  async tokenize(s) {
    const q = QUERIES[s.int(QUERIES.length)];
    eq(
      new Uint8Array((await pool.clip.tokenizeQuery(q)).buffer),
      new Uint8Array(core.clip.tokenizeQuery(q).buffer),
      'tokens = main thread',
    );
  },

  async search(s, state) {
    // one at a time: a load replaces the index, racing adds would be lost
    const turn = state.searchTurn;
    let done;
    state.searchTurn = new Promise((r) => {
      done = r;
    });
    await turn;
    try {
      await searchOp(s, state);
    } finally {
      done();
    }
  },
};

/** The search worker: add, query, and now and then save + load. */
async function searchOp(s, state) {
  {
    const k = s.int(10);
    if (k < 5) {
      const v = Float32Array.from({ length: 512 }, () => s.r() - 0.5);
      const id = 1 + s.int(2 ** 40);
      await search.add(id, v);
      state.ids.add(id);
    } else if (k < 9) {
      const hits = await search.query(QUERIES[s.int(QUERIES.length)], { minScore: -1, limit: 5 });
      assert.ok(hits.length <= 5 && hits.every((h) => state.ids.has(h.fileId)), 'hits are indexed files');
      assert.ok(
        hits.every((h, i) => i === 0 || hits[i - 1].score >= h.score),
        'best first',
      );
    } else {
      const key = core.generateKey();
      const saved = await search.save(key);
      await assert.rejects(search.load(flip(s, saved), key), (e) => e?.name === 'CoreError');
      await search.load(saved, key);
    }
    assert.equal(await search.size(), state.ids.size);
  }
}

// Weights out of 1000: mostly the small calls a gallery makes all the time.
const MIX = [
  ['secretbox', 200],
  ['blob', 190],
  ['seal', 130],
  ['hash', 120],
  ['stream', 80],
  ['tokenize', 100],
  ['session', 40],
  ['decryptStream', 40],
  ['encryptStream', 20],
  ['search', 75],
  ['derive', 5],
];
const SESSION_OPS = new Set(['session', 'decryptStream', 'encryptStream']);

function pick(s) {
  let x = s.int(1000);
  for (const [name, w] of MIX) if ((x -= w) < 0) return name;
  throw new Error('weights do not add up to 1000');
}

/** Runs `count` operations, at most WINDOW at a time; returns how many of each kind ran. */
async function runOps(s, count, state) {
  const plan = Array.from({ length: count }, () => ({ name: pick(s), seed: s.int(2 ** 31) }));
  const ran = {};
  let next = 0;
  const waiters = [];
  const worker = async () => {
    while (next < plan.length) {
      const { name, seed } = plan[next++];
      ran[name] = (ran[name] ?? 0) + 1;
      const sessions = SESSION_OPS.has(name);
      if (sessions) {
        while (sessionsOpen >= MAX_SESSIONS) await new Promise((r) => waiters.push(r));
        sessionsOpen++;
      }
      try {
        await ops[name](source(seed), state);
      } catch (e) {
        e.message = `${name} (op seed ${seed}): ${e.message}`;
        throw e;
      } finally {
        if (sessions) {
          sessionsOpen--;
          waiters.shift()?.();
        }
      }
    }
  };
  await Promise.all(Array.from({ length: WINDOW }, worker));
  return ran;
}

test(`soak: ${OPS} mixed operations through a 2-thread pool, heap bounded, nothing leaked`, async (t) => {
  const s = source(SEED);
  const state = { ids: new Set(), searchTurn: Promise.resolve() };
  const peak = [0, 0];
  const check = async (when) => {
    const threads = await pool.threadStats();
    assert.equal(threads.length, 2);
    threads.forEach((th, i) => {
      peak[i] = Math.max(peak[i], th.heapSize);
      assert.ok(th.heapSize <= HEAP_BOUND, `${when}: thread ${i} heap ${th.heapSize} > bound ${HEAP_BOUND}`);
    });
    assert.deepEqual(
      threads.map((th) => th.sessions),
      [0, 0],
      `${when}: no stream session left open`,
    );
    assert.equal(pool.stats().kdfWorkers, 0, `${when}: no key-derivation thread left`);
    return threads.map((th) => th.heapInUse);
  };
  try {
    const t0 = performance.now();
    const ran = {};
    const quarters = [];
    for (let q = 0; q < 4; q++) {
      for (const [k, v] of Object.entries(await runOps(s, OPS / 4, state))) ran[k] = (ran[k] ?? 0) + v;
      quarters.push(await check(`after ${((q + 1) * OPS) / 4} operations`));
    }
    // By the half-way point each thread has run every kind of call many times (its one-time
    // tables exist); a leak of even one allocation per call would grow the count from here on.
    assert.deepEqual(
      quarters[3],
      quarters[1],
      `bytes malloc'd per thread at 1/2, 3/4, end: ${JSON.stringify(quarters.slice(1))}`,
    );
    assert.equal(
      Object.values(ran).reduce((a, b) => a + b, 0),
      OPS,
    );
    assert.ok(
      pool.stats().completed.every((n) => n > 1000),
      `jobs per thread ${pool.stats().completed}`,
    );
    t.diagnostic(`seed ${SEED}: ${JSON.stringify(ran)}`);
    t.diagnostic(
      `heap peak per thread ${peak.map((b) => (b / MiB).toFixed(0))} MiB (bound ${HEAP_BOUND / MiB} MiB); ` +
        `in use ${JSON.stringify(quarters)}; ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
  } catch (e) {
    e.message = `[SOAK_SEED=${SEED}] ${e.message}`;
    throw e;
  }
});
