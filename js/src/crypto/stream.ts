import type { Heap } from '../runtime/heap.js';
import type { WasmStreamDecryptor, WasmStreamEncryptor } from '../wasm/cipherlens.mjs';
import { CoreError, closedError, requireBytes } from '../runtime/errors.js';
import { CHUNK_BYTES, CIPHER_CHUNK_BYTES, HEADER_BYTES, KEY_BYTES, STREAM_OVERHEAD } from './sizes.js';
import { concat } from '../runtime/bytes.js';
import type { SealedStream } from './blob.js';

/** Encrypts a file in Ente's layout piece by piece (core.stream.createEncryptor). */
export interface StreamEncryptor {
  /** The 24-byte secretstream header, known before any data: store it (Ente's `decryptionHeader`). */
  readonly header: Uint8Array<ArrayBuffer>;
  /** Ciphertext of every chunk completed by these bytes (possibly empty). */
  update(bytes: Uint8Array): Uint8Array<ArrayBuffer>;
  /** The FINAL chunk. Frees the encryptor. */
  final(): Uint8Array<ArrayBuffer>;
  /** Frees it (its state is zeroed) without finishing; idempotent. Later calls: CLOSED. */
  dispose(): void;
}

/** Decrypts a file in Ente's layout piece by piece, releasing each chunk once authenticated (core.stream.createDecryptor). */
export interface StreamDecryptor {
  /** Plaintext of every chunk completed and authenticated by these bytes (possibly empty). */
  update(bytes: Uint8Array): Uint8Array<ArrayBuffer>;
  /** Authenticates the FINAL chunk and returns its plaintext; TRUNCATED if it never came. Frees. */
  final(): Uint8Array<ArrayBuffer>;
  /** Frees it (its state is zeroed) without finishing; idempotent. Later calls: CLOSED. */
  dispose(): void;
}

/** Receives each piece of output while it is still in wasm memory. */
type Sink = (view: Uint8Array) => void;

function collect(run: (sink: Sink) => void): Uint8Array<ArrayBuffer> {
  const parts: Uint8Array<ArrayBuffer>[] = [];
  run((view) => parts.push(view.slice()));
  return parts.length ? concat(parts) : new Uint8Array(0);
}

/** Plaintext bytes that a stream ciphertext of this length can hold. */
function plaintextCapacity(cipherLength: number): number {
  const chunks = Math.max(1, Math.ceil(cipherLength / CIPHER_CHUNK_BYTES));
  const last = cipherLength - (chunks - 1) * CIPHER_CHUNK_BYTES;
  return (chunks - 1) * CHUNK_BYTES + Math.max(0, last - STREAM_OVERHEAD);
}

/** What the wasm encryptor and decryptor share: a final push, output in place, delete(). */
interface WasmCipher {
  finish(): number;
  outputPtr(): number;
  delete(): void;
}

export function makeStream(heap: Heap) {
  const { mod } = heap;
  // Frees the wasm state (8 MiB of chunk buffers) of streams dropped without final()/dispose().
  const registry = new FinalizationRegistry<WasmCipher>((wasm) => wasm.delete());

  /** The life cycle both directions share: feed chunks, finish once, then dispose. */
  abstract class Incremental<W extends WasmCipher> {
    protected wasm: W | null;

    constructor(
      wasm: W,
      private readonly what: string,
    ) {
      this.wasm = wasm;
      registry.register(this, wasm, this);
    }

    protected live(): W {
      if (!this.wasm) throw closedError(`the ${this.what}`);
      return this.wasm;
    }

    /** Passes each completed chunk's output, still in wasm memory, to `sink`. */
    abstract feed(bytes: Uint8Array, sink: Sink): void;

    /** The last chunk's output to `sink`; frees the wasm state whatever happens. */
    finish(sink: Sink): void {
      const wasm = this.live();
      try {
        const len = heap.checkLength(wasm.finish());
        const out = wasm.outputPtr();
        if (len > 0) sink(heap.u8.subarray(out, out + len));
      } finally {
        this.dispose();
      }
    }

    /** A failure frees the state: nothing more can come out of it (later use is CLOSED). */
    update(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
      try {
        return collect((sink) => this.feed(bytes, sink));
      } catch (e) {
        if (this.wasm && e instanceof CoreError && e.code !== 'BAD_INPUT') this.dispose();
        throw e;
      }
    }

    final(): Uint8Array<ArrayBuffer> {
      return collect((sink) => this.finish(sink));
    }

    dispose(): void {
      if (!this.wasm) return;
      registry.unregister(this);
      this.wasm.delete(); // the C++ destructor zeroes state and buffers
      this.wasm = null;
    }
  }

  class Encryptor extends Incremental<WasmStreamEncryptor> implements StreamEncryptor {
    readonly header: Uint8Array<ArrayBuffer>;

    /** A new stream (a random header), or with `resumeHeader` the stream that header began. */
    constructor(key: Uint8Array, resumeHeader?: Uint8Array) {
      requireBytes('key', key, KEY_BYTES);
      if (resumeHeader !== undefined) requireBytes('header', resumeHeader, HEADER_BYTES);
      const wasm = new mod.StreamEncryptor();
      super(wasm, 'encryptor');
      try {
        this.header = heap.scope((a) => {
          if (resumeHeader !== undefined) {
            heap.check(wasm.resume(a.put(key), a.put(resumeHeader)));
            return resumeHeader.slice();
          }
          const header = a.alloc(HEADER_BYTES);
          heap.check(wasm.init(a.put(key), header));
          return heap.read(header, HEADER_BYTES);
        });
      } catch (e) {
        this.dispose();
        throw e;
      }
    }

    feed(bytes: Uint8Array, sink: Sink): void {
      requireBytes('bytes', bytes);
      const wasm = this.live();
      for (let at = 0; at < bytes.length; ) {
        let space = wasm.inputSpace();
        if (space === 0) {
          // More plaintext follows a full chunk: that chunk is a MESSAGE, not the FINAL one.
          const clen = heap.checkLength(wasm.pushMessage());
          const out = wasm.outputPtr();
          sink(heap.u8.subarray(out, out + clen));
          space = wasm.inputSpace();
        }
        const n = Math.min(space, bytes.length - at);
        heap.u8.set(bytes.subarray(at, at + n), wasm.inputPtr());
        heap.check(wasm.commit(n));
        at += n;
      }
    }
  }

  class Decryptor extends Incremental<WasmStreamDecryptor> implements StreamDecryptor {
    constructor(header: Uint8Array, key: Uint8Array) {
      requireBytes('header', header, HEADER_BYTES);
      requireBytes('key', key, KEY_BYTES);
      const wasm = new mod.StreamDecryptor();
      try {
        heap.scope((a) => heap.check(wasm.init(a.put(header), a.put(key))));
      } catch (e) {
        wasm.delete();
        throw e;
      }
      super(wasm, 'decryptor');
    }

    feed(bytes: Uint8Array, sink: Sink): void {
      requireBytes('bytes', bytes);
      const wasm = this.live();
      for (let at = 0; at < bytes.length; ) {
        // After the FINAL chunk there is no space: commit() then reports the trailing data. It
        // gets 1, not the remaining length, which wraps to 0 in wasm at 2^32 (an endless loop).
        const n = Math.min(wasm.inputSpace(), bytes.length - at);
        if (n > 0) heap.u8.set(bytes.subarray(at, at + n), wasm.inputPtr());
        const mlen = heap.checkLength(wasm.commit(n > 0 ? n : 1));
        if (mlen > 0) {
          const out = wasm.outputPtr();
          sink(heap.u8.subarray(out, out + mlen));
        }
        at += n;
      }
    }
  }

  return {
    /**
     * An incremental encryptor with a 32-byte key: feed any slicing to update(), then final().
     * With `header` (one an earlier encryptor made under the same key) it starts that stream
     * over: the same plaintext gives the same ciphertext, so a resumed upload re-encrypts what
     * the server has and sends only the rest. Never pass a header with different plaintext.
     */
    createEncryptor: (key: Uint8Array, header?: Uint8Array): StreamEncryptor => new Encryptor(key, header),
    /** An incremental decryptor for a 24-byte header and a 32-byte key: update() takes any slicing. */
    createDecryptor: (header: Uint8Array, key: Uint8Array): StreamDecryptor => new Decryptor(header, key),

    /** Whole-buffer encryption in Ente's chunked layout (4 MiB chunks, the last tagged FINAL). */
    encrypt(message: Uint8Array, key: Uint8Array): SealedStream {
      requireBytes('message', message);
      const enc = new Encryptor(key);
      const chunks = Math.max(1, Math.ceil(message.length / CHUNK_BYTES));
      const ciphertext = new Uint8Array(message.length + chunks * STREAM_OVERHEAD);
      let at = 0;
      const sink: Sink = (view) => {
        ciphertext.set(view, at);
        at += view.length;
      };
      try {
        enc.feed(message, sink);
        enc.finish(sink);
      } finally {
        enc.dispose();
      }
      return { ciphertext, header: enc.header };
    },

    /**
     * Whole-buffer decryption; nothing is returned unless every chunk authenticated. Errors:
     * AUTH_FAILED with the failing `chunkIndex`, TRUNCATED (no FINAL chunk), BAD_INPUT (data after it).
     */
    decrypt(ciphertext: Uint8Array, header: Uint8Array, key: Uint8Array): Uint8Array<ArrayBuffer> {
      requireBytes('ciphertext', ciphertext);
      const dec = new Decryptor(header, key);
      const plaintext = new Uint8Array(plaintextCapacity(ciphertext.length));
      let at = 0;
      try {
        const sink: Sink = (view) => {
          plaintext.set(view, at);
          at += view.length;
        };
        dec.feed(ciphertext, sink);
        dec.finish(sink);
        return plaintext;
      } catch (e) {
        plaintext.fill(0);
        throw e;
      } finally {
        dec.dispose();
      }
    },
  };
}
