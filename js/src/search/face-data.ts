// Ente's "face" entry of a file's ML data, beside "clip" (docs/formats.md): read leniently as its
// clients write it (mobile's "xMin"/"yMin", a missing blur, both forms of "no face"), written
// exactly as its web client writes it (the same keys in the same order).
import { badInput } from '../runtime/errors.js';
import type { MLData } from './ml-data.js';
import type { Face, FaceIndex } from './face-index.js';
import { FACE_EMBEDDING_DIMS, FACE_INDEX_VERSION } from './face-spec.js';

/** The face entry as stored: the face index with the version and client that made it. */
export interface FaceData extends FaceIndex {
  /** Ente's face indexing version (1). */
  version: number;
  /** Who indexed it, e.g. "io.ente.photos.desktop/1.7.0". */
  client: string;
  /** Ente's bitmask (bit 0: made by its Rust runtime); absent when 0. */
  flags?: number;
}

/** Options of faceData. */
export interface FaceDataOptions {
  /** Ignore entries indexed with an older version than this (Ente re-indexes those). Default 1. */
  minVersion?: number;
}

/** Ente's mobile client reads a missing blur as this (very sharp): kLapacianDefault. */
export const MISSING_BLUR = 10000;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function num(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw badInput(`ML data ${what} must be a finite number`);
  return v;
}

function point(v: unknown, what: string) {
  if (!isObject(v)) throw badInput(`ML data ${what} must be an object`);
  return { x: num(v.x, `${what}.x`), y: num(v.y, `${what}.y`) };
}

/** One face as read, or undefined for mobile's placeholder ("<fileID>_0_0_0_0", no embedding). */
function readFace(v: unknown, i: number): Face | undefined {
  const at = `face.faces[${i}]`;
  if (!isObject(v)) throw badInput(`ML data ${at} must be an object`);
  if (typeof v.faceID !== 'string') throw badInput(`ML data ${at}.faceID must be a string`);
  if (!Array.isArray(v.embedding)) throw badInput(`ML data ${at}.embedding must be an array`);
  if (v.embedding.length === 0) return undefined; // Face.empty: no face found (or an error)
  if (v.embedding.length !== FACE_EMBEDDING_DIMS)
    throw badInput(`ML data ${at}.embedding has ${v.embedding.length} numbers, not ${FACE_EMBEDDING_DIMS}`);
  const embedding = v.embedding.map((x, k) => num(x, `${at}.embedding[${k}]`));
  const d = v.detection;
  if (!isObject(d) || !isObject(d.box) || !Array.isArray(d.landmarks))
    throw badInput(`ML data ${at}.detection must hold a box and landmarks`);
  const b = d.box;
  const box = {
    x: num(b.x ?? b.xMin, `${at}.detection.box.x`),
    y: num(b.y ?? b.yMin, `${at}.detection.box.y`),
    width: num(b.width, `${at}.detection.box.width`),
    height: num(b.height, `${at}.detection.box.height`),
  };
  const landmarks = d.landmarks.map((p, k) => point(p, `${at}.detection.landmarks[${k}]`));
  return {
    faceID: v.faceID,
    detection: { box, landmarks },
    score: num(v.score, `${at}.score`),
    blur: v.blur === undefined || v.blur === null ? MISSING_BLUR : num(v.blur, `${at}.blur`),
    embedding,
  };
}

/**
 * The face entry of ML data, validated, or undefined when absent (or null) or older than
 * minVersion. Both forms of "no face found" (desktop's `faces: []`, mobile's placeholder face)
 * read as no faces. Anything malformed is a CoreError BAD_INPUT.
 */
export function faceData(data: MLData, options: FaceDataOptions = {}): FaceData | undefined {
  if (!isObject(data)) throw badInput('ML data must be a JSON object');
  const f = data.face;
  if (f === undefined || f === null) return undefined;
  if (!isObject(f)) throw badInput('ML data "face" must be an object');
  const version = num(f.version, 'face.version');
  if (version < (options.minVersion ?? FACE_INDEX_VERSION)) return undefined;
  if (typeof f.client !== 'string') throw badInput('ML data face.client must be a string');
  if (!Array.isArray(f.faces)) throw badInput('ML data face.faces must be an array');
  const faces = f.faces.map(readFace).filter((x): x is Face => x !== undefined);
  const out: FaceData = {
    version,
    client: f.client,
    width: num(f.width, 'face.width'),
    height: num(f.height, 'face.height'),
    faces,
  };
  if (f.flags !== undefined) out.flags = num(f.flags, 'face.flags');
  return out;
}

function checkFace(face: Face, i: number): Face {
  const at = `faces[${i}]`;
  if (!isObject(face) || typeof face.faceID !== 'string') throw badInput(`${at}.faceID must be a string`);
  const e = face.embedding as ArrayLike<number> | undefined;
  if (!e || typeof e.length !== 'number' || e.length !== FACE_EMBEDDING_DIMS)
    throw badInput(`${at}.embedding must hold ${FACE_EMBEDDING_DIMS} numbers`);
  const { box, landmarks } = face.detection ?? ({} as Face['detection']);
  if (!isObject(box) || !Array.isArray(landmarks)) throw badInput(`${at}.detection must hold a box and landmarks`);
  return {
    faceID: face.faceID,
    detection: {
      box: {
        x: num(box.x, `${at} box.x`),
        y: num(box.y, `${at} box.y`),
        width: num(box.width, `${at} box.width`),
        height: num(box.height, `${at} box.height`),
      },
      landmarks: landmarks.map((p, k) => point(p, `${at}.landmarks[${k}]`)),
    },
    score: num(face.score, `${at}.score`),
    blur: num(face.blur, `${at}.blur`),
    // Float32 values, as the model made them and Ente's clients keep them.
    embedding: Array.from(e, (x, k) => Math.fround(num(x, `${at}.embedding[${k}]`))),
  };
}

/**
 * `data` with its face entry set (other keys kept, in their order; a new object), written as Ente's
 * web client writes it: { version, client, width, height, faces: [{ faceID, detection: { box,
 * landmarks }, score, blur, embedding }] }. A photo without faces gets `faces: []`.
 */
export function withFaces(
  data: MLData | undefined,
  faceIndex: FaceIndex,
  client: string,
  version: number = FACE_INDEX_VERSION,
): MLData {
  if (data !== undefined && !isObject(data)) throw badInput('ML data must be a JSON object');
  if (typeof client !== 'string') throw badInput('client must be a string');
  if (!isObject(faceIndex) || !Array.isArray(faceIndex.faces)) throw badInput('faceIndex must be { width, height, faces }');
  const face = {
    version: num(version, 'version'),
    client,
    width: num(faceIndex.width, 'width'),
    height: num(faceIndex.height, 'height'),
    faces: faceIndex.faces.map(checkFace),
  };
  return { ...(data ?? {}), face };
}
