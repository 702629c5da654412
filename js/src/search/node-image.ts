// Node's image decoders ('#node-image' in package.json, never in browser bundles): JPEG with
// jpeg-js, PNG with pngjs, both pure JS and optional peer dependencies of the package, loaded
// on first use. Other formats need a decoder of the caller's (the `decodeImage` option).
import { badInput } from '../runtime/errors.js';
import { MAX_IMAGE_PIXELS, type DecodedImage, type ImageDecoder } from './image-decode.js';

type Jpeg = {
  decode(bytes: Uint8Array, options: Record<string, unknown>): { data: Uint8Array; width: number; height: number };
};
/** Node's Buffer (pngjs reads through its methods); not in the package's browser typings. */
type NodeBuffer = { from(buffer: ArrayBufferLike, offset: number, length: number): Uint8Array };
type Png = { PNG: { sync: { read(bytes: Uint8Array): { data: Uint8Array; width: number; height: number } } } };

/** jpeg-js's estimate of its own memory use may not exceed this (a 200 MP photo needs ~800 MB). */
const JPEG_MAX_MEMORY_MB = 1024;

async function load<T>(name: string): Promise<T> {
  try {
    const mod = (await import(name)) as { default?: T };
    return (mod.default ?? mod) as T;
  } catch (cause) {
    // A set-up problem, not a bad file: a plain Error, so indexFiles stops instead of skipping every file.
    throw new Error(`cipherlens: decoding images in Node needs the ${name} package (npm i ${name})`, { cause });
  }
}

const rgbaOf = (img: { data: Uint8Array; width: number; height: number }): DecodedImage => ({
  rgba: new Uint8Array(img.data.buffer, img.data.byteOffset, img.data.length),
  width: img.width,
  height: img.height,
});

export const decodeInNode: ImageDecoder = async (data, header) => {
  if (header.format !== 'jpeg' && header.format !== 'png') {
    throw badInput(`Node cannot decode ${header.format} here: pass a decodeImage function (e.g. one using sharp)`);
  }
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(await data.arrayBuffer());
  if (header.format === 'png')
    return rgbaOf(
      (await load<Png>('pngjs')).PNG.sync.read(
        (globalThis as unknown as { Buffer: NodeBuffer }).Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length),
      ),
    );
  // tolerantDecoding off: a truncated file is an error, not a photo with a grey bottom.
  return rgbaOf(
    (await load<Jpeg>('jpeg-js')).decode(bytes, {
      useTArray: true,
      formatAsRGBA: true,
      tolerantDecoding: false,
      maxResolutionInMP: MAX_IMAGE_PIXELS / 1e6,
      maxMemoryUsageInMB: JPEG_MAX_MEMORY_MB,
    }),
  );
};
