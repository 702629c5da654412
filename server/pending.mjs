// Short-lived, single-use entries kept in memory: SRP sessions and recovery challenges. A
// restart forgets them (the client starts over). Bounded so unauthenticated calls cannot grow
// memory without limit, and so that nobody's calls crowd out anybody else's: each subject (an
// SRP user id, an email) holds at most MAX_PENDING_PER_SUBJECT entries, its oldest dropped for
// a new one, and a full pool drops its oldest entry (never a 429 for everyone: about 10,000
// anonymous requests once locked every account's recovery). Real accounts and made-up subjects
// (which anyone can invent) go to separate pools, so made-up ones never push out real ones.
import { MAX_PENDING_PER_SUBJECT } from './config.mjs';

export class Pending {
  constructor(ttlMs, now, max) {
    this.ttlMs = ttlMs;
    this.now = now;
    this.max = max;
    this.entries = new Map(); // id -> { value, subject, expires }, oldest first
    this.bySubject = new Map(); // subject -> [id], oldest first
  }

  add(id, value, subject = id) {
    const now = this.now();
    // One TTL per pool: entries expire in the order they were added.
    for (const [key, entry] of this.entries) {
      if (entry.expires > now) break;
      this.delete(key);
    }
    while ((this.bySubject.get(subject)?.length ?? 0) >= MAX_PENDING_PER_SUBJECT) this.delete(this.bySubject.get(subject)[0]);
    if (this.entries.size >= this.max) this.delete(this.entries.keys().next().value);
    this.entries.set(id, { value, subject, expires: now + this.ttlMs });
    this.bySubject.set(subject, [...(this.bySubject.get(subject) ?? []), id]);
  }

  /** The entry's value once: it is removed whether or not it had expired. */
  take(id) {
    const entry = this.entries.get(id);
    this.delete(id);
    return entry && entry.expires > this.now() ? entry.value : undefined;
  }

  delete(id) {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.entries.delete(id);
    const rest = this.bySubject.get(entry.subject).filter((x) => x !== id);
    if (rest.length) this.bySubject.set(entry.subject, rest);
    else this.bySubject.delete(entry.subject);
  }
}
