// Shared by the worker and stream suites: reference (libsodium.js) stream encryption in Ente's
// layout, sources that deliver bytes in uneven pieces, and readers that keep each chunk.
import { sodium, CHUNK } from './helpers.mjs';

const TAG_MESSAGE = () => sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
const TAG_FINAL = () => sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL;
export const CIPHER_CHUNK = CHUNK + 17;

/** libsodium.js secretstream in 4 MiB chunks, the last tagged FINAL: the independent reference. */
export function referenceEncrypt(message, key) {
  const { state, header } = sodium.crypto_secretstream_xchacha20poly1305_init_push(key);
  const chunks = Math.max(1, Math.ceil(message.length / CHUNK));
  const out = new Uint8Array(message.length + chunks * 17);
  for (let i = 0, at = 0; i < chunks; i++) {
    const last = i === chunks - 1;
    const c = sodium.crypto_secretstream_xchacha20poly1305_push(
      state,
      message.subarray(i * CHUNK, (i + 1) * CHUNK),
      null,
      last ? TAG_FINAL() : TAG_MESSAGE(),
    );
    out.set(c, at);
    at += c.length;
  }
  return { ciphertext: out, header };
}

/** libsodium.js decryption of Ente's layout; throws unless every chunk authenticates and the last is FINAL. */
export function referenceDecrypt(ciphertext, header, key) {
  const state = sodium.crypto_secretstream_xchacha20poly1305_init_pull(header, key);
  const parts = [];
  let tag;
  for (let at = 0; at < ciphertext.length || at === 0; at += CIPHER_CHUNK) {
    const r = sodium.crypto_secretstream_xchacha20poly1305_pull(state, ciphertext.subarray(at, at + CIPHER_CHUNK));
    if (!r) throw new Error('reference: chunk failed');
    parts.push(r.message);
    tag = r.tag;
    if (at + CIPHER_CHUNK >= ciphertext.length) break;
  }
  if (tag !== TAG_FINAL()) throw new Error('reference: last tag not FINAL');
  return Buffer.concat(parts);
}

/** A ReadableStream over `bytes` in pieces of the given sizes (cycled), each its own buffer. */
export function piecewise(bytes, sizes = [65536], counter = { pieces: 0, bytes: 0 }) {
  let at = 0;
  let i = 0;
  return new ReadableStream(
    {
      pull(c) {
        if (at >= bytes.length) return c.close();
        const n = Math.min(sizes[i++ % sizes.length], bytes.length - at);
        c.enqueue(bytes.slice(at, at + n));
        at += n;
        counter.pieces++;
        counter.bytes = at;
      },
    },
    { highWaterMark: 0 },
  );
}

/** Reads a stream to the end, keeping each chunk; on error returns the chunks before it and the error. */
export async function readAll(stream) {
  const chunks = [];
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { chunks, bytes: Buffer.concat(chunks) };
      chunks.push(value);
    }
  } catch (error) {
    return { chunks, bytes: Buffer.concat(chunks), error };
  }
}
