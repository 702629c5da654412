/** Why a model could not be loaded or used, as a stable code callers can switch on. */
export type ModelErrorCode =
  | 'FETCH_FAILED' // network error or a non-2xx answer
  | 'SIZE_MISMATCH' // the bytes are not the expected length
  | 'HASH_MISMATCH' // the bytes do not have the expected SHA-256
  | 'NOT_A_MODEL' // the answer is no ONNX model (e.g. an HTML page: an app's fallback route, a dev server's 404 page)
  | 'UNSUPPORTED_MODEL'; // the model's inputs/outputs are not a CLIP signature we can feed

/** Raised while fetching, verifying, caching or running a CLIP model. */
export class ModelError extends Error {
  /** What went wrong: FETCH_FAILED, SIZE_MISMATCH, HASH_MISMATCH, NOT_A_MODEL or UNSUPPORTED_MODEL. */
  readonly code: ModelErrorCode;
  /** The model file concerned (its name or URL). */
  readonly model: string;

  /** The message is prefixed with the model's name; `cause` keeps the underlying error (a fetch's, ONNX Runtime's). */
  constructor(code: ModelErrorCode, model: string, message: string, options?: ErrorOptions) {
    super(`${model}: ${message}`, options);
    this.name = 'ModelError';
    this.code = code;
    this.model = model;
  }
}
