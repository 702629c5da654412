import type * as Ort from 'onnxruntime-web';
import { loadOrt, type OrtOptions } from './ort-runtime.js';
import { loadModelBytes, type ModelFetchOptions, type ModelFile } from './model-store.js';
import { ModelError } from './model-error.js';
import { badInput } from '../runtime/errors.js';

/** Ente's MobileCLIP-S2 files (served at `https://models.ente.com/<name>`). Sizes as Ente lists them. */
export const ENTE_CLIP_MODELS = {
  /** Image encoder, uint8 RGBA [H,W,4] in, preprocessing inside the graph (Ente desktop). */
  imageRgba: { name: 'mobileclip_s2_image_opset18_rgba_opt.onnx', size: 143_099_752 },
  /** Image encoder, float32 [1,3,256,256] in (Ente mobile); size not pinned here. */
  imageFloat: { name: 'mobileclip_s2_image.onnx' },
  /** Text encoder, int32 [1,77] CLIP BPE ids in. */
  text: { name: 'mobileclip_s2_text_opset18_quant.onnx', size: 67_144_712 },
} as const satisfies Record<string, ModelFile>;

export const CLIP_DIMS = 512;
export const CLIP_IMAGE_SIDE = 256;
export const CLIP_CONTEXT = 77;

/** How an image model wants its pixels. */
export type ImageSignature = 'float-chw' | 'rgba';

/** A model given as a file name (resolved against the base URL), a URL or path (relative to the
 *  page, or in Node to the working directory), bytes, or a ModelFile. */
export type ModelSource = string | URL | Uint8Array | ArrayBuffer | ModelFile;

export interface EncoderOptions extends ModelFetchOptions, OrtOptions {}

/** Turns every ModelSource form into a ModelFile. */
export function toModelFile(source: ModelSource): ModelFile {
  // A URL ('https:', 'file:'), or a path ('./m.onnx', '/models/m.onnx'), is a location; a bare
  // name is looked up under baseUrl.
  if (typeof source === 'string') return /^([a-z][a-z0-9+.-]*:|\.{0,2}\/)/i.test(source) ? { url: source } : { name: source };
  if (source instanceof URL) return { url: source };
  if (source instanceof Uint8Array || source instanceof ArrayBuffer) return { bytes: source };
  return source;
}

type Meta = { name: string; isTensor: boolean; type?: string; shape?: readonly (number | string)[] };

function describe(m: Meta | undefined): string {
  if (!m) return 'nothing';
  return `${m.name}: ${m.type ?? '?'} [${(m.shape ?? []).join(',')}]`;
}

function inputMeta(session: Ort.InferenceSession, label: string): Meta {
  const meta = (session as unknown as { inputMetadata?: readonly Meta[] }).inputMetadata;
  const name = session.inputNames.includes('input') ? 'input' : session.inputNames[0];
  const m = meta?.find((x) => x.name === name);
  if (!m || !m.isTensor) throw new ModelError('UNSUPPORTED_MODEL', label, 'its input metadata is unavailable');
  return m;
}

const isFixed = (d: number | string | undefined, v: number) => d === v || typeof d === 'string';

/** Reads which pixel layout an image model takes from its input metadata. */
export function detectImageSignature(session: Ort.InferenceSession, label = 'image model'): ImageSignature {
  const m = inputMeta(session, label);
  const s = m.shape ?? [];
  if (m.type === 'float32' && s.length === 4 && isFixed(s[0], 1) && s[1] === 3
    && s[2] === CLIP_IMAGE_SIDE && s[3] === CLIP_IMAGE_SIDE) return 'float-chw';
  if (m.type === 'uint8' && s.length === 3 && s[2] === 4) return 'rgba';
  throw new ModelError('UNSUPPORTED_MODEL', label,
    `input ${describe(m)} is neither float32 [1,3,256,256] nor uint8 RGBA [H,W,4]`);
}

function checkTextSignature(session: Ort.InferenceSession, label: string): void {
  const m = inputMeta(session, label);
  const s = m.shape ?? [];
  if (m.type !== 'int32' || s.length !== 2 || !isFixed(s[0], 1) || !isFixed(s[1], CLIP_CONTEXT)) {
    throw new ModelError('UNSUPPORTED_MODEL', label, `input ${describe(m)} is not int32 [1,77]`);
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

/** One ORT session, its runs serialised (a wasm session runs one inference at a time). */
class Runner {
  private queue: Promise<unknown> = Promise.resolve();
  readonly inputName: string;
  readonly outputName: string;

  constructor(readonly session: Ort.InferenceSession, readonly label: string) {
    this.inputName = session.inputNames.includes('input') ? 'input' : session.inputNames[0];
    this.outputName = session.outputNames.includes('output') ? 'output' : session.outputNames[0];
  }

  run(input: Ort.Tensor): Promise<Float32Array> {
    const next = this.queue.then(async () => {
      const out = await this.session.run({ [this.inputName]: input });
      const t = out[this.outputName];
      if (t.type !== 'float32' || t.size !== CLIP_DIMS) {
        throw new ModelError('UNSUPPORTED_MODEL', this.label,
          `output ${this.outputName} is ${t.type} [${t.dims.join(',')}], expected ${CLIP_DIMS} float32 values`);
      }
      // Copy: the tensor's buffer belongs to ORT.
      return l2Normalize(new Float32Array(t.data as Float32Array));
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  release(): Promise<void> {
    return this.session.release();
  }
}

async function openSession(source: ModelSource, options: EncoderOptions) {
  const file = toModelFile(source);
  const label = file.name ?? (file.url !== undefined ? String(file.url) : 'model bytes');
  const [ort, bytes] = await Promise.all([loadOrt(options), loadModelBytes(file, options)]);
  let session: Ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  } catch (cause) {
    throw new ModelError('UNSUPPORTED_MODEL', label, `ONNX Runtime cannot load it: ${(cause as Error)?.message ?? cause}`, { cause });
  }
  return { ort, session, label };
}

/** The image half of CLIP: RGBA pixels (or a preprocessed tensor) to a normalised 512-d embedding. */
export interface ClipImageEncoder {
  readonly signature: ImageSignature;
  /** For 'float-chw' models: a Float32Array(3*256*256) from `core.clip.preprocess`. */
  embedTensor(chw: Float32Array): Promise<Float32Array>;
  /** For 'rgba' models: the image's RGBA bytes, width*height*4. */
  embedRgba(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number): Promise<Float32Array>;
  release(): Promise<void>;
}

export interface ClipTextEncoder {
  /** 77 CLIP BPE ids (`core.clip.tokenize`). */
  embedTokens(ids: Int32Array): Promise<Float32Array>;
  release(): Promise<void>;
}

export function checkRgba(rgba: unknown, width: number, height: number): void {
  if (!(rgba instanceof Uint8Array || rgba instanceof Uint8ClampedArray)) throw badInput('rgba must be a Uint8Array or Uint8ClampedArray');
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw badInput(`image size must be positive integers, got ${width}x${height}`);
  }
  if (rgba.length !== width * height * 4) {
    throw badInput(`rgba must be width*height*4 = ${width * height * 4} bytes, got ${rgba.length}`);
  }
}

/** Loads (fetch/cache/verify) an image model and detects which pixel layout it takes. */
export async function createImageEncoder(source: ModelSource, options: EncoderOptions = {}): Promise<ClipImageEncoder> {
  const { ort, session, label } = await openSession(source, options);
  let signature: ImageSignature;
  try {
    signature = detectImageSignature(session, label);
  } catch (e) {
    await session.release();
    throw e;
  }
  const runner = new Runner(session, label);
  const side = CLIP_IMAGE_SIDE;
  return {
    signature,
    embedTensor(chw) {
      if (signature !== 'float-chw') throw badInput(`${label} takes RGBA pixels, not a float tensor`);
      if (!(chw instanceof Float32Array) || chw.length !== 3 * side * side) throw badInput(`tensor must be a Float32Array(${3 * side * side})`);
      return runner.run(new ort.Tensor('float32', chw, [1, 3, side, side]));
    },
    embedRgba(rgba, width, height) {
      if (signature !== 'rgba') throw badInput(`${label} takes a preprocessed float tensor, not RGBA pixels`);
      checkRgba(rgba, width, height);
      const bytes = rgba instanceof Uint8Array ? rgba : new Uint8Array(rgba.buffer, rgba.byteOffset, rgba.length);
      return runner.run(new ort.Tensor('uint8', bytes, [height, width, 4]));
    },
    release: () => runner.release(),
  };
}

/** Loads (fetch/cache/verify) a text model, checking it takes int32 [1,77]. */
export async function createTextEncoder(source: ModelSource, options: EncoderOptions = {}): Promise<ClipTextEncoder> {
  const { ort, session, label } = await openSession(source, options);
  try {
    checkTextSignature(session, label);
  } catch (e) {
    await session.release();
    throw e;
  }
  const runner = new Runner(session, label);
  return {
    embedTokens(ids) {
      if (!(ids instanceof Int32Array) || ids.length !== CLIP_CONTEXT) throw badInput(`token ids must be an Int32Array(${CLIP_CONTEXT})`);
      return runner.run(new ort.Tensor('int32', ids, [1, CLIP_CONTEXT]));
    },
    release: () => runner.release(),
  };
}
