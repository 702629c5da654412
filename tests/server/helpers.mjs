// The server suites' client: the gallery's own client (client/, built for Node into
// build/client/) with real crypto from the package's core (Argon2 at Ente's interactive limits to
// stay fast) and SRP in this thread as Ente's web client runs it; raw requests for what a client
// would never send; a server per test file in a temporary data directory.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCryptoCore } from '../../js/dist/crypto.js';
import * as client from '../../build/client/index.mjs';
import { startGalleryServer } from '../../server/app.mjs';
import { backendOptions } from './backends.mjs';

/** Plaintext test inputs from TEST_SEED (tests/js/test-random.mjs); keys and salts come from the core. */
export { randomBytes as testBytes } from '../js/test-random.mjs';
import { randomBytes as seededBytes } from '../js/test-random.mjs';

export { client };
export const core = await loadCryptoCore();
export const b64 = (bytes) => Buffer.from(bytes).toString('base64');
export const unb64 = (text) => new Uint8Array(Buffer.from(text, 'base64'));
export const APP_INDEX = '<!doctype html><title>gallery test app</title>';

/** A temporary folder (removed by the returned cleanup). */
export async function tempDir(prefix) {
  return mkdtemp(join(tmpdir(), `gallery-${prefix}-`));
}

/** A controllable clock for expiry and rate-limit windows (no sleeping in tests). */
export function testClock() {
  let t = Date.now();
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
  };
}

/** A server on a free port over a fresh data directory and a tiny app folder. */
export async function startTestServer(options = {}) {
  const dir = await tempDir('server');
  const appDir = join(dir, 'app');
  await mkdir(appDir);
  await writeFile(join(appDir, 'index.html'), APP_INDEX);
  // The run's back end (backends.mjs: SQLite and a folder, or PostgreSQL and S3) unless a test brings its own stores.
  const stores = options.metadataStore && options.blobStore ? {} : await backendOptions();
  const server = await startGalleryServer({ port: 0, dataDir: join(dir, 'data'), appDir, ...stores, ...options });
  let running = true;
  const stop = async (options) => {
    if (running) await server.close(options);
    running = false;
  };
  return {
    ...server,
    dir,
    /** Stops the server, keeping its data directory. */
    stop,
    async close(options) {
      await stop(options);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** One API call: { status, headers, json, bytes }. */
export async function api(url, method, path, { token, accessToken, body, headers = {}, raw } = {}) {
  const h = { ...headers };
  if (token) h['x-auth-token'] = token;
  if (accessToken) h['x-auth-access-token'] = accessToken;
  let payload;
  if (raw !== undefined) payload = raw;
  else if (body !== undefined) {
    payload = typeof body === 'string' ? body : JSON.stringify(body);
    h['content-type'] = 'application/json';
  }
  const res = await fetch(url + path, { method, headers: h, body: payload });
  const bytes = new Uint8Array(await res.arrayBuffer());
  let json;
  if (bytes.length > 0 && (res.headers.get('content-type') ?? '').startsWith('application/json'))
    json = JSON.parse(Buffer.from(bytes).toString('utf8'));
  return { status: res.status, headers: res.headers, json, bytes };
}

/** The client's options for the server at `url`: this thread's core and SRP, Argon2 at Ente's interactive limits. */
export const clientOptions = (url, more = {}) => ({
  crypto: core,
  srp: client.localSrp,
  kdf: 'interactive',
  baseUrl: url,
  ...more,
});

/** A failed ceremony or call as the raw helper `api` reports it: { status, json, headers }. */
function failure(e) {
  const answer = e instanceof client.ApiError ? e : e?.cause;
  if (!(answer instanceof client.ApiError) || answer.status === 0) throw e;
  return { status: answer.status, json: answer.body, headers: answer.headers };
}

/** A new account's keys, made by the client's sign-up ceremony; every secret kept for the tests. */
export async function makeAccount(url, email, password) {
  const keys = await client.makeAccountKeys(clientOptions(url), email, password);
  return {
    email,
    password,
    masterKey: keys.masterKey,
    recoveryKey: keys.recoveryKey,
    kek: keys.kek,
    secretKey: keys.secretKey,
    publicKey: keys.keyAttributes.publicKey,
    loginSubKey: core.deriveLoginSubKey(keys.kek),
    keyAttributes: client.toWire(keys.keyAttributes),
    newKeys: keys,
    signupBody: { email, keyAttributes: client.toWire(keys.keyAttributes), ...client.toWire(keys.srp) },
  };
}

export async function signup(url, email, password) {
  const account = await makeAccount(url, email, password);
  const { id } = await client.createApi(clientOptions(url)).signUp(email, account.newKeys.keyAttributes, account.newKeys.srp);
  account.id = id;
  return account;
}

/**
 * A fetch that sends each request to the next of `urls` in turn: a client whose calls alternate
 * between several instances of the server (tests/server/instances.test.mjs).
 */
function rotating(urls, base = fetch) {
  let i = 0;
  return (input, init) => {
    const to = new URL(String(input));
    const instance = new URL(urls[i++ % urls.length]);
    to.protocol = instance.protocol;
    to.host = instance.host;
    return base(to, init);
  };
}
/** The client's options for `url`, or for several instances in turn when it is an array. */
const optionsFor = (url, more = {}) =>
  Array.isArray(url) ? clientOptions(url[0], { ...more, fetch: rotating(url, more.fetch) }) : clientOptions(url, more);

/**
 * SRP login with the client (as Ente's client does it). Resolves to { status, json, token?,
 * masterKey?, secretKey? }: the verify call's answer, and on success the opened token and keys.
 * `url` may list several instances: the client's calls go to each in turn.
 */
export async function login(url, email, password) {
  try {
    const s = await client.logIn(optionsFor(url), email, password);
    const json = {
      id: s.id,
      email: s.email,
      keyAttributes: client.toWire(s.keyAttributes),
      encryptedToken: b64(s.encryptedToken),
    };
    return { status: 200, json, token: s.token, masterKey: s.masterKey, secretKey: s.secretKey, session: s };
  } catch (e) {
    return failure(e);
  }
}

/**
 * Recovery with the client and the recovery key: sets `newPassword`; resolves to the complete
 * call's answer. `tamper` flips a bit of the challenge on its way to the server.
 */
export async function recover(url, email, recoveryKey, newPassword, { tamper = false } = {}) {
  const tampering = async (input, init) => {
    if (String(input).endsWith(client.ROUTES.recoveryComplete.path)) {
      const body = JSON.parse(init.body);
      const challenge = unb64(body.challenge);
      challenge[0] ^= 1;
      init = { ...init, body: JSON.stringify({ ...body, challenge: b64(challenge) }) };
    }
    return fetch(input, init);
  };
  try {
    const s = await client.recover(optionsFor(url, tamper ? { fetch: tampering } : {}), email, recoveryKey, newPassword);
    return { status: 200, json: { encryptedToken: b64(s.encryptedToken) }, token: s.token };
  } catch (e) {
    return failure(e);
  }
}

/** The client's library for a signed-in `account` (its keys) and `token`. */
export function libraryOf(url, account, token) {
  const { id: userId, masterKey, publicKey, secretKey } = account;
  const signing = account.newKeys.signing; // signs the album log's entries
  return new client.Library(core, client.createApi(clientOptions(url), { token }), {
    userId,
    masterKey,
    publicKey,
    secretKey,
    signing,
  });
}

/** A collection named `name`, made by the client: { id, key }. */
export async function createCollection(url, account, token, name) {
  const album = await libraryOf(url, account, token).createAlbum(name);
  return { id: album.id, key: album.key };
}

/** Uploads `bytes` as a new object in pieces of `piece` bytes with the client; resolves to its key. */
export async function uploadObject(url, token, bytes, piece = 64 * 1024) {
  return client.createApi(clientOptions(url), { token }).upload(bytes.length, [bytes], { pieceBytes: piece });
}

/**
 * A photo in `collection`, uploaded by the client: stream-encrypted contents, blob-encrypted
 * thumbnail and metadata, the file key wrapped with the collection key. Resolves to the record
 * and its plaintexts.
 */
export async function addFile(url, token, collection, { bytes, thumbnail, title }) {
  const api = client.createApi(clientOptions(url), { token });
  const album = { ...collection, name: '', owner: null, sharees: [], mine: true, unreadable: 0 };
  const meta = { title, creationTime: 1, fileType: 0 };
  const { id } = await api.me();
  const file = await client.uploadFile(core, api, album, id, { contents: [bytes], size: bytes.length, thumbnail, meta });
  return { id: file.id, fileKey: file.key, bytes, thumbnail, title };
}

/** Opens a listed file record's contents with the collection key. */
export function decryptListed(record, collectionKey, ciphertext) {
  const fileKey = core.secretbox.decrypt(unb64(record.encryptedKey), unb64(record.keyDecryptionNonce), collectionKey);
  return core.stream.decrypt(ciphertext, unb64(record.file.decryptionHeader), fileKey);
}

/** A file record's body for two uploads, with placeholder keys and metadata (for tests of the server's side only). */
export const placeholderRecord = (collectionID, fileObject, thumbObject) => ({
  collectionID,
  encryptedKey: b64(new Uint8Array(48)),
  keyDecryptionNonce: b64(new Uint8Array(24)),
  file: { objectKey: fileObject, decryptionHeader: b64(new Uint8Array(24)) },
  thumbnail: { objectKey: thumbObject, decryptionHeader: b64(new Uint8Array(24)) },
  metadata: { encryptedData: b64(new Uint8Array(40)), decryptionHeader: b64(new Uint8Array(24)) },
});

/** Uploads a thumbnail and makes the record of an uploaded stream (`objectKey`, `header`) in `collection`. */
export async function recordUpload(url, token, collection, fileKey, objectKey, header) {
  const thumb = core.blob.encrypt(seededBytes(100), fileKey);
  const thumbKey = await uploadObject(url, token, thumb.ciphertext);
  const wrapped = core.secretbox.encrypt(fileKey, collection.key);
  const meta = core.blob.encrypt(new TextEncoder().encode('{}'), fileKey);
  return api(url, 'POST', '/api/files', {
    token,
    body: {
      collectionID: collection.id,
      encryptedKey: b64(wrapped.ciphertext),
      keyDecryptionNonce: b64(wrapped.nonce),
      file: { objectKey, decryptionHeader: b64(header) },
      thumbnail: { objectKey: thumbKey, decryptionHeader: b64(thumb.header) },
      metadata: { encryptedData: b64(meta.ciphertext), decryptionHeader: b64(meta.header) },
    },
  });
}
