// What MobileCLIP, as Ente runs it, fixes: every CLIP number the search side uses, defined once
// (docs/formats.md). The C++ side has its own (wasm/search/clip_*.hpp); the CLIP tests check
// that the core's tokens and preprocessed images have these sizes.

/** Floats in one embedding (MobileCLIP-S2's output). */
export const CLIP_DIMS = 512;
/** Tokens per text-model input (int32 [1, 77]). */
export const CLIP_CONTEXT_LENGTH = 77;
/** CLIP's end-of-text token: the second id of an empty text's tokens ([start, end, 0, ...]). */
export const CLIP_END_TOKEN = 49407;
/** Side of the float image model's input (float32 [1, 3, 256, 256]). */
export const CLIP_IMAGE_SIDE = 256;
/** Floats in one preprocessed image: 3 * 256 * 256. */
export const CLIP_IMAGE_FLOATS = 3 * CLIP_IMAGE_SIDE * CLIP_IMAGE_SIDE;
/** Ente's match threshold on the dot product of normalised CLIP embeddings. */
export const ENTE_CLIP_MIN_SCORE = 0.175;
/** Longest side fed to an RGBA image model by default; larger photos are downscaled first. */
export const DEFAULT_MAX_IMAGE_SIDE = 1024;
