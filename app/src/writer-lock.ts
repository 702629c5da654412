// One tab per account writes the account's local caches that must stay whole (the search index,
// the library's file pages): the one holding the Web Lock `cipherlens-index-<userId>`. Taken when
// the gallery opens (before the albums load, so the file pages of this log-in are written by it),
// held until the gallery closes; a second tab reads those caches and writes none.

/** The writer lock of account `userId`: `held` resolves to whether this tab got it, `release` lets it go. */
export function holdWriterLock(userId: number): { held: Promise<boolean>; release(): void } {
  let release = () => {};
  const name = `cipherlens-index-${userId}`;
  if (typeof navigator === 'undefined' || !navigator.locks) return { held: Promise.resolve(true), release };
  const held = new Promise<boolean>((granted) => {
    navigator.locks
      .request(name, { ifAvailable: true }, (lock) => {
        granted(lock !== null);
        return lock ? new Promise<void>((resolve) => (release = resolve)) : undefined;
      })
      .catch(() => granted(false));
  });
  return { held, release: () => release() };
}
