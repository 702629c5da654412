// CLIP's two encoders on ONNX Runtime (onnx-session.ts does the sessions): which inputs Ente's
// MobileCLIP models take, and their outputs as normalised embeddings.
import type * as Ort from 'onnxruntime-web';
import { ModelError } from './model-error.js';
import { badInput } from '../runtime/errors.js';
import {
  describeTensor,
  inputMeta,
  isFixed,
  openSession,
  type ModelSource,
  type SerialSession,
  type SessionOptions,
} from './onnx-session.js';
import { CLIP_CONTEXT_LENGTH, CLIP_DIMS, CLIP_IMAGE_SIDE } from './clip-spec.js';

/** Ente's MobileCLIP-S2 files (served at `https://models.ente.com/<name>`). Sizes as Ente lists them. */
export const ENTE_CLIP_MODELS: {
  /** Image encoder, uint8 RGBA [H,W,4] in, preprocessing inside the graph (Ente desktop). */
  readonly imageRgba: EnteModel;
  /** Image encoder, float32 [1,3,256,256] in (Ente mobile); size not pinned here. */
  readonly imageFloat: EnteModel;
  /** Text encoder, int32 [1,77] CLIP BPE ids in. */
  readonly text: EnteModel;
} = {
  imageRgba: { name: 'mobileclip_s2_image_opset18_rgba_opt.onnx', size: 143_099_752 },
  imageFloat: { name: 'mobileclip_s2_image.onnx' },
  text: { name: 'mobileclip_s2_text_opset18_quant.onnx', size: 67_144_712 },
};

/** One of Ente's model files: what loadModelBytes needs to find and check it. */
export interface EnteModel {
  /** Its file name at `https://models.ente.com/`. */
  readonly name: string;
  /** Its length in bytes as Ente lists it, when pinned. */
  readonly size?: number;
}

/** How an image model wants its pixels. */
export type ImageSignature = 'float-chw' | 'rgba';

export type { ModelSource };
/** Where a model comes from (baseUrl, cache, fetch...) and how ONNX Runtime runs it (numThreads...). */
export interface EncoderOptions extends SessionOptions {}

/** Reads which pixel layout an image model takes from its input metadata. */
export function detectImageSignature(session: Ort.InferenceSession, label = 'image model'): ImageSignature {
  const m = inputMeta(session, label);
  const s = m.shape ?? [];
  if (
    m.type === 'float32' &&
    s.length === 4 &&
    isFixed(s[0], 1) &&
    s[1] === 3 &&
    s[2] === CLIP_IMAGE_SIDE &&
    s[3] === CLIP_IMAGE_SIDE
  )
    return 'float-chw';
  if (m.type === 'uint8' && s.length === 3 && s[2] === 4) return 'rgba';
  throw new ModelError(
    'UNSUPPORTED_MODEL',
    label,
    `input ${describeTensor(m)} is neither float32 [1,3,256,256] nor uint8 RGBA [H,W,4]`,
  );
}

function checkTextSignature(session: Ort.InferenceSession, label: string): void {
  const m = inputMeta(session, label);
  const s = m.shape ?? [];
  if (m.type !== 'int32' || s.length !== 2 || !isFixed(s[0], 1) || !isFixed(s[1], CLIP_CONTEXT_LENGTH)) {
    throw new ModelError('UNSUPPORTED_MODEL', label, `input ${describeTensor(m)} is not int32 [1,77]`);
  }
}

/** L2-normalises in place (a zero vector stays zero) and returns it. */
export function l2Normalize(v: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i] * v[i];
  if (sum > 0) {
    const inv = 1 / Math.sqrt(sum);
    for (let i = 0; i < v.length; i++) v[i] *= inv;
  }
  return v;
}

/** Runs a CLIP encoder: its output must be one embedding, returned normalised. */
function embed(runner: SerialSession, input: Ort.Tensor): Promise<Float32Array> {
  return runner.run(input, (t) => {
    if (t.type !== 'float32' || t.size !== CLIP_DIMS) {
      throw new ModelError(
        'UNSUPPORTED_MODEL',
        runner.label,
        `output ${runner.outputName} is ${t.type} [${t.dims.join(',')}], expected ${CLIP_DIMS} float32 values`,
      );
    }
    // Copy: the tensor's buffer belongs to ORT.
    return l2Normalize(new Float32Array(t.data as Float32Array));
  });
}

/** The image half of CLIP: RGBA pixels (or a preprocessed tensor) to a normalised 512-d embedding. */
export interface ClipImageEncoder {
  /** The pixel layout the model takes: a preprocessed float tensor, or RGBA bytes. */
  readonly signature: ImageSignature;
  /** For 'float-chw' models: a Float32Array(3*256*256) from `core.clip.preprocess`. */
  embedTensor(chw: Float32Array): Promise<Float32Array>;
  /** For 'rgba' models: the image's RGBA bytes, width*height*4. */
  embedRgba(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number): Promise<Float32Array>;
  /** Frees the ONNX Runtime session. */
  release(): Promise<void>;
}

/** The text half of CLIP: 77 token ids to a normalised 512-d embedding. */
export interface ClipTextEncoder {
  /** 77 CLIP BPE ids (`core.clip.tokenize`). */
  embedTokens(ids: Int32Array): Promise<Float32Array>;
  /** Frees the ONNX Runtime session. */
  release(): Promise<void>;
}

export function checkRgba(rgba: unknown, width: number, height: number): void {
  if (!(rgba instanceof Uint8Array || rgba instanceof Uint8ClampedArray))
    throw badInput('rgba must be a Uint8Array or Uint8ClampedArray');
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw badInput(`image size must be positive integers, got ${width}x${height}`);
  }
  if (rgba.length !== width * height * 4) {
    throw badInput(`rgba must be width*height*4 = ${width * height * 4} bytes, got ${rgba.length}`);
  }
}

/** Loads (fetch/cache/verify) an image model and detects which pixel layout it takes. */
export async function createImageEncoder(source: ModelSource, options: EncoderOptions = {}): Promise<ClipImageEncoder> {
  const runner = await openSession(source, options);
  const { ort, label } = runner;
  let signature: ImageSignature;
  try {
    signature = detectImageSignature(runner.session, label);
  } catch (e) {
    await runner.release();
    throw e;
  }
  const side = CLIP_IMAGE_SIDE;
  return {
    signature,
    embedTensor(chw) {
      if (signature !== 'float-chw') throw badInput(`${label} takes RGBA pixels, not a float tensor`);
      if (!(chw instanceof Float32Array) || chw.length !== 3 * side * side)
        throw badInput(`tensor must be a Float32Array(${3 * side * side})`);
      return embed(runner, new ort.Tensor('float32', chw, [1, 3, side, side]));
    },
    embedRgba(rgba, width, height) {
      if (signature !== 'rgba') throw badInput(`${label} takes a preprocessed float tensor, not RGBA pixels`);
      checkRgba(rgba, width, height);
      const bytes = rgba instanceof Uint8Array ? rgba : new Uint8Array(rgba.buffer, rgba.byteOffset, rgba.length);
      return embed(runner, new ort.Tensor('uint8', bytes, [height, width, 4]));
    },
    release: () => runner.release(),
  };
}

/** Loads (fetch/cache/verify) a text model, checking it takes int32 [1,77]. */
export async function createTextEncoder(source: ModelSource, options: EncoderOptions = {}): Promise<ClipTextEncoder> {
  const runner = await openSession(source, options);
  const { ort, label } = runner;
  try {
    checkTextSignature(runner.session, label);
  } catch (e) {
    await runner.release();
    throw e;
  }
  return {
    embedTokens(ids) {
      if (!(ids instanceof Int32Array) || ids.length !== CLIP_CONTEXT_LENGTH)
        throw badInput(`token ids must be an Int32Array(${CLIP_CONTEXT_LENGTH})`);
      return embed(runner, new ort.Tensor('int32', ids, [1, CLIP_CONTEXT_LENGTH]));
    },
    release: () => runner.release(),
  };
}
