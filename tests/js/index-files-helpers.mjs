// Encoded test photos for the indexFiles suites (Node and browser): solid colours the colour
// test models tell apart, as JPEG (jpeg-js) or PNG (pngjs), and two kinds of bad file.
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { solidImage } from './clip-helpers.mjs';

export const RED = [230, 20, 20];
export const BLUE = [20, 20, 230];

export function jpegOf(w, h, rgb, seed = 1) {
  return new Uint8Array(jpeg.encode({ data: solidImage(w, h, rgb, 20, seed), width: w, height: h }, 90).data);
}

export function pngOf(w, h, rgb, seed = 1) {
  const png = new PNG({ width: w, height: h });
  png.data = Buffer.from(solidImage(w, h, rgb, 20, seed));
  return new Uint8Array(PNG.sync.write(png));
}

/** Bytes that are no image at all. */
export const garbage = () => new Uint8Array(5000).map((_, i) => (i * 131 + 7) & 0xff);
/** A JPEG cut in its entropy-coded data. */
export const truncatedJpeg = () => {
  const j = jpegOf(96, 64, RED, 9);
  return j.slice(0, Math.floor(j.length * 0.6));
};

/** n files with ids 1..n, reds at odd ids and blues at even ones, JPEG and PNG alternating by pairs. */
export function library(n) {
  return Array.from({ length: n }, (_, i) => {
    const fileId = i + 1;
    const rgb = fileId % 2 ? RED : BLUE;
    return { fileId, bytes: (i >> 1) % 2 ? pngOf(40, 30, rgb, fileId) : jpegOf(48 + i, 32, rgb, fileId) };
  });
}

/** A generator over `items` that records how many it has handed out (`pulled`) and whether it was closed. */
export function countingSource(items) {
  const state = { pulled: 0, closed: false };
  async function* gen() {
    try {
      for (const item of items) {
        state.pulled++;
        yield item;
      }
    } finally {
      state.closed = true;
    }
  }
  return { state, files: gen() };
}
