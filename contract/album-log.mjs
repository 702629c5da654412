// The signed album log's framing (docs/formats.md, "Signed album logs"), defined once for the
// server, which stores entries opaquely and enforces only their order, and the client
// (client/src/trust/), which writes, verifies and folds them. Plain JavaScript with JSDoc types,
// so the server runs it as it is.
//
// An entry is a canonical statement (client/src/trust/canonical.ts) whose first fields sit at fixed
// offsets: the tag's length byte and text, then the album id (u64), the sequence number (u64) and
// the previous entry's hash (32 bytes). The hash of an entry is SHA-256(entry ‖ signature).

/** The tag that opens every album log entry (a version change is a new tag). */
export const LOG_ENTRY_TAG = 'cipherlens/album-log-entry/1';
/** An Ed25519 signature follows each entry. */
export const LOG_SIGNATURE_BYTES = 64;
/** SHA-256 of entry ‖ signature: the chain's link and an album's head. */
export const LOG_HASH_BYTES = 32;
/** The largest entry the server stores (the client's entries are a few hundred bytes). */
export const MAX_LOG_ENTRY_BYTES = 4096;
/** Entries one log request returns at most (the client asks again from the next sequence). */
export const MAX_LOG_PAGE = 1000;

const TAG_BYTES = new TextEncoder().encode(LOG_ENTRY_TAG);
const ALBUM_AT = 1 + TAG_BYTES.length;
const SEQ_AT = ALBUM_AT + 8;
const PREV_AT = SEQ_AT + 8;
/** Where an entry's own fields begin, after album, sequence and previous hash. */
export const LOG_HEAD_BYTES = PREV_AT + LOG_HASH_BYTES;

/**
 * The fields the server checks of an entry (its album, its place in the chain), read from the
 * entry's bytes; undefined if they do not open with the log's tag or are too short.
 * @param {Uint8Array} entry
 * @returns {{ albumId: number, seq: number, prev: Uint8Array } | undefined}
 */
export function readLogEntryHead(entry) {
  if (entry.length < LOG_HEAD_BYTES || entry[0] !== TAG_BYTES.length) return undefined;
  for (let i = 0; i < TAG_BYTES.length; i++) if (entry[1 + i] !== TAG_BYTES[i]) return undefined;
  const view = new DataView(entry.buffer, entry.byteOffset, entry.byteLength);
  /** @param {number} at */
  const u64 = (at) => {
    const high = view.getUint32(at);
    return high < 0x200000 ? high * 2 ** 32 + view.getUint32(at + 4) : undefined; // at most 2^53 - 1
  };
  const albumId = u64(ALBUM_AT);
  const seq = u64(SEQ_AT);
  if (albumId === undefined || seq === undefined) return undefined;
  return { albumId, seq, prev: entry.subarray(PREV_AT, PREV_AT + LOG_HASH_BYTES) };
}
