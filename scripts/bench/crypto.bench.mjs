// Crypto throughput: cipherlens wasm against libsodium.js (libsodium-wrappers-sumo), same run.
import { loadCore } from '../../js/dist/index.js';
import sodium from 'libsodium-wrappers-sumo';
import { time, table, fmt } from './harness.mjs';

await sodium.ready;
const core = await loadCore();
const MiB = 1024 * 1024;
const CHUNK = 4 * MiB;
const TOTAL = 64 * MiB;
const data = new Uint8Array(TOTAL).map((_, i) => i * 7);
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
  for (const p of parts) sodium.crypto_secretstream_xchacha20poly1305_pull(state, p);
}

const ours = core.stream.encrypt(data, key);
const theirs = sodiumStreamEncrypt(data);
const rows = [];
const mibps = (s) => TOTAL / MiB / s;
const add = (name, oursS, theirsS) =>
  rows.push([name, fmt(mibps(oursS)), fmt(mibps(theirsS)), fmt(theirsS / oursS, 2) + 'x']);
add('secretstream encrypt (MiB/s)', await time(() => core.stream.encrypt(data, key)), await time(() => sodiumStreamEncrypt(data)));
add('secretstream decrypt (MiB/s)', await time(() => core.stream.decrypt(ours.ciphertext, ours.header, key)), await time(() => sodiumStreamDecrypt(theirs)));

const salt = new Uint8Array(16);
const a1 = await time(() => core.deriveKey('password', salt, 3, 256 * MiB), 3);
const a2 = await time(() => sodium.crypto_pwhash(32, 'password', salt, 3, 256 * MiB, sodium.crypto_pwhash_ALG_ARGON2ID13), 3);
rows.push(['Argon2id ops 3, 256 MiB (s)', fmt(a1, 2), fmt(a2, 2), fmt(a2 / a1, 2) + 'x']);

console.log('## Crypto: cipherlens vs libsodium.js\n');
console.log(table(['operation', 'cipherlens', 'libsodium.js 0.8.4', 'speed-up'], rows));
console.log(`\n${TOTAL / MiB} MiB in 4 MiB chunks; Argon2 medians of 3.`);
