// The gallery server's routes (docs/server-api.md), defined once: the server (server/routes/*)
// serves exactly these, the client (client/src/api.ts) calls them by name, and
// tests/server/contract.test.mjs holds the server's table and this one to the document's tables.
// Plain JavaScript with JSDoc types, so `node server/main.mjs` runs it as it is.

/** @typedef {'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'} Method */
/**
 * Who may call a route: anyone ('none'), a signed-in account ('account', X-Auth-Token) or a
 * public link's holder ('link', X-Auth-Access-Token).
 * @typedef {'none' | 'account' | 'link'} Auth
 */
/** @typedef {{ readonly method: Method, readonly path: string, readonly auth: Auth }} Route */

/**
 * @param {Method} method
 * @param {string} path  `:name` marks a path parameter
 * @param {Auth} auth
 * @returns {Route}
 */
const route = (method, path, auth) => Object.freeze({ method, path, auth });

export const ROUTES = Object.freeze({
  // Accounts (Ente's key attributes + SRP)
  signUp: route('POST', '/api/users', 'none'),
  srpAttributes: route('POST', '/api/srp/attributes', 'none'),
  srpSession: route('POST', '/api/srp/session', 'none'),
  srpVerify: route('POST', '/api/srp/verify', 'none'),
  logout: route('POST', '/api/logout', 'account'),
  me: route('GET', '/api/users/me', 'account'),
  putIdentity: route('PUT', '/api/users/me/identity', 'account'),
  record: route('GET', '/api/users/me/record', 'account'),
  putRecord: route('PUT', '/api/users/me/record', 'account'),
  usage: route('GET', '/api/users/me/usage', 'account'),
  recoveryBegin: route('POST', '/api/recovery/begin', 'none'),
  recoveryComplete: route('POST', '/api/recovery/complete', 'none'),
  // Contacts
  publicKey: route('GET', '/api/users/public-key', 'account'),
  // Collections (albums)
  createCollection: route('POST', '/api/collections', 'account'),
  collections: route('GET', '/api/collections', 'account'),
  rename: route('POST', '/api/collections/:id/rename', 'account'),
  share: route('POST', '/api/collections/:id/share', 'account'),
  role: route('POST', '/api/collections/:id/role', 'account'),
  unshare: route('POST', '/api/collections/:id/unshare', 'account'),
  leave: route('POST', '/api/collections/:id/leave', 'account'),
  createPublicLink: route('POST', '/api/collections/:id/public-link', 'account'),
  deletePublicLink: route('DELETE', '/api/collections/:id/public-link', 'account'),
  // Album logs
  log: route('GET', '/api/collections/:id/log', 'account'),
  appendLog: route('POST', '/api/collections/:id/log', 'account'),
  // Organising: files in several albums, moves, renames, album deletion
  addFiles: route('POST', '/api/collections/:id/files', 'account'),
  removeFiles: route('POST', '/api/collections/:id/remove-files', 'account'),
  moveFiles: route('POST', '/api/collections/move-files', 'account'),
  deleteCollection: route('DELETE', '/api/collections/:id', 'account'),
  putMagicMetadata: route('PUT', '/api/files/:id/magic-metadata', 'account'),
  // Trash
  trashFiles: route('POST', '/api/trash', 'account'),
  trash: route('GET', '/api/trash', 'account'),
  restoreFiles: route('POST', '/api/trash/restore', 'account'),
  deleteFiles: route('POST', '/api/trash/delete', 'account'),
  // Uploads (resumable) and files
  createUpload: route('POST', '/api/uploads', 'account'),
  uploadOffset: route('HEAD', '/api/uploads/:objectKey', 'account'),
  uploadPiece: route('PATCH', '/api/uploads/:objectKey', 'account'),
  createFile: route('POST', '/api/files', 'account'),
  removeFile: route('DELETE', '/api/files/:id', 'account'),
  files: route('GET', '/api/collections/:id/files', 'account'),
  fileContents: route('GET', '/api/files/:id/file', 'account'),
  thumbnail: route('GET', '/api/files/:id/thumbnail', 'account'),
  putMlData: route('PUT', '/api/files/:id/ml', 'account'),
  mlData: route('POST', '/api/files/ml', 'account'),
  mlChanges: route('GET', '/api/collections/:id/ml', 'account'),
  // Public links
  publicCollection: route('GET', '/api/public/collection', 'link'),
  publicLog: route('GET', '/api/public/log', 'link'),
  publicFiles: route('GET', '/api/public/files', 'link'),
  publicFileContents: route('GET', '/api/public/files/:id/file', 'link'),
  publicThumbnail: route('GET', '/api/public/files/:id/thumbnail', 'link'),
  publicMlData: route('POST', '/api/public/files/ml', 'link'),
  // User entities (Ente's: people as "cgroup"), opaque ciphertext under a per-type key
  entityKey: route('GET', '/api/user-entity/key', 'account'),
  createEntityKey: route('POST', '/api/user-entity/key', 'account'),
  createEntity: route('POST', '/api/user-entity/entity', 'account'),
  updateEntity: route('PUT', '/api/user-entity/entity/:id', 'account'),
  deleteEntity: route('DELETE', '/api/user-entity/entity/:id', 'account'),
  entityDiff: route('GET', '/api/user-entity/entity/diff', 'account'),
});

/** @typedef {keyof typeof ROUTES} RouteName */

/** Header names of the contract (HTTP header names compare case-insensitively). */
export const HEADERS = Object.freeze({
  authToken: 'X-Auth-Token',
  accessToken: 'X-Auth-Access-Token',
  uploadOffset: 'Upload-Offset',
  uploadLength: 'Upload-Length',
});

/** The error codes of `{ error, message }` answers. */
export const ERROR_CODES = Object.freeze([
  'bad_request',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'gone',
  'too_large',
  'quota_exceeded',
  'timeout',
  'rate_limited',
  'insufficient_storage',
  'unavailable',
  'server_error',
]);

/**
 * A route's path with its `:name` parameters filled in (URI-encoded).
 * @param {Route} r
 * @param {Record<string, string | number>} [params]
 * @returns {string}
 */
export function pathOf(r, params = {}) {
  return r.path.replace(/:(\w+)/g, (_, name) => {
    const value = params[name];
    if (value === undefined) throw new TypeError(`${r.method} ${r.path}: missing :${name}`);
    return encodeURIComponent(String(value));
  });
}
