// A file's metadata (Ente's: title, times in microseconds, size, type, location, the file's
// BLAKE2b hash; and beside them ours: dimensions, the MIME type the viewer needs, the camera),
// JSON encrypted with the file key. Read back, it is checked like any other answer: only its
// owner or a sharer wrote it, which is not a reason to trust its shape.

/** Ente's file types in metadata. */
export const FILE_TYPE = Object.freeze({ image: 0, video: 1 });

export interface FileMeta {
  title: string;
  /** When the photo was taken: microseconds since the epoch (Ente), from EXIF when it has one. */
  creationTime: number;
  modificationTime?: number;
  size?: number;
  fileType: number;
  width?: number;
  height?: number;
  mimeType?: string;
  /** Ente's file hash: base64 of the BLAKE2b-512 of the original's bytes. */
  hash?: string;
  /** Where it was taken (Ente's fields, degrees). */
  latitude?: number;
  longitude?: number;
  /** The camera's make and model (EXIF). */
  cameraMake?: string;
  cameraModel?: string;
}

const MAX_TITLE = 1024;
const MAX_TEXT = 256;
const optional = (v: unknown, type: 'number' | 'string') =>
  v === undefined || (typeof v === type && (type === 'string' ? (v as string).length <= MAX_TEXT : Number.isFinite(v)));

/** The metadata in `json`, or an Error naming what is wrong with it. */
export function parseMetadata(json: string): FileMeta {
  return checkMetadata(JSON.parse(json));
}

/** The metadata in `value` (JSON parsed), or an Error naming what is wrong with it. */
export function checkMetadata(value: unknown): FileMeta {
  const m = value as Record<string, unknown> | null;
  if (m === null || typeof m !== 'object') throw new Error('metadata is not an object');
  if (typeof m.title !== 'string' || m.title.length > MAX_TITLE) throw new Error('metadata without a title');
  if (typeof m.creationTime !== 'number' || !Number.isFinite(m.creationTime) || typeof m.fileType !== 'number')
    throw new Error('metadata without a time or type');
  for (const [name, type] of [
    ['modificationTime', 'number'],
    ['size', 'number'],
    ['width', 'number'],
    ['height', 'number'],
    ['mimeType', 'string'],
    ['hash', 'string'],
    ['latitude', 'number'],
    ['longitude', 'number'],
    ['cameraMake', 'string'],
    ['cameraModel', 'string'],
  ] as const) {
    if (!optional(m[name], type)) throw new Error(`metadata ${name} is not a ${type}`);
  }
  if (m.latitude !== undefined && Math.abs(m.latitude as number) > 90) throw new Error('metadata latitude out of range');
  if (m.longitude !== undefined && Math.abs(m.longitude as number) > 180) throw new Error('metadata longitude out of range');
  return m as unknown as FileMeta;
}
