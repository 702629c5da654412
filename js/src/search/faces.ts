// The face pipeline's steps in wasm (wasm/search/face_*.cpp): the detector's input, its output to
// detections, alignment, blur, direction, Ente's face IDs and the clustering batches. The models
// are run elsewhere (face-models.ts); face-index.ts chains the steps for a photo.
import type { Heap } from '../runtime/heap.js';
import type { CipherlensModule, WasmFaceClusterer, WasmFaceImage } from '../wasm/cipherlens.mjs';
import { badInput } from '../runtime/errors.js';
import { requireFileId } from './embedding-index.js';
import {
  ALIGNED_FACE_FLOATS,
  FACE_CLUSTER_BATCH,
  FACE_CLUSTER_STEP,
  FACE_DETECTOR_ROW_FLOATS,
  FACE_INPUT_FLOATS,
} from './face-spec.js';

/** A point, relative to the photo's width and height (or in pixels where a call says so). */
export interface FacePoint {
  /** From the left edge. */
  x: number;
  /** From the top edge. */
  y: number;
}

/** A box by its top-left corner and size, relative to the photo (Ente's ML data form). */
export interface FaceBox {
  /** The left edge. */
  x: number;
  /** The top edge. */
  y: number;
  /** Width, as a fraction of the photo's. */
  width: number;
  /** Height, as a fraction of the photo's. */
  height: number;
}

/** A face the detector found: relative box, 5 landmarks (left eye, right eye, nose, left and
 *  right mouth corner) and the detector's score. */
export interface FaceDetection {
  /** The detector's confidence, 0.5 .. 1. */
  score: number;
  /** The face's box, relative to the photo. */
  box: FaceBox;
  /** Left eye, right eye, nose, left and right mouth corner, relative to the photo. */
  landmarks: FacePoint[];
}

/** Which way a face looks, from its landmarks (Ente's faceDirection). */
export type FaceDirection = 'straight' | 'left' | 'right';
const DIRECTIONS: FaceDirection[] = ['straight', 'left', 'right'];

/** The detector's input for a photo. */
export interface Letterboxed {
  /** float32 [1, 3, 640, 640]: planar RGB / 255, the photo top-left, grey 114 around it. */
  input: Float32Array;
  /** The photo's size inside the input (what `detections` needs to undo the scaling). */
  scaledWidth: number;
  /** The photo's height inside the input. */
  scaledHeight: number;
}

/** One face ready for the embedder. */
export interface AlignedFace {
  /** float32 [112, 112, 3], RGB / 127.5 - 1. */
  face: Float32Array;
  /** Laplacian variance (higher is sharper). */
  blur: number;
}

/** A photo held in wasm memory while its faces are found and aligned (one copy of its pixels). */
export interface FacePhoto {
  /** The photo's width in pixels. */
  readonly width: number;
  /** The photo's height in pixels. */
  readonly height: number;
  /** The detector's input for this photo (Ente's letterbox). */
  letterbox(): Letterboxed;
  /** The aligned face and its blur, or undefined when its landmarks determine no alignment
   *  (all at one point), which Ente's clients cannot index either. */
  align(detection: FaceDetection): AlignedFace | undefined;
  /** Zeroes and frees the pixels. */
  dispose(): void;
}

/** What the clustering batches work on: faces in clustering order (newest first). */
export interface ClusterInput<B extends ArrayBufferLike = ArrayBufferLike> {
  /** n * dims floats. */
  embeddings: Float32Array<B>;
  /** Values per face (192 for MobileFaceNet). */
  dims: number;
  /** n flags: 1 for a lower-quality face (the stricter threshold applies when it is the neighbour). */
  bad: Uint8Array<B>;
  /** n: an existing cluster's number (0 .. existing - 1), or -1. */
  clusters: Int32Array<B>;
  /** Clusters numbered 0 .. existing - 1 before this run. */
  existing: number;
  /** Face i never joins clusters ids[offsets[i] .. offsets[i + 1]). */
  rejections?: {
    /** n + 1 offsets into ids. */
    offsets: Uint32Array<B>;
    /** Cluster numbers, face by face. */
    ids: Int32Array<B>;
  };
}

/** Options of the core's clusterer. */
export interface ClustererOptions {
  /** The reference path: every similarity computed exactly (tests and benchmarks). */
  scalar?: boolean;
  /** Ente's 10,000 and 7,500 unless a test asks for others. */
  batch?: number;
  /** Faces between the starts of two batches. */
  step?: number;
}

/** Ente's clustering batches over one set of faces; run batch 0, 1, ... in order. */
export interface FaceClusterer {
  /** How many batches to run. */
  readonly batches: number;
  /** Runs one batch (0, 1, ... in order). */
  run(batch: number): void;
  /** Every face's cluster number (existing ones keep theirs; new ones follow them). */
  clusters(): Int32Array;
  /** Clusters so far, the existing ones included. */
  readonly clusterCount: number;
  /** Exact similarities the fast path computed (a measure of its work). */
  readonly exactCount: number;
  /** Zeroes and frees the embeddings in wasm memory. */
  dispose(): void;
}

const DETECTION_DOUBLES = 15;
/** Detections a call makes room for at first (far more than faces in a photo). */
const DETECTIONS_ROOM = 256;

function requireRgba(rgba: unknown, width: unknown, height: unknown): Uint8Array {
  const side = (name: string, v: unknown) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 65536)
      throw badInput(`${name} must be an integer from 1 to 65536, got ${String(v)}`);
    return v;
  };
  const w = side('width', width),
    h = side('height', height);
  if (!(rgba instanceof Uint8Array) && !(rgba instanceof Uint8ClampedArray))
    throw badInput('rgba must be a Uint8Array or Uint8ClampedArray');
  if (rgba.length !== w * h * 4) throw badInput(`rgba must be width * height * 4 = ${w * h * 4} bytes, got ${rgba.length}`);
  return rgba instanceof Uint8Array ? rgba : new Uint8Array(rgba.buffer, rgba.byteOffset, rgba.length);
}

function requireLandmarks(landmarks: unknown): FacePoint[] {
  if (!Array.isArray(landmarks) || landmarks.length !== 5) throw badInput('a face needs 5 landmarks');
  for (const p of landmarks) {
    if (typeof p?.x !== 'number' || typeof p?.y !== 'number') throw badInput('a landmark must be { x, y } numbers');
  }
  return landmarks;
}

function requireFloats(name: string, v: unknown, length: number): Float32Array {
  if (!(v instanceof Float32Array) || v.length !== length) throw badInput(`${name} must be a Float32Array(${length})`);
  return v;
}

export function makeFaces(heap: Heap<CipherlensModule>) {
  const { mod } = heap;

  /** Copies 10 landmark coordinates (pixels or relative) into a block; returns its address. */
  const putLandmarks = (a: { alloc(n: number): number }, landmarks: FacePoint[], sx = 1, sy = 1) => {
    const ptr = a.alloc(80);
    const f64 = new Float64Array(mod.HEAPU8.buffer, ptr, 10);
    landmarks.forEach((p, k) => {
      f64[2 * k] = p.x * sx;
      f64[2 * k + 1] = p.y * sy;
    });
    return ptr;
  };

  const direction = (landmarks: FacePoint[]): FaceDirection => {
    requireLandmarks(landmarks);
    return heap.scope((a) => DIRECTIONS[mod.faceDirection(putLandmarks(a, landmarks))]);
  };

  const blur = (aligned: Float32Array, landmarks: FacePoint[]): number => {
    requireFloats('aligned', aligned, ALIGNED_FACE_FLOATS);
    const dir = DIRECTIONS.indexOf(direction(landmarks));
    return heap.scope((a) => {
      const ptr = a.alloc(aligned.byteLength);
      new Float32Array(mod.HEAPU8.buffer, ptr, aligned.length).set(aligned);
      return mod.faceBlur(ptr, dir);
    });
  };

  const openPhoto = (rgba: Uint8Array | Uint8ClampedArray, width: number, height: number): FacePhoto => {
    const bytes = requireRgba(rgba, width, height);
    const image: WasmFaceImage = new mod.FaceImage();
    try {
      heap.check(image.setImage(width, height));
      heap.u8.set(bytes, image.imagePtr());
    } catch (e) {
      image.clear();
      image.delete();
      throw e;
    }
    let live = true;
    const alive = () => {
      if (!live) throw badInput('the face photo was disposed');
    };
    return {
      width,
      height,
      letterbox() {
        alive();
        return heap.scope((a) => {
          const out = a.alloc(FACE_INPUT_FLOATS * 4);
          heap.check(image.letterbox(out));
          return {
            input: new Float32Array(mod.HEAPU8.buffer, out, FACE_INPUT_FLOATS).slice(),
            scaledWidth: image.scaledWidth(),
            scaledHeight: image.scaledHeight(),
          };
        });
      },
      align(detection) {
        alive();
        const landmarks = requireLandmarks(detection?.landmarks);
        return heap.scope((a) => {
          const lm = putLandmarks(a, landmarks, width, height);
          const out = a.alloc(ALIGNED_FACE_FLOATS * 4);
          if (image.align(lm, out) !== 0) return undefined;
          return {
            face: new Float32Array(mod.HEAPU8.buffer, out, ALIGNED_FACE_FLOATS).slice(),
            blur: mod.faceBlur(out, mod.faceDirection(lm)),
          };
        });
      },
      dispose() {
        if (!live) return;
        live = false;
        image.clear();
        image.delete();
      },
    };
  };

  /** With one photo, dispose afterwards. */
  const withPhoto = <T>(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number, fn: (p: FacePhoto) => T): T => {
    const photo = openPhoto(rgba, width, height);
    try {
      return fn(photo);
    } finally {
      photo.dispose();
    }
  };

  return {
    /** Holds a photo in wasm memory to letterbox it and align its faces (one copy of its pixels). */
    openPhoto,

    /** The detector's input for RGBA pixels (Ente's letterbox: scale, bilinear, grey 114). */
    letterbox: (rgba: Uint8Array | Uint8ClampedArray, width: number, height: number) =>
      withPhoto(rgba, width, height, (p) => p.letterbox()),

    /**
     * YOLOv5-face's output (25200 rows of 16 floats) to faces: score at least 0.5, the letterbox
     * undone, NMS at IoU 0.4. Relative to the photo; best score first.
     */
    detections(output: Float32Array, scaledWidth: number, scaledHeight: number): FaceDetection[] {
      if (!(output instanceof Float32Array) || output.length % FACE_DETECTOR_ROW_FLOATS !== 0)
        throw badInput(`the detector output must be a Float32Array of rows of ${FACE_DETECTOR_ROW_FLOATS}`);
      for (const [name, v] of [
        ['scaledWidth', scaledWidth],
        ['scaledHeight', scaledHeight],
      ] as const) {
        if (!Number.isInteger(v) || v < 0) throw badInput(`${name} must be a non-negative integer`);
      }
      return heap.scope((a) => {
        const rows = a.alloc(output.byteLength);
        new Float32Array(mod.HEAPU8.buffer, rows, output.length).set(output);
        const nRows = output.length / FACE_DETECTOR_ROW_FLOATS;
        const detect = (capacity: number) => {
          const out = a.alloc(capacity * DETECTION_DOUBLES * 8);
          return [out, heap.checkLength(mod.faceDetections(rows, nRows, scaledWidth, scaledHeight, out, capacity))];
        };
        let [out, n] = detect(DETECTIONS_ROOM);
        if (n > DETECTIONS_ROOM) [out, n] = detect(n); // a photo of more faces than that: once more
        const d = new Float64Array(mod.HEAPU8.buffer, out, n * DETECTION_DOUBLES);
        return Array.from({ length: n }, (_, i) => {
          const r = d.subarray(i * DETECTION_DOUBLES, (i + 1) * DETECTION_DOUBLES);
          return {
            score: r[0],
            box: { x: r[1], y: r[2], width: r[3] - r[1], height: r[4] - r[2] },
            landmarks: Array.from({ length: 5 }, (_, k) => ({ x: r[5 + 2 * k], y: r[6 + 2 * k] })),
          };
        });
      });
    },

    /** The aligned face (112 x 112, Ente's Umeyama + bicubic warp) and its blur, or undefined. */
    align: (rgba: Uint8Array | Uint8ClampedArray, width: number, height: number, detection: FaceDetection) =>
      withPhoto(rgba, width, height, (p) => p.align(detection)),

    /** The alignment matrix [a, b, tx, c, d, ty] taking 5 landmarks in pixels onto the ArcFace
     *  template in the 112-pixel face (x' = a x + b y + tx, y' = c x + d y + ty). */
    alignment(landmarks: FacePoint[]): number[] {
      requireLandmarks(landmarks);
      return heap.scope((a) => {
        const out = a.alloc(48);
        heap.check(mod.faceAlignment(putLandmarks(a, landmarks), out));
        return Array.from(new Float64Array(mod.HEAPU8.buffer, out, 6));
      });
    },

    /** Ente's blur of an aligned face: Laplacian variance of the half its direction keeps. */
    blur,
    /** Which way a face looks from its 5 landmarks (Ente's faceDirection): straight, left or right. */
    direction,

    /** Ente's faceID: `<fileId>_<xMin>_<yMin>_<xMax>_<yMax>`, 5 decimals each, from a relative box. */
    faceId(fileId: number, box: FaceBox): string {
      requireFileId(fileId);
      const { x, y, width, height } = box ?? ({} as FaceBox);
      if (![x, y, width, height].every((v) => typeof v === 'number'))
        throw badInput('box must be { x, y, width, height } numbers');
      return heap.scope((a) => {
        const ptr = a.alloc(32);
        new Float64Array(mod.HEAPU8.buffer, ptr, 4).set([x, y, x + width, y + height]);
        const id = mod.faceId(fileId, ptr);
        if (id === '') throw heap.error(mod.STATUS_BAD_INPUT);
        return id;
      });
    },

    /** Ente's clustering batches over faces already filtered and sorted (see face-cluster.ts). */
    clusterer(input: ClusterInput, options: ClustererOptions = {}): FaceClusterer {
      const { embeddings, dims, bad, clusters, existing, rejections } = input ?? ({} as ClusterInput);
      if (!Number.isInteger(dims) || dims < 1) throw badInput('dims must be a positive integer');
      if (!(embeddings instanceof Float32Array) || embeddings.length % dims !== 0)
        throw badInput('embeddings must be a Float32Array of n * dims values');
      const n = embeddings.length / dims;
      if (!(bad instanceof Uint8Array) || bad.length !== n) throw badInput(`bad must be a Uint8Array(${n})`);
      if (!(clusters instanceof Int32Array) || clusters.length !== n) throw badInput(`clusters must be an Int32Array(${n})`);
      if (!Number.isInteger(existing) || existing < 0) throw badInput('existing must be a non-negative integer');
      const c: WasmFaceClusterer = new mod.FaceClusterer();
      try {
        heap.check(c.reset(n, dims));
        new Float32Array(mod.HEAPU8.buffer, c.embeddingsPtr(), embeddings.length).set(embeddings);
        heap.u8.set(bad, c.badPtr());
        new Int32Array(mod.HEAPU8.buffer, c.clustersPtr(), n).set(clusters);
        if (rejections) {
          const { offsets, ids } = rejections;
          if (
            !(offsets instanceof Uint32Array) ||
            offsets.length !== n + 1 ||
            !(ids instanceof Int32Array) ||
            offsets[n] !== ids.length
          )
            throw badInput(`rejections must be { offsets: Uint32Array(${n + 1}), ids: Int32Array(offsets[n]) }`);
          heap.scope((a) => {
            const o = a.alloc(offsets.byteLength);
            new Uint32Array(mod.HEAPU8.buffer, o, offsets.length).set(offsets);
            const i = a.alloc(ids.byteLength);
            new Int32Array(mod.HEAPU8.buffer, i, ids.length).set(ids);
            heap.check(c.setRejections(o, i));
          });
        }
        heap.check(c.prepare(existing, !options.scalar, options.batch ?? FACE_CLUSTER_BATCH, options.step ?? FACE_CLUSTER_STEP));
      } catch (e) {
        c.clear();
        c.delete();
        throw e;
      }
      let live = true;
      const alive = () => {
        if (!live) throw badInput('the clusterer was disposed');
      };
      return {
        batches: c.batchCount(),
        run(batch) {
          alive();
          heap.check(c.runBatch(batch));
        },
        clusters() {
          alive();
          return new Int32Array(mod.HEAPU8.buffer, c.clustersPtr(), n).slice();
        },
        get clusterCount() {
          return live ? c.clusterCount() : 0;
        },
        get exactCount() {
          return live ? c.exactCount() : 0;
        },
        dispose() {
          if (!live) return;
          live = false;
          c.clear();
          c.delete();
        },
      };
    },
  };
}

export type Faces = ReturnType<typeof makeFaces>;
