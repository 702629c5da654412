import type { CryptoModule } from '../wasm/cipherlens.mjs';
import { CoreError, checkStatusCodes, codeOf } from './errors.js';

/** Bytes of the block kept for small one-shot calls (wrapped keys, sealed keys). */
const SMALL_BYTES = 4096;

/**
 * The largest block one call may take from the wasm heap. Lengths cross into wasm as 32-bit
 * values and the core reports them as int, so anything larger would wrap (2^32 became 0 inside
 * malloc). Above it: OUT_OF_MEMORY before anything is allocated.
 */
export const MAX_BLOCK_BYTES = 2 ** 31 - 1;

/** Checks that `len` bytes can be asked of the heap at all (not that they are free). */
export function requireBlockLength(len: number): number {
  if (!Number.isSafeInteger(len) || len < 0)
    throw new CoreError('BAD_INPUT', `a length must be a non-negative integer, got ${len}`);
  if (len > MAX_BLOCK_BYTES) {
    throw new CoreError('OUT_OF_MEMORY', `${len} bytes exceed the ${MAX_BLOCK_BYTES}-byte limit of one wasm memory block`);
  }
  return len;
}

/**
 * Scoped access to the wasm heap. Every block allocated inside `scope` is zeroed and freed
 * when the scope ends, whether it returns or throws, so keys and plaintext never linger.
 */
export class Heap<M extends CryptoModule = CryptoModule> {
  private smallPtr = 0;
  private smallBusy = false;

  constructor(readonly mod: M) {
    checkStatusCodes(mod);
  }

  /** The current heap view (it is replaced whenever memory grows). */
  get u8(): Uint8Array {
    return this.mod.HEAPU8;
  }

  scope<T>(fn: (a: Allocator) => T): T {
    const a = new Allocator(this);
    try {
      return fn(a);
    } finally {
      a.release();
    }
  }

  /**
   * Runs `fn` with `len` bytes of wasm memory for a small one-shot call, from a block kept for
   * the purpose: no malloc/free per call, which dominated 32-byte secretbox calls. The bytes are
   * zeroed afterwards, whether `fn` returns or throws; larger or nested requests get a scope block.
   */
  small<T>(len: number, fn: (ptr: number) => T): T {
    if (len > SMALL_BYTES || this.smallBusy) return this.scope((a) => fn(a.alloc(len)));
    if (this.smallPtr === 0) {
      this.smallPtr = this.mod._malloc(SMALL_BYTES) >>> 0;
      if (this.smallPtr === 0) throw new CoreError('OUT_OF_MEMORY', `could not allocate ${SMALL_BYTES} bytes in wasm memory`);
    }
    const ptr = this.smallPtr;
    this.smallBusy = true;
    try {
      return fn(ptr);
    } finally {
      this.mod.HEAPU8.fill(0, ptr, ptr + len);
      this.smallBusy = false;
    }
  }

  /** Throws the CoreError for a non-zero status, with the core's message. */
  check(status: number): void {
    if (status !== 0) throw this.error(status);
  }

  /** For results encoded as length-or-(-status). */
  checkLength(result: number): number {
    if (result < 0) throw this.error(-result);
    return result;
  }

  error(status: number): CoreError {
    return new CoreError(codeOf(status), this.mod.lastErrorMessage(), this.mod.lastErrorChunk());
  }

  /** Copies `len` bytes out of the heap. */
  read(ptr: number, len: number): Uint8Array<ArrayBuffer> {
    return this.u8.slice(ptr, ptr + len);
  }
}

export class Allocator {
  private blocks: Array<[number, number]> = [];

  constructor(private heap: Heap) {}

  /** `len` bytes of heap (at least 1, so every block has a distinct address). */
  alloc(len: number): number {
    requireBlockLength(len);
    const ptr = this.heap.mod._malloc(Math.max(len, 1)) >>> 0;
    if (ptr === 0) throw new CoreError('OUT_OF_MEMORY', `could not allocate ${len} bytes in wasm memory`);
    this.blocks.push([ptr, len]);
    return ptr;
  }

  /** Copies `bytes` into a fresh block. */
  put(bytes: Uint8Array): number {
    const ptr = this.alloc(bytes.length);
    this.heap.u8.set(bytes, ptr);
    return ptr;
  }

  release(): void {
    const { mod } = this.heap;
    for (const [ptr, len] of this.blocks) {
      mod.HEAPU8.fill(0, ptr, ptr + len);
      mod._free(ptr);
    }
    this.blocks = [];
  }
}
