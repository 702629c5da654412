// The one error type of the wire: an answer that is not 2xx (status and the server's code), or
// one that does not have the contract's shape (status 0, code 'bad_response').

/** What a failed call carries: the HTTP status, the server's error code and message. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    /** The HTTP status; 0 when the answer was unusable (malformed, or the upload went wrong). */
    readonly status: number,
    /** The contract's error code (`bad_request`, `unauthorized`, ...), or a client-side one. */
    readonly code: string,
    message: string,
    /** The answer's headers (e.g. Retry-After), when there was an answer. */
    readonly headers?: Headers,
    /** The answer's JSON body, when it had one. */
    readonly body?: unknown,
  ) {
    super(message);
  }
}

/** Whether `e` is an answer of the server with this status. */
export const isStatus = (e: unknown, status: number): e is ApiError => e instanceof ApiError && e.status === status;
