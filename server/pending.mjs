// Short-lived, single-use entries in the shared database: SRP sessions and recovery challenges.
// Any instance can take an entry another one added (a log-in begun on one instance finishes on
// another); each is taken once, and expired ones are pruned. Growth is bounded by the
// per-address limits on the routes that add them (auth.mjs limitAddress).
export class Pending {
  constructor(store, kind, ttlMs, now) {
    this.store = store;
    this.kind = kind;
    this.ttlMs = ttlMs;
    this.now = now;
  }

  add(id, value) {
    return this.store.addPending(this.kind, id, value, this.now() + this.ttlMs);
  }

  /** The entry's value once: it is removed whether or not it had expired. */
  take(id) {
    return this.store.takePending(this.kind, id, this.now());
  }
}
