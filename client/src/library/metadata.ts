// A file's metadata (Ente's: title, times in microseconds, size, type, dimensions, and the MIME
// type the viewer needs), JSON encrypted with the file key. Read back, it is checked like any
// other answer: only its owner or a sharer wrote it, which is not a reason to trust its shape.

/** Ente's file types in metadata. */
export const FILE_TYPE = Object.freeze({ image: 0, video: 1 });

export interface FileMeta {
  title: string;
  /** Microseconds since the epoch (Ente). */
  creationTime: number;
  modificationTime?: number;
  size?: number;
  fileType: number;
  width?: number;
  height?: number;
  mimeType?: string;
  /** Ente's file hash: base64 of the BLAKE2b-512 of the original's bytes. */
  hash?: string;
}

const MAX_TITLE = 1024;
const optional = (v: unknown, type: 'number' | 'string') => v === undefined || typeof v === type;

/** The metadata in `json`, or an Error naming what is wrong with it. */
export function parseMetadata(json: string): FileMeta {
  const m = JSON.parse(json) as Record<string, unknown> | null;
  if (m === null || typeof m !== 'object') throw new Error('metadata is not an object');
  if (typeof m.title !== 'string' || m.title.length > MAX_TITLE) throw new Error('metadata without a title');
  if (typeof m.creationTime !== 'number' || typeof m.fileType !== 'number') throw new Error('metadata without a time or type');
  for (const [name, type] of [
    ['modificationTime', 'number'],
    ['size', 'number'],
    ['width', 'number'],
    ['height', 'number'],
    ['mimeType', 'string'],
    ['hash', 'string'],
  ] as const) {
    if (!optional(m[name], type)) throw new Error(`metadata ${name} is not a ${type}`);
  }
  return m as unknown as FileMeta;
}
