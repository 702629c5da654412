// Node's image decoders ('#node-image' in package.json, never in browser bundles): JPEG with
// jpeg-js, PNG with pngjs, both pure JS and optional peer dependencies of the package, loaded
// on first use. Other formats need a decoder of the caller's (the `decodeImage` option).
// Both decode at full size, so the pixels an image may claim are bounded here, before decoding.
import { badInput } from '../runtime/errors.js';
import { MAX_NODE_IMAGE_PIXELS, type DecodedImage, type ImageDecoder } from './image-decode.js';
import type { ImageFormat, ImageHeader } from './image-header.js';

type Jpeg = {
  decode(bytes: Uint8Array, options: Record<string, unknown>): { data: Uint8Array; width: number; height: number };
};
/** Node's Buffer (pngjs reads through its methods); not in the package's browser typings. */
type NodeBuffer = { from(buffer: ArrayBufferLike, offset: number, length: number): Uint8Array };
type Png = { PNG: { sync: { read(bytes: Uint8Array): { data: Uint8Array; width: number; height: number } } } };

/** jpeg-js's estimate of its own memory use may not exceed this (about 30 bytes per pixel at 40 MP). */
const JPEG_MAX_MEMORY_MB = 1280;

/**
 * The fewest bytes an encoded image of `pixels` pixels can take: a JPEG codes every 8x8 block of
 * at least one component with at least one bit, and deflate (PNG) packs at most 1032 bytes into
 * one, of at least one bit per pixel. A few hundred bytes claiming 14000x14000 are refused.
 */
function minEncodedBytes(format: ImageFormat, pixels: number): number {
  return format === 'jpeg' ? pixels / 64 / 8 : pixels / 8 / 1032;
}

/** Refuses, from the header alone, an image Node would spend too much memory decoding. */
function checkBounds(header: ImageHeader, encodedBytes: number): void {
  const { format, width, height } = header;
  if (width === undefined || height === undefined) return; // the decoder finds no frame: a bad file
  const pixels = width * height;
  if (pixels > MAX_NODE_IMAGE_PIXELS) {
    throw badInput(
      `the ${format} has ${width}x${height} pixels, more than the ${MAX_NODE_IMAGE_PIXELS / 1e6} MP Node decodes ` +
        '(at full size, about 30 bytes a pixel); pass a decodeImage function that scales while decoding (e.g. sharp)',
    );
  }
  const least = Math.ceil(minEncodedBytes(format, pixels));
  if (encodedBytes < least) {
    throw badInput(
      `the ${format} claims ${width}x${height} pixels in ${encodedBytes} bytes; that many pixels take at least ${least}`,
    );
  }
}

async function load<T>(name: string): Promise<T> {
  try {
    const mod = (await import(name)) as { default?: T };
    return (mod.default ?? mod) as T;
  } catch (cause) {
    // A set-up problem, not a bad file: a plain Error (before any file is decoded), so indexFiles
    // stops with this hint instead of reporting every file as bad.
    throw new Error(`cipherlens: decoding images in Node needs the ${name} package (npm i ${name})`, { cause });
  }
}

const rgbaOf = (img: { data: Uint8Array; width: number; height: number }): DecodedImage => ({
  rgba: new Uint8Array(img.data.buffer, img.data.byteOffset, img.data.length),
  width: img.width,
  height: img.height,
});

const bytesOf = async (data: Uint8Array | Blob) => (data instanceof Uint8Array ? data : new Uint8Array(await data.arrayBuffer()));

/**
 * The decoder for `format` with its package loaded: a missing jpeg-js or pngjs throws here (a
 * plain Error naming the install command), not while a file is decoded.
 */
export async function nodeDecoder(format: ImageFormat): Promise<ImageDecoder> {
  if (format === 'png') {
    const png = await load<Png>('pngjs');
    const NodeBuffer = (globalThis as unknown as { Buffer: NodeBuffer }).Buffer;
    return async (data, header) => {
      checkBounds(header, data instanceof Uint8Array ? data.length : data.size);
      const bytes = await bytesOf(data);
      return rgbaOf(png.PNG.sync.read(NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.length)));
    };
  }
  if (format === 'jpeg') {
    const jpeg = await load<Jpeg>('jpeg-js');
    return async (data, header) => {
      checkBounds(header, data instanceof Uint8Array ? data.length : data.size);
      // tolerantDecoding off: a truncated file is an error, not a photo with a grey bottom.
      return rgbaOf(
        jpeg.decode(await bytesOf(data), {
          useTArray: true,
          formatAsRGBA: true,
          tolerantDecoding: false,
          maxResolutionInMP: MAX_NODE_IMAGE_PIXELS / 1e6,
          maxMemoryUsageInMB: JPEG_MAX_MEMORY_MB,
        }),
      );
    };
  }
  return async () => {
    throw badInput(`Node cannot decode ${format} here: pass a decodeImage function (e.g. one using sharp)`);
  };
}
