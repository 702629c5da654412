export { loadCore, type Core } from './core.js';
export { compileCore, type LoadOptions } from './loader.js';
export { CoreError, type CoreErrorCode } from './errors.js';
export type { DerivedKey } from './keys.js';
export type { StreamEncryptor, StreamDecryptor } from './stream.js';
export { CHUNK_BYTES, CIPHER_CHUNK_BYTES } from './stream.js';
export {
  CLIP_CONTEXT_LENGTH, CLIP_IMAGE_SIDE, CLIP_IMAGE_FLOATS, CLIP_DOWNSCALE_DEFAULT, CLIP_MAX_TEXT_UNITS,
  type RgbaPixels, type RgbaImage, type ClipImageOptions,
} from './clip.js';
