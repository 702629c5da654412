// '#node-image' outside Node (package.json): browsers decode with createImageBitmap, so this
// stands in for node-image.ts and keeps jpeg-js and pngjs out of browser bundles.
import type { ImageDecoder } from './image-decode.js';
import type { ImageFormat } from './image-header.js';

export async function nodeDecoder(_format: ImageFormat): Promise<ImageDecoder> {
  throw new Error('cipherlens: no image decoder here (no createImageBitmap/OffscreenCanvas): pass a decodeImage function');
}
