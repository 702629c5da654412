// File contents in Ente's stream layout through the client's crypto, chunk by chunk: encrypting
// a source as it is read, and decrypting a download as it arrives (only authenticated chunks
// come out). Works on the core in this thread and on a worker pool alike.
import { CHUNK_BYTES } from 'cipherlens';
import type { ClientCrypto } from '../crypto.js';

export type Source = ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

/** The chunks of `source`; a ReadableStream is cancelled if the reader stops early. */
export async function* chunksOf(source: Source): AsyncGenerator<Uint8Array> {
  if (typeof (source as ReadableStream).getReader !== 'function') {
    yield* source as AsyncIterable<Uint8Array>;
    return;
  }
  const reader = (source as ReadableStream<Uint8Array>).getReader();
  let done = false;
  try {
    for (;;) {
      const next = await reader.read();
      if (next.done) {
        done = true;
        return;
      }
      yield next.value;
    }
  } finally {
    if (!done) await reader.cancel().catch(() => {});
  }
}

/** `source` regrouped into pieces of exactly `size` bytes (the last one shorter), as copies. */
async function* regroup(source: Source, size: number): AsyncGenerator<Uint8Array> {
  let buffer = new Uint8Array(size);
  let fill = 0;
  for await (const chunk of chunksOf(source)) {
    for (let at = 0; at < chunk.length; ) {
      const take = Math.min(size - fill, chunk.length - at);
      buffer.set(chunk.subarray(at, at + take), fill);
      fill += take;
      at += take;
      if (fill === size) {
        yield buffer;
        buffer = new Uint8Array(size);
        fill = 0;
      }
    }
  }
  if (fill) yield buffer.subarray(0, fill);
}

/**
 * Encrypts `source` with `key`: the header at once, the ciphertext as it is read. With `header`
 * (of an earlier stream under this key) the same stream starts over: for the same plaintext, the
 * same ciphertext (a resumed upload).
 */
export async function encryptStream(crypto: ClientCrypto, source: Source, key: Uint8Array, header?: Uint8Array) {
  const encryptor = await crypto.stream.createEncryptor(key, header);
  async function* ciphertext(): AsyncGenerator<Uint8Array> {
    let finished = false;
    try {
      // Whole 4 MiB chunks cross to the worker (transferred: each piece is a fresh copy).
      for await (const piece of regroup(source, CHUNK_BYTES)) {
        const out = await encryptor.update(piece);
        if (out.length) yield out;
      }
      finished = true;
      yield await encryptor.final();
    } finally {
      if (!finished) await Promise.resolve(encryptor.dispose()).catch(() => {});
    }
  }
  return { header: encryptor.header, ciphertext: ciphertext() };
}

/** Decrypts a download of Ente's stream layout: each chunk's plaintext once it authenticates. */
export async function* decryptStream(
  crypto: ClientCrypto,
  source: Source,
  header: Uint8Array,
  key: Uint8Array,
): AsyncGenerator<Uint8Array> {
  const decryptor = await crypto.stream.createDecryptor(header, key);
  let finished = false;
  try {
    for await (const chunk of chunksOf(source)) {
      const out = await decryptor.update(chunk.slice()); // transferred to a worker
      if (out.length) yield out;
    }
    finished = true;
    const last = await decryptor.final();
    if (last.length) yield last;
  } finally {
    if (!finished) await Promise.resolve(decryptor.dispose()).catch(() => {});
  }
}
