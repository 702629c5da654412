// The face models on ONNX Runtime (onnx-session.ts does the sessions): which inputs Ente's
// YOLOv5-face and MobileFaceNet files take, and their outputs as detector rows and unit vectors.
import type { ModelFile } from './model-store.js';
import { ModelError } from './model-error.js';
import { badInput } from '../runtime/errors.js';
import {
  describeTensor,
  inputMeta,
  isFixed,
  openSession,
  toModelFile,
  type ModelSource,
  type SerialSession,
  type SessionOptions,
} from './onnx-session.js';
import { l2Normalize } from './clip-encoders.js';
import {
  ALIGNED_FACE_FLOATS,
  ALIGNED_FACE_SIDE,
  FACE_DETECTOR_ROW_FLOATS,
  FACE_EMBEDDING_DIMS,
  FACE_INPUT_FLOATS,
  FACE_INPUT_SIDE,
} from './face-spec.js';

/**
 * Ente's face models (`https://models.ente.com/<name>`), pinned by size and SHA-256 as its mobile
 * client pins them. Passing one of these names as a model (with any `baseUrl`) applies the pins.
 */
export const ENTE_FACE_MODELS = {
  /** YOLOv5s-face, input float32 [1,3,640,640], output [1,25200,16] (Ente's mobile and Rust clients). */
  detector: {
    /** The file's name under the models' base URL. */
    name: 'yolov5s_face_640_640_dynamic.onnx',
    /** Its size in bytes. */
    size: 30_762_872,
    /** Its SHA-256, hex. */
    sha256: '71a008707283b03db4881449a24f4da197f9dbd9ddaca5c91fcdb363fbf7e06f',
  },
  /** MobileFaceNet, input float32 [N,112,112,3], output [N,192] (every Ente client). */
  embedder: {
    /** The file's name under the models' base URL. */
    name: 'mobilefacenet_opset15.onnx',
    /** Its size in bytes. */
    size: 5_286_998,
    /** Its SHA-256, hex. */
    sha256: '472a0f7e24d0b070cbbdc031b085bc2a06c70655b3bdefb87dbd69bc98662f45',
  },
} as const satisfies Record<string, ModelFile>;

/** A source as a ModelFile, Ente's pins added when it names one of Ente's face models. */
export function faceModelFile(source: ModelSource): ModelFile {
  const file = toModelFile(source);
  const known = Object.values(ENTE_FACE_MODELS).find((m) => m.name === file.name);
  return known && file.bytes === undefined && file.url === undefined ? { ...known, ...file } : file;
}

/** A face detector's session (createFaceDetector). */
export interface FaceDetector {
  /** The detector's 25200 x 16 output for a letterboxed photo (`core.faces.letterbox`). */
  detect(input: Float32Array): Promise<Float32Array>;
  /** Releases the session. */
  release(): Promise<void>;
}

/** A face embedder's session (createFaceEmbedder). */
export interface FaceEmbedder {
  /** One unit vector of 192 floats per aligned face (n faces of 112 * 112 * 3 floats, back to back). */
  embed(faces: Float32Array, n: number): Promise<Float32Array[]>;
  /** Releases the session. */
  release(): Promise<void>;
}

async function opened<T>(
  source: ModelSource,
  options: SessionOptions,
  check: (r: SerialSession) => T,
): Promise<[SerialSession, T]> {
  const runner = await openSession(faceModelFile(source), options);
  try {
    return [runner, check(runner)];
  } catch (e) {
    await runner.release();
    throw e;
  }
}

/** Loads (fetch/cache/verify) a face detector, checking it takes float32 [1,3,640,640]. */
export async function createFaceDetector(
  source: ModelSource = ENTE_FACE_MODELS.detector,
  options: SessionOptions = {},
): Promise<FaceDetector> {
  const [runner] = await opened(source, options, (r) => {
    const m = inputMeta(r.session, r.label);
    const s = m.shape ?? [];
    const ok =
      m.type === 'float32' &&
      s.length === 4 &&
      isFixed(s[0], 1) &&
      s[1] === 3 &&
      isFixed(s[2], FACE_INPUT_SIDE) &&
      isFixed(s[3], FACE_INPUT_SIDE);
    if (!ok) throw new ModelError('UNSUPPORTED_MODEL', r.label, `input ${describeTensor(m)} is not float32 [1,3,640,640]`);
  });
  const { ort, label } = runner;
  return {
    detect(input) {
      if (!(input instanceof Float32Array) || input.length !== FACE_INPUT_FLOATS)
        throw badInput(`input must be a Float32Array(${FACE_INPUT_FLOATS})`);
      return runner.run(new ort.Tensor('float32', input, [1, 3, FACE_INPUT_SIDE, FACE_INPUT_SIDE]), (t) => {
        if (t.type !== 'float32' || t.size % FACE_DETECTOR_ROW_FLOATS !== 0) {
          throw new ModelError(
            'UNSUPPORTED_MODEL',
            label,
            `output ${runner.outputName} is ${t.type} [${t.dims.join(',')}], expected rows of 16 float32`,
          );
        }
        return new Float32Array(t.data as Float32Array); // a copy: the tensor's buffer is ORT's
      });
    },
    release: () => runner.release(),
  };
}

/** Loads (fetch/cache/verify) a face embedder, checking it takes float32 [N,112,112,3]. */
export async function createFaceEmbedder(
  source: ModelSource = ENTE_FACE_MODELS.embedder,
  options: SessionOptions = {},
): Promise<FaceEmbedder> {
  const [runner, batch] = await opened(source, options, (r) => {
    const m = inputMeta(r.session, r.label);
    const s = m.shape ?? [];
    const side = ALIGNED_FACE_SIDE;
    const ok = m.type === 'float32' && s.length === 4 && isFixed(s[1], side) && isFixed(s[2], side) && s[3] === 3;
    if (!ok) throw new ModelError('UNSUPPORTED_MODEL', r.label, `input ${describeTensor(m)} is not float32 [N,112,112,3]`);
    // Ente's newer static builds fix N at 1: then faces go one at a time.
    return typeof s[0] === 'number' ? s[0] : Infinity;
  });
  const { ort, label } = runner;
  const run = (faces: Float32Array, n: number) =>
    runner.run(new ort.Tensor('float32', faces, [n, ALIGNED_FACE_SIDE, ALIGNED_FACE_SIDE, 3]), (t) => {
      if (t.type !== 'float32' || t.size !== n * FACE_EMBEDDING_DIMS) {
        throw new ModelError(
          'UNSUPPORTED_MODEL',
          label,
          `output ${runner.outputName} is ${t.type} [${t.dims.join(',')}], expected [${n},192] float32`,
        );
      }
      const data = t.data as Float32Array;
      // Normalised here too: Ente's static builds leave the final L2 normalisation to the caller.
      return Array.from({ length: n }, (_, i) => l2Normalize(data.slice(i * FACE_EMBEDDING_DIMS, (i + 1) * FACE_EMBEDDING_DIMS)));
    });
  return {
    async embed(faces, n) {
      if (!Number.isInteger(n) || n < 0 || !(faces instanceof Float32Array) || faces.length !== n * ALIGNED_FACE_FLOATS)
        throw badInput(`faces must be a Float32Array of n * ${ALIGNED_FACE_FLOATS} floats`);
      if (n === 0) return [];
      if (n <= batch) return run(faces, n);
      const out: Float32Array[] = [];
      for (let i = 0; i < n; i += batch) {
        const k = Math.min(batch, n - i);
        out.push(...(await run(faces.subarray(i * ALIGNED_FACE_FLOATS, (i + k) * ALIGNED_FACE_FLOATS), k)));
      }
      return out;
    },
    release: () => runner.release(),
  };
}
