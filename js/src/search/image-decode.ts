// Encoded photo (JPEG, PNG, WebP...) to RGBA for the image model. Browsers decode with
// createImageBitmap, asked for the downscaled size up front so a 12 MP photo is never a 48 MB
// RGBA buffer; Node decodes JPEG and PNG with the pure-JS jpeg-js and pngjs packages (optional
// peers, loaded through '#node-image' so browser bundles never include or need them).
import { CoreError, badInput } from '../runtime/errors.js';
import { HEADER_PROBE_BYTES, readImageHeader, type ImageFormat, type ImageHeader } from './image-header.js';

/** RGBA pixels as a decoder returns them. */
export interface DecodedImage {
  /** width * height * 4 bytes, row by row. */
  rgba: Uint8Array | Uint8ClampedArray;
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
}

/** What decodeImage hands out: the pixels in an ArrayBuffer of their own (never a SharedArrayBuffer). */
export interface DecodedPixels extends DecodedImage {
  /** width * height * 4 bytes, row by row. */
  rgba: Uint8Array<ArrayBuffer> | Uint8ClampedArray<ArrayBuffer>;
}

/** An encoded image: its bytes, or a Blob/File (read only as far as the decoder needs). */
export type EncodedImage = Uint8Array | Blob;

/**
 * Decodes an image whose header was read; its longest side should be at most `maxSide` when the
 * decoder can scale while decoding (larger results are downscaled afterwards). Throw on bad data.
 */
export type ImageDecoder = (data: EncodedImage, header: ImageHeader, maxSide: number) => Promise<DecodedImage>;

/** Images of more pixels than this are refused from their header, before anything is decoded. */
export const MAX_IMAGE_PIXELS = 200_000_000;

/**
 * The most pixels an image may claim to be decoded in Node (40 MP), also from its header before
 * decoding. jpeg-js and pngjs decode at full size and jpeg-js needs about 30 bytes per pixel
 * while it does (measured: a 618-byte file whose header claims 8000x8000 took 1.9 GB and 4 s
 * before the decoder gave up on the missing data), so this bounds one photo at about 1.2 GB.
 * Browsers decode straight to the size the model needs and allow MAX_IMAGE_PIXELS.
 */
export const MAX_NODE_IMAGE_PIXELS = 40_000_000;

type NodeDecoders = { nodeDecoder(format: ImageFormat): Promise<ImageDecoder> };

/** createImageBitmap + OffscreenCanvas: the browser's own decoders, off the main thread in workers. */
export const decodeInBrowser = async (data: EncodedImage, header: ImageHeader, maxSide: number): Promise<DecodedPixels> => {
  const blob = data instanceof Blob ? data : new Blob([data as Uint8Array<ArrayBuffer>]);
  const { width = 0, height = 0 } = header;
  const scale = Math.min(1, maxSide / Math.max(width, height, 1));
  // One side only: the other follows the aspect ratio, also after an EXIF rotation swapped them.
  const resize: ImageBitmapOptions =
    scale < 1 ? { resizeWidth: Math.max(1, Math.round(width * scale)), resizeQuality: 'high' } : {};
  const bitmap = await createImageBitmap(blob, { imageOrientation: 'from-image', premultiplyAlpha: 'none', ...resize });
  try {
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const context = canvas.getContext('2d', { willReadFrequently: true });
    if (!context) throw new Error('no 2d context on an OffscreenCanvas');
    context.drawImage(bitmap, 0, 0);
    return { rgba: context.getImageData(0, 0, bitmap.width, bitmap.height).data, width: bitmap.width, height: bitmap.height };
  } finally {
    bitmap.close();
  }
};

const inBrowser = () => typeof createImageBitmap === 'function' && typeof OffscreenCanvas === 'function';

/**
 * The platform's decoder for `format`: the browser's where there is one, else jpeg-js / pngjs
 * (Node), loaded here so a missing package stops the caller (a plain Error naming the install
 * command) instead of failing each file as a bad image.
 */
async function platformDecoder(format: ImageFormat): Promise<ImageDecoder> {
  if (inBrowser()) return decodeInBrowser;
  return ((await import('#node-image' as string)) as NodeDecoders).nodeDecoder(format);
}

async function headerBytes(data: EncodedImage): Promise<Uint8Array> {
  if (data instanceof Uint8Array) return data;
  if (data instanceof Blob) return new Uint8Array(await data.slice(0, HEADER_PROBE_BYTES).arrayBuffer());
  throw badInput('an image must be a Uint8Array or a Blob');
}

/**
 * Decodes one encoded image to RGBA. Anything wrong with the image itself (not an image,
 * truncated, too many pixels, a format the platform cannot decode) is a CoreError BAD_INPUT.
 */
export async function decodeImage(data: EncodedImage, maxSide: number, decoder?: ImageDecoder): Promise<DecodedPixels> {
  const header = readImageHeader(await headerBytes(data));
  if (!header) throw badInput('not an image (JPEG, PNG, WebP, GIF or BMP)');
  const { format, width, height } = header;
  if (width !== undefined && height !== undefined) {
    if (width < 1 || height < 1) throw badInput(`the ${format} header says ${width}x${height} pixels`);
    if (width * height > MAX_IMAGE_PIXELS)
      throw badInput(`the ${format} has ${width}x${height} pixels, more than ${MAX_IMAGE_PIXELS}`);
  }
  const decode = decoder ?? (await platformDecoder(format)); // outside the try: a missing package is not a bad file
  let image: DecodedImage;
  try {
    image = await decode(data, header, maxSide);
  } catch (e) {
    if (e instanceof CoreError) throw e;
    throw badInput(`cannot decode the ${format}: ${(e as Error)?.message ?? String(e)}`);
  }
  const { rgba, width: w, height: h } = image ?? {};
  if (!(rgba instanceof Uint8Array || rgba instanceof Uint8ClampedArray) || !(w >= 1 && h >= 1) || rgba.length !== w * h * 4) {
    throw badInput(`the ${format} decoder returned no RGBA image of width*height*4 bytes`);
  }
  // A decoder's pixels in shared memory are copied into a buffer of their own.
  const own = rgba.buffer instanceof ArrayBuffer ? rgba : rgba.slice();
  return { rgba: own as DecodedPixels['rgba'], width: w, height: h };
}
