// The one error type of the trust layer: what the server (or a sharer) sent does not hold up.
// `code` says which check failed; the message is for logs and tests, `messages.ts` words what
// a person sees.

export type TrustErrorCode =
  /** Bytes that are not a canonical statement of the expected kind. */
  | 'malformed'
  /** A signature that does not verify under the key it claims. */
  | 'bad-signature'
  /** An account's keys that do not match its own secret keys, or are not bound to each other. */
  | 'identity'
  /** A log whose entries do not chain (sequence, previous hash, album). */
  | 'broken-chain'
  /** A log entry its author may not make, or that contradicts the state before it. */
  | 'not-allowed'
  /** An encrypted record that does not open or belongs to another account. */
  | 'record';

export class TrustError extends Error {
  readonly code: TrustErrorCode;
  /** The log entry involved, when there is one. */
  readonly seq?: number;

  constructor(code: TrustErrorCode, message: string, seq?: number) {
    super(message);
    this.name = 'TrustError';
    this.code = code;
    if (seq !== undefined) this.seq = seq;
  }
}
