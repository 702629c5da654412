// Resumable uploads (docs/server-api.md, "Uploads"): an object is created with its size and sent
// in pieces of UPLOAD_PIECE_BYTES, one ciphertext chunk each, whatever sizes the source yields.
// When a PATCH fails (a dropped connection) the client asks the server where it is (HEAD) and
// sends on from that offset, within the piece it still holds.
import { HEADERS, ROUTES } from '../../../contract/routes.mjs';
import { UPLOAD_PIECE_BYTES } from '../../../contract/limits.mjs';
import { ApiError } from './errors.js';
import type { Http } from './http.js';
import * as answers from './answers.js';
import { parse } from './parse.js';

export type ByteChunks = AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

export interface UploadOptions {
  /** Bytes stored on the server so far, and the object's size. */
  onProgress?: (stored: number, size: number) => void;
  /** Bytes per PATCH; the contract's piece (one ciphertext chunk) by default. */
  pieceBytes?: number;
  signal?: AbortSignal;
  /**
   * An object created earlier (an upload cut off, e.g. by a closed tab): the server is asked how
   * much it has, and `source`, which must give the same bytes again, is sent only from there.
   */
  objectKey?: string;
  /** Told the new object's key before any byte is sent (to resume it later); awaited. */
  onCreated?: (objectKey: string) => void | Promise<void>;
}

const RETRIES = 5;

/**
 * `source` cut into pieces of `pieceBytes` (the last one shorter) however it is chunked. One
 * buffer is reused: a piece is only read until the next one is asked for.
 */
export async function* pieces(source: ByteChunks, pieceBytes: number, size: number): AsyncGenerator<Uint8Array> {
  let buffer: Uint8Array | undefined;
  let fill = 0;
  for await (const chunk of source) {
    let at = 0;
    while (at < chunk.length) {
      if (fill === 0 && chunk.length - at >= pieceBytes) {
        yield chunk.subarray(at, at + pieceBytes);
        at += pieceBytes;
        continue;
      }
      buffer ??= new Uint8Array(Math.min(pieceBytes, size));
      const take = Math.min(buffer.length - fill, chunk.length - at);
      buffer.set(chunk.subarray(at, at + take), fill);
      fill += take;
      at += take;
      if (fill === buffer.length) {
        yield buffer;
        fill = 0;
      }
    }
  }
  if (fill) yield buffer!.subarray(0, fill);
}

const offsetOf = (res: Response): number => {
  const value = Number(res.headers.get(HEADERS.uploadOffset));
  if (!Number.isSafeInteger(value) || value < 0) throw new ApiError(0, 'bad_response', 'the server sent no upload offset');
  return value;
};

/** Uploads `size` bytes from `source` as a new object; resolves to its object key. */
export async function uploadObject(http: Http, size: number, source: ByteChunks, options: UploadOptions = {}): Promise<string> {
  const { onProgress, pieceBytes = UPLOAD_PIECE_BYTES, signal } = options;
  let objectKey = options.objectKey;
  if (objectKey === undefined) {
    const res = await http(ROUTES.createUpload, { json: { size }, signal });
    objectKey = parse(answers.upload, await res.json(), 'upload').objectKey;
    await options.onCreated?.(objectKey);
  }
  const params = { objectKey };
  let offset = 0;
  if (options.objectKey !== undefined) {
    const head = await http(ROUTES.uploadOffset, { params, signal });
    offset = offsetOf(head);
    const length = Number(head.headers.get(HEADERS.uploadLength));
    if (length !== size || offset > size) throw new ApiError(0, 'upload_lost', 'the server holds another upload under that key');
    onProgress?.(offset, size);
  }
  let start = 0; // where the current piece begins in the object
  for await (const piece of pieces(source, pieceBytes, size)) {
    const end = start + piece.length;
    if (end > size) throw new ApiError(0, 'upload_size', 'the upload is longer than its size');
    if (end <= offset) {
      start = end; // a resumed upload: the server has this piece already
      continue;
    }
    let failures = 0;
    while (offset < end) {
      try {
        const body = piece.subarray(offset - start);
        const done = await http(ROUTES.uploadPiece, {
          params,
          body,
          headers: { [HEADERS.uploadOffset]: String(offset) },
          signal,
        });
        offset = offsetOf(done);
        failures = 0;
      } catch (e) {
        if (signal?.aborted || ++failures > RETRIES || (e instanceof ApiError && e.status !== 409 && e.status < 500)) throw e;
        offset = offsetOf(await http(ROUTES.uploadOffset, { params, signal }));
      }
      if (!(offset >= start && offset <= end)) throw new ApiError(0, 'upload_lost', 'the server lost part of the upload');
      onProgress?.(offset, size);
    }
    start = end;
  }
  if (offset !== size) throw new ApiError(0, 'upload_size', 'the upload ended early');
  return objectKey;
}
