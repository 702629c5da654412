// Loads the wasm core inside a Web Worker and runs round trips of each format.
import { loadCore, CoreError } from '../../../js/dist/index.js';

const checks = [];
const check = (name, fn) => checks.push({ name, fn });
const equal = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
const random = (n) => {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i += 65536) crypto.getRandomValues(b.subarray(i, i + 65536));
  return b;
};

let core;
check('load the wasm core', async () => {
  core = await loadCore();
  return `libsodium ${core.sodiumVersion}`;
});
check('secretbox round trip', () => {
  const key = core.generateKey();
  const m = random(1000);
  const { ciphertext, nonce } = core.secretbox.encrypt(m, key);
  if (!equal(core.secretbox.decrypt(ciphertext, nonce, key), m)) throw new Error('mismatch');
  return `${ciphertext.length} bytes`;
});
check('stream round trip, 10 MiB in 4 MiB chunks', () => {
  const key = core.generateKey();
  const m = random(10 * 1024 * 1024);
  const t0 = performance.now();
  const { ciphertext, header } = core.stream.encrypt(m, key);
  if (!equal(core.stream.decrypt(ciphertext, header, key), m)) throw new Error('mismatch');
  return `${(performance.now() - t0).toFixed(0)} ms`;
});
check('tampered stream is rejected', () => {
  const key = core.generateKey();
  const { ciphertext, header } = core.stream.encrypt(random(100), key);
  ciphertext[10] ^= 1;
  try {
    core.stream.decrypt(ciphertext, header, key);
  } catch (e) {
    if (e instanceof CoreError && e.code === 'AUTH_FAILED') return `${e.code}, chunk ${e.chunkIndex}`;
    throw e;
  }
  throw new Error('accepted tampered data');
});
check('sealed box round trip', () => {
  const { publicKey, secretKey } = core.box.keypair();
  const m = core.generateKey();
  if (!equal(core.box.sealOpen(core.box.seal(m, publicKey), publicKey, secretKey), m)) throw new Error('mismatch');
  return 'X25519';
});
check('recovery phrase round trip', () => {
  const key = core.generateKey();
  const words = core.mnemonic.fromKey(key);
  if (!equal(core.mnemonic.toKey(words), key)) throw new Error('mismatch');
  return `${words.split(' ').slice(0, 3).join(' ')} …`;
});
check('Argon2id interactive key (ops 2, 64 MiB)', () => {
  const t0 = performance.now();
  const { key, salt } = core.deriveInteractiveKey('correct horse battery staple');
  if (!equal(core.deriveKey('correct horse battery staple', salt, 2, 64 * 1024 * 1024), key)) throw new Error('mismatch');
  return `${((performance.now() - t0) / 2).toFixed(0)} ms each`;
});

let failed = 0;
for (const [i, { name, fn }] of checks.entries()) {
  try {
    const detail = await fn();
    postMessage({ type: 'check', name, ok: true, detail, done: i + 1, total: checks.length });
  } catch (e) {
    failed++;
    postMessage({ type: 'check', name, ok: false, detail: String(e?.message ?? e), done: i + 1, total: checks.length });
  }
}
postMessage({ type: 'done', failed, total: checks.length });
