// The gallery server's JSON API (docs/server-api.md). The server is untrusted: everything sent
// here is ciphertext, a public key, a salt, a nonce or a size. Errors come back as ApiError
// with the server's code; binary values in JSON are standard base64.

/** Bytes per PATCH of a resumable upload (the server takes at most 8 MiB + 64). */
export const UPLOAD_PIECE_BYTES = 4 * 1024 * 1024;
const UPLOAD_RETRIES = 5;

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export function toB64(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export function fromB64(text) {
  if (typeof text !== 'string') throw new ApiError(0, 'bad_response', 'the server sent a malformed value');
  const s = atob(text);
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

async function failure(res) {
  let body = {};
  try {
    body = await res.json();
  } catch {
    /* not JSON */
  }
  return new ApiError(res.status, body.error ?? 'http_error', body.message ?? `the server answered ${res.status}`);
}

/**
 * A client for one origin; `auth` is `{ token }` for an account, `{ accessToken }` for a
 * public link, or nothing (sign-up and login).
 */
export function createApi(auth = {}) {
  const headers = () => ({
    ...(auth.token ? { 'X-Auth-Token': auth.token } : {}),
    ...(auth.accessToken ? { 'X-Auth-Access-Token': auth.accessToken } : {}),
  });

  async function request(method, path, { json, body, extraHeaders = {}, signal } = {}) {
    const init = { method, headers: { ...headers(), ...extraHeaders }, signal };
    if (json !== undefined) {
      init.body = JSON.stringify(json);
      init.headers['content-type'] = 'application/json';
    } else if (body !== undefined) {
      init.body = body;
      init.headers['content-type'] = 'application/octet-stream';
    }
    const res = await fetch(path, init);
    if (!res.ok) throw await failure(res);
    return res;
  }
  const json = async (method, path, body) => {
    const res = await request(method, path, { json: body });
    return res.status === 204 ? undefined : res.json();
  };
  const bytes = async (path) => new Uint8Array(await (await request('GET', path)).arrayBuffer());
  const prefix = auth.accessToken ? '/api/public' : '/api';

  /**
   * Uploads an object of `size` bytes from `pieces` (an async iterable of Uint8Array, e.g. a
   * stream's ciphertext) resumably: when a PATCH fails (a dropped connection) it asks the server
   * where it is (HEAD) and sends on from that offset. `onProgress(stored, size)`.
   */
  async function upload(size, pieces, onProgress = () => {}) {
    const { objectKey } = await json('POST', '/api/uploads', { size });
    const path = `/api/uploads/${encodeURIComponent(objectKey)}`;
    let offset = 0;
    let start = 0; // where the current piece begins in the object
    for await (const piece of pieces) {
      const end = start + piece.length;
      let failures = 0;
      while (offset < end) {
        try {
          const part = piece.subarray(offset - start, Math.min(end, offset + UPLOAD_PIECE_BYTES) - start);
          const res = await request('PATCH', path, { body: part, extraHeaders: { 'Upload-Offset': String(offset) } });
          offset = Number(res.headers.get('Upload-Offset') ?? offset + part.length);
          failures = 0;
        } catch (e) {
          if (++failures > UPLOAD_RETRIES || (e instanceof ApiError && e.status !== 409 && e.status < 500)) throw e;
          offset = Number((await request('HEAD', path)).headers.get('Upload-Offset'));
          if (!(offset >= start && offset <= end)) throw new ApiError(0, 'upload_lost', 'the server lost part of the upload');
        }
        onProgress(offset, size);
      }
      start = end;
    }
    if (offset !== size) throw new ApiError(0, 'upload_size', 'the upload ended early');
    return objectKey;
  }

  return {
    json,
    upload,
    // Accounts
    signUp: (body) => json('POST', '/api/users', body),
    srpAttributes: (email) => json('POST', '/api/srp/attributes', { email }),
    srpSession: (srpUserID, srpA) => json('POST', '/api/srp/session', { srpUserID, srpA }),
    srpVerify: (sessionID, srpM1) => json('POST', '/api/srp/verify', { sessionID, srpM1 }),
    logout: () => json('POST', '/api/logout'),
    me: () => json('GET', '/api/users/me'),
    recoveryBegin: (email) => json('POST', '/api/recovery/begin', { email }),
    recoveryComplete: (body) => json('POST', '/api/recovery/complete', body),
    publicKey: (email) => json('GET', `/api/users/public-key?email=${encodeURIComponent(email)}`),
    // Albums and files
    collections: () => json('GET', '/api/collections'),
    createCollection: (body) => json('POST', '/api/collections', body),
    share: (id, email, encryptedKey) => json('POST', `/api/collections/${id}/share`, { email, encryptedKey }),
    createPublicLink: (id) => json('POST', `/api/collections/${id}/public-link`),
    files: (collectionID) => json('GET', auth.accessToken ? '/api/public/files' : `/api/collections/${collectionID}/files`),
    createFile: (body) => json('POST', '/api/files', body),
    fileResponse: (id) => request('GET', `${prefix}/files/${id}/file`),
    thumbnail: (id) => bytes(`${prefix}/files/${id}/thumbnail`),
    putMl: (id, body) => json('PUT', `/api/files/${id}/ml`, body),
    ml: (fileIDs) => json('POST', `${prefix}/files/ml`, { fileIDs }),
    publicCollection: () => json('GET', '/api/public/collection'),
  };
}
