// Short-lived, single-use entries kept in memory: SRP sessions and recovery challenges. A
// restart forgets them (the client starts over). Bounded so unauthenticated calls cannot
// grow memory without limit.
import { MAX_PENDING_CHALLENGES } from './config.mjs';
import { rateLimited } from './http.mjs';

export class Pending {
  constructor(ttlMs, now) {
    this.ttlMs = ttlMs;
    this.now = now;
    this.entries = new Map();
  }

  add(id, value) {
    const now = this.now();
    for (const [key, entry] of this.entries) if (entry.expires <= now) this.entries.delete(key);
    if (this.entries.size >= MAX_PENDING_CHALLENGES) throw rateLimited(this.ttlMs);
    this.entries.set(id, { value, expires: now + this.ttlMs });
  }

  /** The entry's value once: it is removed whether or not it had expired. */
  take(id) {
    const entry = this.entries.get(id);
    this.entries.delete(id);
    return entry && entry.expires > this.now() ? entry.value : undefined;
  }
}
