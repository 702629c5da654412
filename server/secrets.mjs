// The server's own randomness and hashes (node:crypto), its secret for made-up answers, and
// the package's core for the one public-key operation it does: sealing to an account's key.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadCryptoCore } from '../js/dist/crypto.js';

/** Where servers before the shared database kept the secret; adopted if it is there. */
const LEGACY_SECRET_FILE = 'server-secret';
const SECRET_BYTES = 32;

export const sha256 = (bytes) => createHash('sha256').update(bytes).digest();
export const randomKey = () => randomBytes(16).toString('hex'); // object keys, session ids
export { randomBytes };

export function sameBytes(a, b) {
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The secret that keys the made-up answers, kept in the metadata store so that every instance
 * makes up the same ones (an answer that changed between instances would tell that an email
 * has no account). The first instance's candidate wins.
 */
async function serverSecret(store, dataDir) {
  let candidate = randomBytes(SECRET_BYTES);
  try {
    const legacy = await readFile(join(dataDir, LEGACY_SECRET_FILE));
    if (legacy.length === SECRET_BYTES) candidate = legacy;
  } catch (e) {
    if (e.code !== 'ENOENT') throw e;
  }
  const secret = await store.serverSecret('made-up-answers', candidate);
  if (secret.length !== SECRET_BYTES) throw new Error(`the stored server secret is not ${SECRET_BYTES} bytes`);
  return secret;
}

export async function openSecrets(store, dataDir) {
  const core = await loadCryptoCore();
  const secret = await serverSecret(store, dataDir);
  /** `length` stable pseudo-random bytes for (label, subject): HMAC-SHA256 in counter mode. */
  const madeUp = (label, subject, length) => {
    const parts = [];
    for (let i = 0; parts.length * 32 < length; i++) {
      parts.push(createHmac('sha256', secret).update(`${label}\0${i}\0${subject}`).digest());
    }
    return Buffer.concat(parts).subarray(0, length);
  };
  return {
    madeUp,
    /** crypto_box_seal of `message` to a base64 public key; base64 out. */
    seal(message, publicKeyB64) {
      return Buffer.from(core.box.seal(message, Buffer.from(publicKeyB64, 'base64'))).toString('base64');
    },
    /**
     * A stable made-up X25519 public key for (label, subject): a real key pair's (the secret key
     * made up, then X25519 of the base point), because random bytes would give themselves away
     * (a real public key is below 2^255 and a point of the curve, not of its twist).
     */
    madeUpPublicKey(label, subject) {
      const secretKey = madeUp(label, subject, 32);
      const publicKey = Buffer.from(core.box.publicKey(secretKey)).toString('base64');
      secretKey.fill(0);
      return publicKey;
    },
  };
}
