// The server suites' client: real crypto from the package's core (Argon2 at Ente's interactive
// limits to stay fast), SRP through fast-srp-hap's SrpClient as Ente's web client runs it, and
// a server per test file in a temporary data directory.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import SRPModule from 'fast-srp-hap';
import { loadCryptoCore } from '../../js/dist/crypto.js';
import { startGalleryServer } from '../../server/app.mjs';

/** Plaintext test inputs from TEST_SEED (tests/js/test-random.mjs); keys and salts come from the core. */
export { randomBytes as testBytes } from '../js/test-random.mjs';

const { SRP, SrpClient } = SRPModule;
const SRP_PARAMS = SRP.params['4096'];
export const core = await loadCryptoCore();
const INTERACTIVE = { opsLimit: 2, memLimit: 64 * 1024 * 1024 };
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
  const server = await startGalleryServer({ port: 0, dataDir: join(dir, 'data'), appDir, ...options });
  let running = true;
  const stop = async () => {
    if (running) await server.close();
    running = false;
  };
  return {
    ...server,
    dir,
    /** Stops the server, keeping its data directory. */
    stop,
    async close() {
      await stop();
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

const wrap = (message, key) => {
  const { ciphertext, nonce } = core.secretbox.encrypt(message, key);
  return [b64(ciphertext), b64(nonce)];
};

/** SRP setup for a KEK: { srpUserID, srpSalt, srpVerifier } and the login subkey. */
function srpSetup(kek) {
  const loginSubKey = core.deriveLoginSubKey(kek);
  const srpUserID = randomUUID();
  const srpSalt = core.randomBytes(16);
  const verifier = SRP.computeVerifier(SRP_PARAMS, Buffer.from(srpSalt), Buffer.from(srpUserID), Buffer.from(loginSubKey));
  return { loginSubKey, srp: { srpUserID, srpSalt: b64(srpSalt), srpVerifier: b64(verifier) } };
}

/** A new account's keys, as Ente's sign-up makes them; every secret kept for the tests. */
export function makeAccount(email, password) {
  const masterKey = core.generateKey();
  const recoveryKey = core.generateKey();
  const kekSalt = core.randomBytes(16);
  const kek = core.deriveKey(password, kekSalt, INTERACTIVE.opsLimit, INTERACTIVE.memLimit);
  const { publicKey, secretKey } = core.box.keypair();
  const [encryptedKey, keyDecryptionNonce] = wrap(masterKey, kek);
  const [encryptedSecretKey, secretKeyDecryptionNonce] = wrap(secretKey, masterKey);
  const [masterKeyEncryptedWithRecoveryKey, masterKeyDecryptionNonce] = wrap(masterKey, recoveryKey);
  const [recoveryKeyEncryptedWithMasterKey, recoveryKeyDecryptionNonce] = wrap(recoveryKey, masterKey);
  const { loginSubKey, srp } = srpSetup(kek);
  const keyAttributes = {
    kekSalt: b64(kekSalt),
    encryptedKey,
    keyDecryptionNonce,
    publicKey: b64(publicKey),
    encryptedSecretKey,
    secretKeyDecryptionNonce,
    ...INTERACTIVE,
    masterKeyEncryptedWithRecoveryKey,
    masterKeyDecryptionNonce,
    recoveryKeyEncryptedWithMasterKey,
    recoveryKeyDecryptionNonce,
  };
  return {
    email,
    password,
    masterKey,
    recoveryKey,
    kek,
    secretKey,
    publicKey,
    loginSubKey,
    keyAttributes,
    signupBody: { email, keyAttributes, ...srp },
  };
}

export async function signup(url, email, password) {
  const account = makeAccount(email, password);
  const res = await api(url, 'POST', '/api/users', { body: account.signupBody });
  if (res.status !== 201) throw new Error(`signup ${res.status} ${JSON.stringify(res.json)}`);
  account.id = res.json.id;
  return account;
}

/** The token of a sealed encryptedToken, as the header carries it. */
export function openToken(encryptedToken, publicKey, secretKey) {
  const bytes = core.box.sealOpen(unb64(encryptedToken), publicKey, secretKey);
  return Buffer.from(bytes).toString('base64url');
}

/**
 * SRP login as Ente's client does it. Resolves to { status, json, token?, masterKey? }: the
 * verify call's answer, and on success the opened token and master key.
 */
export async function login(url, email, password) {
  const attrs = await api(url, 'POST', '/api/srp/attributes', { body: { email } });
  if (attrs.status !== 200) return attrs;
  const { srpUserID, srpSalt, kekSalt, opsLimit, memLimit } = attrs.json;
  const kek = core.deriveKey(password, unb64(kekSalt), opsLimit, memLimit);
  const client = new SrpClient(
    SRP_PARAMS,
    Buffer.from(srpSalt, 'base64'),
    Buffer.from(srpUserID),
    Buffer.from(core.deriveLoginSubKey(kek)),
    Buffer.from(core.randomBytes(32)),
    false,
  );
  const session = await api(url, 'POST', '/api/srp/session', { body: { srpUserID, srpA: b64(client.computeA()) } });
  if (session.status !== 200) return session;
  client.setB(Buffer.from(session.json.srpB, 'base64'));
  const verify = await api(url, 'POST', '/api/srp/verify', {
    body: { sessionID: session.json.sessionID, srpM1: b64(client.computeM1()) },
  });
  if (verify.status !== 200) return verify;
  client.checkM2(Buffer.from(verify.json.srpM2, 'base64')); // throws unless the server knew the verifier
  const ka = verify.json.keyAttributes;
  const masterKey = core.secretbox.decrypt(unb64(ka.encryptedKey), unb64(ka.keyDecryptionNonce), kek);
  const secretKey = core.secretbox.decrypt(unb64(ka.encryptedSecretKey), unb64(ka.secretKeyDecryptionNonce), masterKey);
  const token = openToken(verify.json.encryptedToken, unb64(ka.publicKey), secretKey);
  return { ...verify, token, masterKey, secretKey };
}

/**
 * Recovery with the recovery key: sets `newPassword`; resolves to the complete call's answer.
 * `begun`: the answer of a begin call made earlier, instead of a new one.
 */
export async function recover(url, email, recoveryKey, newPassword, { tamper = false, begun } = {}) {
  const begin = begun ? { status: 200, json: begun } : await api(url, 'POST', '/api/recovery/begin', { body: { email } });
  if (begin.status !== 200) return begin;
  const r = begin.json;
  const masterKey = core.secretbox.decrypt(
    unb64(r.masterKeyEncryptedWithRecoveryKey),
    unb64(r.masterKeyDecryptionNonce),
    recoveryKey,
  );
  const secretKey = core.secretbox.decrypt(unb64(r.encryptedSecretKey), unb64(r.secretKeyDecryptionNonce), masterKey);
  const publicKey = unb64(r.publicKey);
  const challenge = core.box.sealOpen(unb64(r.encryptedChallenge), publicKey, secretKey);
  if (tamper) challenge[0] ^= 1;
  const kekSalt = core.randomBytes(16);
  const kek = core.deriveKey(newPassword, kekSalt, INTERACTIVE.opsLimit, INTERACTIVE.memLimit);
  const [encryptedKey, keyDecryptionNonce] = wrap(masterKey, kek);
  const { srp } = srpSetup(kek);
  const complete = await api(url, 'POST', '/api/recovery/complete', {
    body: {
      challengeID: r.challengeID,
      challenge: b64(challenge),
      kekSalt: b64(kekSalt),
      encryptedKey,
      keyDecryptionNonce,
      ...INTERACTIVE,
      ...srp,
    },
  });
  if (complete.status === 200) complete.token = openToken(complete.json.encryptedToken, publicKey, secretKey);
  return complete;
}

/** A collection named `name`: its key wrapped with the master key, its name with its key. */
export async function createCollection(url, account, token, name) {
  const key = core.generateKey();
  const [encryptedKey, keyDecryptionNonce] = wrap(key, account.masterKey);
  const [encryptedName, nameDecryptionNonce] = wrap(new TextEncoder().encode(name), key);
  const res = await api(url, 'POST', '/api/collections', {
    token,
    body: { encryptedKey, keyDecryptionNonce, encryptedName, nameDecryptionNonce },
  });
  if (res.status !== 201) throw new Error(`collection ${res.status} ${JSON.stringify(res.json)}`);
  return { id: res.json.id, key };
}

/** Uploads `bytes` as a new object in pieces of `piece` bytes; resolves to its key. */
export async function uploadObject(url, token, bytes, piece = 64 * 1024) {
  const created = await api(url, 'POST', '/api/uploads', { token, body: { size: bytes.length } });
  if (created.status !== 201) throw new Error(`upload ${created.status} ${JSON.stringify(created.json)}`);
  const { objectKey } = created.json;
  for (let offset = 0; offset < bytes.length; offset += piece) {
    const res = await api(url, 'PATCH', `/api/uploads/${objectKey}`, {
      token,
      headers: { 'upload-offset': String(offset) },
      raw: bytes.subarray(offset, offset + piece),
    });
    if (res.status !== 204) throw new Error(`piece at ${offset}: ${res.status}`);
  }
  return objectKey;
}

/**
 * A photo in `collection`: stream-encrypted contents, blob-encrypted thumbnail and metadata,
 * the file key wrapped with the collection key. Resolves to the record and its plaintexts.
 */
export async function addFile(url, token, collection, { bytes, thumbnail, title }) {
  const fileKey = core.generateKey();
  const file = core.stream.encrypt(bytes, fileKey);
  const thumb = core.blob.encrypt(thumbnail, fileKey);
  const metadata = core.blob.encrypt(new TextEncoder().encode(JSON.stringify({ title, creationTime: 1, fileType: 0 })), fileKey);
  const fileObject = await uploadObject(url, token, file.ciphertext, 40 * 1024);
  const thumbObject = await uploadObject(url, token, thumb.ciphertext);
  const [encryptedKey, keyDecryptionNonce] = wrap(fileKey, collection.key);
  const res = await api(url, 'POST', '/api/files', {
    token,
    body: {
      collectionID: collection.id,
      encryptedKey,
      keyDecryptionNonce,
      file: { objectKey: fileObject, decryptionHeader: b64(file.header) },
      thumbnail: { objectKey: thumbObject, decryptionHeader: b64(thumb.header) },
      metadata: { encryptedData: b64(metadata.ciphertext), decryptionHeader: b64(metadata.header) },
    },
  });
  if (res.status !== 201) throw new Error(`file ${res.status} ${JSON.stringify(res.json)}`);
  return { id: res.json.id, fileKey, bytes, thumbnail, title, fileObject, thumbObject };
}

/** Opens a listed file record's contents with the collection key. */
export function decryptListed(record, collectionKey, ciphertext) {
  const fileKey = core.secretbox.decrypt(unb64(record.encryptedKey), unb64(record.keyDecryptionNonce), collectionKey);
  return core.stream.decrypt(ciphertext, unb64(record.file.decryptionHeader), fileKey);
}
