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

/** The client's address: the socket's, or behind a trusted proxy the last X-Forwarded-For hop. */
export function clientAddress(req, config) {
  if (config.trustProxy) {
    const hops = String(req.headers['x-forwarded-for'] ?? '')
      .split(',')
      .map((h) => h.trim())
      .filter(Boolean);
    if (hops.length > 0) return hops[hops.length - 1];
  }
  return req.socket.remoteAddress ?? 'unknown';
}

export function makeAuth({ store, secrets, config, now }) {
  return {
    /** A new session for `user`: the sealed token (base64) to hand out. */
    async issueToken(user) {
      const token = randomBytes(TOKEN_BYTES);
      await store.addToken(sha256(token), user.id, now() + config.tokenTtlSeconds * 1000);
      const sealed = secrets.seal(token, user.keyAttributes.publicKey);
      token.fill(0);
      return sealed;
    },

    /** The signed-in user of a request, or 401. */
    async requireUser(req) {
      const hash = tokenHash(req.headers['x-auth-token']);
      const id = hash && (await store.tokenUserId(hash, now()));
      const user = id && (await store.userById(id));
      if (!user) throw unauthorized();
      return user;
    },

    async logout(req) {
      const hash = tokenHash(req.headers['x-auth-token']);
      if (hash) await store.deleteToken(hash);
    },

    /**
     * 429 while `subject` ('srp:<srpUserID>', 'recovery:<email>') has used up its failed attempts
     * in the current window; subjects without an account count alike, so the limit reveals nothing.
     */
    async checkFailures(subject) {
      const since = now() - config.authFailureWindowMs;
      const { count, oldest } = await store.authFailuresSince(subject, since);
      if (count >= config.maxAuthFailures) throw rateLimited(oldest + config.authFailureWindowMs - now());
    },
    recordFailure: (subject) => store.addAuthFailure(subject, now()),

    /**
     * 429 once the request's address has made `config.addressLimit.max` calls to the
     * expensive routes (sign-up, SRP, recovery) in the current window; counted in the shared
     * database, so every instance sees the same count.
     */
    async limitAddress(req) {
      const { max, windowMs } = config.addressLimit;
      const start = now() - (now() % windowMs);
      const count = await store.hit(`auth|${clientAddress(req, config)}`, start);
      if (count > max) throw rateLimited(start + windowMs - now());
    },
  };
}
