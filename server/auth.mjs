// Session tokens and the per-account limit on failed authentications.
// A token is 32 random bytes; the store keeps only its SHA-256. The client gets the bytes sealed
// to its public key and sends them back as X-Auth-Token in URL-safe base64 (as Ente's web
// client does; padding optional).
import { randomBytes, sha256 } from './secrets.mjs';
import { rateLimited, unauthorized } from './http.mjs';

const TOKEN_BYTES = 32;
const TOKEN_TEXT = /^[A-Za-z0-9_+/-]{43}=?$/;

export function tokenHash(text) {
  if (typeof text !== 'string' || !TOKEN_TEXT.test(text)) return undefined;
  const bytes = Buffer.from(text.replace(/=$/, '').replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return bytes.length === TOKEN_BYTES ? sha256(bytes) : undefined;
}

export function makeAuth({ store, secrets, config, now }) {
  return {
    /** A new session for `user`: the sealed token (base64) to hand out. */
    issueToken(user) {
      const token = randomBytes(TOKEN_BYTES);
      store.addToken(sha256(token), user.id, now() + config.tokenTtlSeconds * 1000);
      const sealed = secrets.seal(token, user.keyAttributes.publicKey);
      token.fill(0);
      return sealed;
    },

    /** The signed-in user of a request, or 401. */
    requireUser(req) {
      const hash = tokenHash(req.headers['x-auth-token']);
      const id = hash && store.tokenUserId(hash, now());
      const user = id && store.userById(id);
      if (!user) throw unauthorized();
      return user;
    },

    logout(req) {
      const hash = tokenHash(req.headers['x-auth-token']);
      if (hash) store.deleteToken(hash);
    },

    /**
     * 429 while `subject` ('srp:<srpUserID>', 'recovery:<email>') has used up its failed attempts
     * in the current window; subjects without an account count alike, so the limit reveals nothing.
     */
    checkFailures(subject) {
      const since = now() - config.authFailureWindowMs;
      const { count, oldest } = store.authFailuresSince(subject, since);
      if (count >= config.maxAuthFailures) throw rateLimited(oldest + config.authFailureWindowMs - now());
    },
    recordFailure: (subject) => store.addAuthFailure(subject, now()),
  };
}
