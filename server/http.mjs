// The JSON side of HTTP: typed errors, answers, bodies read with a size cap, input checks.
// Every failure a client can cause becomes an HttpError, answered as
// { error: <code>, message } with its status; anything else is a 500 without details.

export class HttpError extends Error {
  constructor(status, code, message, headers = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

export const badRequest = (message) => new HttpError(400, 'bad_request', message);
export const unauthorized = (message = 'missing, unknown or expired token') => new HttpError(401, 'unauthorized', message);
export const forbidden = (message = 'not allowed') => new HttpError(403, 'forbidden', message);
export const notFound = (message = 'not found') => new HttpError(404, 'not_found', message);
export const conflict = (message, headers) => new HttpError(409, 'conflict', message, headers);
export const tooLarge = (message) => new HttpError(413, 'too_large', message);
export const gone = (message) => new HttpError(410, 'gone', message);
export const insufficientStorage = () =>
  new HttpError(
    507,
    'insufficient_storage',
    'the server is out of storage space; nothing of this request was kept, try again later',
  );
export const unavailable = (message) => new HttpError(503, 'unavailable', message, { 'retry-after': '5' });
export const rateLimited = (retryAfterMs) =>
  new HttpError(429, 'rate_limited', 'too many attempts; try later', {
    'retry-after': String(Math.max(1, Math.ceil(retryAfterMs / 1000))),
  });

/** Headers every answer carries (the API's and the static files'). */
export const COMMON_HEADERS = Object.freeze({
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
  'cross-origin-resource-policy': 'same-origin',
});

export function sendJson(res, status, value, headers = {}) {
  const body = Buffer.from(JSON.stringify(value));
  res.writeHead(status, {
    ...COMMON_HEADERS,
    'cache-control': 'no-store',
    'content-type': 'application/json; charset=utf-8',
    'content-length': body.length,
    ...headers,
  });
  res.end(body);
}

export function sendEmpty(res, status = 204, headers = {}) {
  res.writeHead(status, { ...COMMON_HEADERS, 'cache-control': 'no-store', ...headers });
  res.end();
}

// A full disk or quota, as the file system, SQLite and PostgreSQL report it.
const STORAGE_FULL = new Set(['ENOSPC', 'EDQUOT', 'SQLITE_FULL', '53100', 'EntityTooLarge']);

/** The HttpError a failure is answered with: itself, 507 for a full disk, otherwise none (500). */
export function httpErrorOf(error) {
  if (error instanceof HttpError) return error;
  if (STORAGE_FULL.has(error?.code) || STORAGE_FULL.has(error?.name)) return insufficientStorage();
  return undefined;
}

/** Answers an error; the connection closes when the request body was left unread. */
export function sendError(res, failure) {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const error = httpErrorOf(failure) ?? failure;
  const known = error instanceof HttpError;
  const status = known ? error.status : 500;
  const body = known ? { error: error.code, message: error.message } : { error: 'server_error', message: 'internal error' };
  sendJson(res, status, body, known ? error.headers : {});
}

/**
 * Reads a request body of at most `limit` bytes. A declared Content-Length over the limit is
 * refused before reading; a chunked body is counted as it arrives and refused at the limit
 * (the rest is never held in memory). With `idleMs`, a body that stops arriving for that long
 * is dropped (answered 408, then the connection is closed: a stalled client holds nothing); `onData` hears of
 * each chunk.
 */
export async function readBody(req, limit, { idleMs = 0, onData } = {}) {
  const declared = req.headers['content-length'];
  if (declared !== undefined) {
    if (!/^\d+$/.test(declared)) throw badRequest('bad Content-Length');
    if (Number(declared) > limit) throw tooLarge(`body over ${limit} bytes`);
  }
  const chunks = [];
  let length = 0;
  // A stall ends the read without closing the connection: the caller frees what the request
  // holds (an upload's lock) before the 408 goes out, so a client that sees the answer (or the
  // connection close after it) never finds the upload still locked. sendError then closes the
  // connection, the body being unread.
  let idle;
  let onStall;
  const stalled = new Promise((resolve) => {
    onStall = resolve;
  });
  const arm = () => {
    if (!idleMs) return;
    clearTimeout(idle);
    idle = setTimeout(() => onStall({ stalled: true }), idleMs);
  };
  const body = req[Symbol.asyncIterator]();
  let stall = false;
  try {
    arm();
    for (;;) {
      const next = await Promise.race([body.next(), stalled]);
      if (next.stalled) stall = true;
      if (next.stalled || next.done) break;
      arm();
      length += next.value.length;
      if (length > limit) throw tooLarge(`body over ${limit} bytes`);
      chunks.push(next.value);
      onData?.(next.value.length);
    }
  } catch (e) {
    if (e instanceof HttpError) throw e;
    throw badRequest('the request body was cut short'); // the client went away mid-body
  } finally {
    clearTimeout(idle);
  }
  if (stall) throw new HttpError(408, 'timeout', `no bytes for ${idleMs} ms; the piece was dropped`);
  return Buffer.concat(chunks, length);
}

/** A JSON object body; with `{ optional: true }`, an empty body is {}. */
export async function readJson(req, limit, { optional = false } = {}) {
  const text = (await readBody(req, limit)).toString('utf8');
  if (optional && text === '') return {};
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    throw badRequest('body is not valid JSON');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw badRequest('body must be a JSON object');
  return value;
}

// ---- input checks: each returns the value or throws bad_request naming the field ----

// A plain character-class run (no nested quantifier: linear on megabytes of text); the padding
// and length are then checked by re-encoding.
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Standard base64 with padding, canonical (re-encodes to itself), decoding to `bytes` bytes
 * exactly or to between `min` and `max` (over `max` is 413 when `max` is a size cap, `cap`,
 * rather than a shape). Returns the text (what the server stores).
 */
export function b64Field(obj, name, { bytes, min = 1, max, cap = false } = {}) {
  const text = obj?.[name];
  if (typeof text !== 'string' || text.length % 4 !== 0 || !BASE64.test(text))
    throw badRequest(`${name} must be base64 (standard, padded)`);
  const decoded = Buffer.from(text, 'base64');
  if (decoded.toString('base64') !== text) throw badRequest(`${name} is not canonical base64`);
  if (bytes !== undefined && decoded.length !== bytes) throw badRequest(`${name} must be ${bytes} bytes`);
  if (decoded.length < min) throw badRequest(`${name} must be at least ${min} bytes`);
  if (max !== undefined && decoded.length > max) {
    throw (cap ? tooLarge : badRequest)(`${name} must be at most ${max} bytes`);
  }
  return text;
}

export function intField(obj, name, { min = 1, max = Number.MAX_SAFE_INTEGER } = {}) {
  const value = obj?.[name];
  if (!Number.isSafeInteger(value) || value < min || value > max)
    throw badRequest(`${name} must be an integer in [${min}, ${max}]`);
  return value;
}

export function objectField(obj, name) {
  const value = obj?.[name];
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw badRequest(`${name} must be an object`);
  return value;
}

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,189}$/;
/** Emails compare in their canonical form (docs/formats.md): trimmed, NFC, lower case. */
export function emailField(obj, name = 'email') {
  const value = obj?.[name];
  if (typeof value !== 'string') throw badRequest(`${name} must be a string`);
  const email = value.trim().normalize('NFC').toLowerCase().normalize('NFC');
  if (!EMAIL.test(email)) throw badRequest(`${name} is not an email address`);
  return email;
}

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
export function uuidField(obj, name) {
  const value = obj?.[name];
  if (typeof value !== 'string' || !UUID_V4.test(value)) throw badRequest(`${name} must be a lower-case UUID v4`);
  return value;
}

export function stringField(obj, name, { max = 256, pattern } = {}) {
  const value = obj?.[name];
  if (typeof value !== 'string' || value.length === 0 || value.length > max || (pattern && !pattern.test(value))) {
    throw badRequest(`${name} is not valid`);
  }
  return value;
}

/** A positive integer id in a path segment or JSON. */
export function parseId(text) {
  if (typeof text === 'number' && Number.isSafeInteger(text) && text > 0) return text;
  if (typeof text !== 'string' || !/^[1-9]\d{0,15}$/.test(text)) throw notFound();
  const id = Number(text);
  if (!Number.isSafeInteger(id)) throw notFound();
  return id;
}
