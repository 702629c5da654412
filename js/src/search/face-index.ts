// Indexing faces: a photo through the detector, the core's post-processing and alignment, and the
// embedder, to Ente's face index ({ width, height, faces }) as its ML data stores it.
import { badInput } from '../runtime/errors.js';
import { createFaceDetector, createFaceEmbedder, ENTE_FACE_MODELS, type FaceDetector, type FaceEmbedder } from './face-models.js';
import type { ModelSource, SessionOptions } from './onnx-session.js';
import type { AlignedFace, FaceBox, FaceDetection, FacePhoto, FacePoint } from './faces.js';
import { ALIGNED_FACE_FLOATS, FACE_EMBED_BATCH } from './face-spec.js';
import { decodeImage, type EncodedImage, type ImageDecoder } from './image-decode.js';
import { requireFileId } from './embedding-index.js';
import type { SearchCore } from './search.js';
import {
  asIndexTimings,
  oneAtATime,
  runIndexFiles,
  type FaceTimings,
  type IndexFiles,
  type IndexFilesOptions,
  type IndexFilesResult,
} from './index-files.js';

export type { FaceTimings };

/** One face as Ente's ML data stores it: box and landmarks relative to the photo. */
export interface Face {
  /** `<fileId>_<xMin>_<yMin>_<xMax>_<yMax>` (Ente's faceID). */
  faceID: string;
  /** Where the face is. */
  detection: {
    /** The face's box. */
    box: FaceBox;
    /** Left eye, right eye, nose, left and right mouth corner. */
    landmarks: FacePoint[];
  };
  /** The detector's score, 0..1. */
  score: number;
  /** Laplacian variance of the aligned face (higher is sharper). */
  blur: number;
  /** 192 numbers, unit length. */
  embedding: number[];
}

/** A photo's faces as Ente's ML data stores them ("face" without its version and client). */
export interface FaceIndex {
  /** The indexed image's size (the relative coordinates are fractions of it). */
  width: number;
  /** The indexed image's height. */
  height: number;
  /** Its faces (none: no face found). */
  faces: Face[];
}

/** The steps of the core's face API this module uses (`loadCore().faces`). */
export interface FaceCore {
  /** The core's face steps (`loadCore().faces`). */
  faces: {
    /** Holds a photo's pixels (decoded by the indexer, or the caller's own) to letterbox and align. */
    openPhoto(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number): FacePhoto;
    /** The detector's rows to faces. */
    detections(output: Float32Array, scaledWidth: number, scaledHeight: number): FaceDetection[];
    /** Ente's faceID of a box. */
    faceId(fileId: number, box: FaceBox): string;
  };
  /** To bound large photos (as search does before the RGBA image model). */
  clip: Pick<SearchCore['clip'], 'downscale'>;
}

/** Options of createFaceIndexer: the models, ONNX Runtime's session options, decoding. */
export interface CreateFaceIndexerOptions extends SessionOptions {
  /** Default: Ente's YOLOv5s-face (`ENTE_FACE_MODELS.detector`, size and SHA-256 pinned). */
  detectorModel?: ModelSource;
  /** Default: Ente's MobileFaceNet (`ENTE_FACE_MODELS.embedder`). */
  embedderModel?: ModelSource;
  /** Encoded photos are decoded to at most this longest side, and larger RGBA is downscaled to it
   *  (default 2048: faces keep detail for the 112-pixel crops, a 12 MP photo stays 12 MB). */
  maxImageSide?: number;
  /** Decodes encoded images (default: createImageBitmap in browsers, jpeg-js / pngjs in Node). */
  decodeImage?: ImageDecoder;
}

/** What indexFile did with one file. */
export interface IndexedFaces {
  /** The file's faces, as Ente's ML data stores them. */
  faceIndex: FaceIndex;
  /** The size the file was indexed at (decoded, at most maxImageSide). */
  decoded: {
    /** Pixels across. */
    width: number;
    /** Pixels down. */
    height: number;
  };
  /** Milliseconds per step. */
  timings: FaceTimings;
}

/** Face indexing with both models open (createFaceIndexer). */
export interface FaceIndexer {
  /** Finds, aligns and embeds the faces of RGBA pixels (width * height * 4 bytes). */
  indexImage(fileId: number, rgba: Uint8Array | Uint8ClampedArray, width: number, height: number): Promise<FaceIndex>;
  /** Decodes an encoded image (JPEG, PNG, WebP... bytes or Blob) and indexes its faces. */
  indexFile(fileId: number, image: EncodedImage): Promise<IndexedFaces>;
  /** A whole library, with bounded memory, progress (each carrying the file's `faceIndex`), abort
   *  and per-file failures, as `Search.indexFiles` (without checkpoints: there is no index). */
  indexFiles(files: IndexFiles, options?: IndexFilesOptions): Promise<IndexFilesResult>;
  /** Releases both models' sessions. */
  dispose(): Promise<void>;
}

/** createFaceIndexer's default maxImageSide: photos are indexed at most 2048 pixels on their longest side. */
export const DEFAULT_FACE_IMAGE_SIDE = 2048;

/** A photo's faces with models already open (also what the bench times step by step). */
export async function indexPhotoFaces(
  core: FaceCore,
  models: { detector: FaceDetector; embedder: FaceEmbedder },
  fileId: number,
  rgba: Uint8Array | Uint8ClampedArray,
  width: number,
  height: number,
  timings: FaceTimings = { decode: 0, letterbox: 0, detect: 0, align: 0, embed: 0 },
): Promise<FaceIndex> {
  requireFileId(fileId);
  let t = performance.now();
  const lap = () => {
    const now = performance.now(),
      ms = now - t;
    t = now;
    return ms;
  };
  const photo = core.faces.openPhoto(rgba, width, height);
  try {
    const { input, scaledWidth, scaledHeight } = photo.letterbox();
    timings.letterbox += lap();
    const rows = await models.detector.detect(input);
    timings.detect += lap();
    const found: { detection: FaceDetection; aligned: AlignedFace }[] = [];
    for (const detection of core.faces.detections(rows, scaledWidth, scaledHeight)) {
      const aligned = photo.align(detection);
      if (aligned) found.push({ detection, aligned });
    }
    timings.align += lap();
    const faces: Face[] = [];
    for (let i = 0; i < found.length; i += FACE_EMBED_BATCH) {
      const batch = found.slice(i, i + FACE_EMBED_BATCH);
      const input = new Float32Array(batch.length * ALIGNED_FACE_FLOATS);
      batch.forEach((f, k) => input.set(f.aligned.face, k * ALIGNED_FACE_FLOATS));
      const embeddings = await models.embedder.embed(input, batch.length);
      batch.forEach(({ detection: { box, landmarks, score }, aligned }, k) => {
        faces.push({
          faceID: core.faces.faceId(fileId, box),
          detection: { box, landmarks },
          score,
          blur: aligned.blur,
          embedding: Array.from(embeddings[k]),
        });
      });
    }
    timings.embed += lap();
    return { width, height, faces };
  } finally {
    photo.dispose();
  }
}

/**
 * Face indexing with Ente's models (or any of the same signatures): loads both (cached,
 * verified) before it resolves.
 */
export async function createFaceIndexer(core: FaceCore, options: CreateFaceIndexerOptions = {}): Promise<FaceIndexer> {
  const maxImageSide = options.maxImageSide ?? DEFAULT_FACE_IMAGE_SIDE;
  if (!(maxImageSide === Infinity || (Number.isInteger(maxImageSide) && maxImageSide >= 1)))
    throw badInput(`maxImageSide must be a positive integer or Infinity, got ${String(maxImageSide)}`);
  const [d, e] = await Promise.allSettled([
    createFaceDetector(options.detectorModel ?? ENTE_FACE_MODELS.detector, options),
    createFaceEmbedder(options.embedderModel ?? ENTE_FACE_MODELS.embedder, options),
  ]);
  if (d.status === 'rejected' || e.status === 'rejected') {
    if (d.status === 'fulfilled') await d.value.release();
    if (e.status === 'fulfilled') await e.value.release();
    throw d.status === 'rejected' ? d.reason : (e as PromiseRejectedResult).reason;
  }
  const models = { detector: d.value, embedder: e.value };

  // One photo at a time from decode to its last face (see oneAtATime).
  const inTurn = oneAtATime();

  /** Bounded to maxImageSide: the photo's pixels, downscaled when larger. */
  const bounded = (rgba: Uint8Array | Uint8ClampedArray, width: number, height: number) => {
    if (Math.max(width, height) <= maxImageSide || !core.clip.downscale) return { rgba, width, height };
    const bytes = rgba instanceof Uint8Array ? rgba : new Uint8Array(rgba.buffer, rgba.byteOffset, rgba.length);
    return core.clip.downscale(bytes, width, height, maxImageSide);
  };

  const indexFile = (fileId: number, image: EncodedImage) => {
    requireFileId(fileId);
    return inTurn(async () => {
      const timings: FaceTimings = { decode: 0, letterbox: 0, detect: 0, align: 0, embed: 0 };
      const t = performance.now();
      const decoded = await decodeImage(image, maxImageSide, options.decodeImage);
      const pixels = bounded(decoded.rgba, decoded.width, decoded.height);
      timings.decode = performance.now() - t;
      const faceIndex = await indexPhotoFaces(core, models, fileId, pixels.rgba, pixels.width, pixels.height, timings);
      return { faceIndex, decoded: { width: pixels.width, height: pixels.height }, timings };
    });
  };

  return {
    indexImage(fileId, rgba, width, height) {
      return inTurn(() => {
        const pixels = bounded(rgba, width, height);
        return indexPhotoFaces(core, models, fileId, pixels.rgba, pixels.width, pixels.height);
      });
    },
    indexFile,
    async indexFiles(files, indexOptions = {}) {
      if (indexOptions.persist) throw badInput('face indexing has no index to checkpoint: store each faceIndex as it comes');
      return runIndexFiles(files, indexOptions, {
        has: () => false,
        indexFile: async (fileId, image) => {
          const { faceIndex, timings } = await indexFile(fileId, image);
          return { timings: asIndexTimings(timings), faceIndex };
        },
        save: () => Promise.reject(badInput('no index')),
      });
    },
    async dispose() {
      await Promise.all([models.detector.release(), models.embedder.release()]);
    },
  };
}
