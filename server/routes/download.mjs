// Sends a claimed blob, whole (200) or one byte range (206) so video can play while it loads.
import { pipeline } from 'node:stream/promises';
import { COMMON_HEADERS, HttpError, notFound } from '../http.mjs';

const RANGE = /^bytes=(\d*)-(\d*)$/;

/** [start, end] (inclusive) of a single Range, undefined for none, or 416. */
function parseRange(header, size) {
  if (header === undefined) return undefined;
  const m = RANGE.exec(header);
  const unsatisfiable = () => new HttpError(416, 'bad_request', 'range not satisfiable', { 'content-range': `bytes */${size}` });
  if (!m || (m[1] === '' && m[2] === '')) throw unsatisfiable();
  let start, end;
  if (m[1] === '') {
    // the last n bytes
    const n = Number(m[2]);
    if (n === 0) throw unsatisfiable();
    start = Math.max(0, size - n);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
    if (start >= size || end < start) throw unsatisfiable();
  }
  return [start, end];
}

export async function sendBlob(req, res, blobs, objectKey) {
  const size = await blobs.size(objectKey);
  if (size === undefined) throw notFound('no such blob');
  const range = parseRange(req.headers.range, size);
  const [start, end] = range ?? [0, size - 1];
  const body = await blobs.read(objectKey, start, end);
  res.writeHead(range ? 206 : 200, {
    ...COMMON_HEADERS,
    'content-type': 'application/octet-stream',
    'content-length': end - start + 1,
    'accept-ranges': 'bytes',
    'cache-control': 'private, no-store',
    ...(range ? { 'content-range': `bytes ${start}-${end}/${size}` } : {}),
  });
  await pipeline(body, res).catch(() => res.destroy());
}
