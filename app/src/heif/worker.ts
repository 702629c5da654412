// HEIC/HEIF (what iPhones save) decoded with libheif-js (libheif and libde265 built with
// Emscripten: no eval, so it runs under the app's CSP with 'wasm-unsafe-eval'). A classic worker
// (Emscripten's glue detects a worker by importScripts), started per upload batch or viewed photo
// and ended after (remote.ts); the image comes back as an ImageBitmap, transferred.
import { expose, transfer } from 'comlink';
import libheif from 'libheif-js/libheif-wasm/libheif.js';

/** Pixels a HEIF image may have: an iPhone's largest (48 MP) twice over. Bounded before decoding. */
const MAX_PIXELS = 100_000_000;

interface HeifImage {
  get_width(): number;
  get_height(): number;
  is_primary(): boolean;
  has_alpha_channel(): boolean;
  display(data: ImageData, done: (d: ImageData | null) => void): void;
  free(): void;
}
interface Libheif {
  HeifDecoder: new () => { decode(bytes: Uint8Array): HeifImage[] };
}

let module: Promise<Libheif> | undefined;

const load = (wasmUrl: string) => {
  module ??= fetch(wasmUrl)
    .then((r) => r.arrayBuffer())
    .then((wasmBinary) => (libheif as (o: object) => Promise<Libheif>)({ wasmBinary }));
  return module;
};

const api = {
  /** The primary image of a HEIF file: its pixels (alpha kept) as an ImageBitmap. */
  async decode(bytes: Uint8Array, wasmUrl: string) {
    const heif = await load(wasmUrl);
    const images = new heif.HeifDecoder().decode(bytes);
    try {
      const image = images.find((i) => i.is_primary()) ?? images[0];
      if (!image) throw new Error('This HEIC/HEIF file cannot be read (damaged or not an image)');
      const width = image.get_width();
      const height = image.get_height();
      if (!(width > 0 && height > 0) || width * height > MAX_PIXELS)
        throw new Error(`This HEIC/HEIF image is too large to show (${width}×${height})`);
      const data = new ImageData(width, height);
      await new Promise<void>((ok, fail) =>
        image.display(data, (d) => (d ? ok() : fail(new Error('This HEIC/HEIF image cannot be decoded')))),
      );
      const bitmap = await createImageBitmap(data);
      return transfer({ bitmap, width, height, alpha: image.has_alpha_channel() }, [bitmap]);
    } finally {
      for (const i of images) i.free();
    }
  },
};
export type HeifWorkerApi = typeof api;

expose(api);
