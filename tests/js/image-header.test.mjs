// readImageHeader and decodeImage's checks before decoding: the format and size read from the
// first bytes (what browsers are asked to downscale to), and the files refused from them alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { readImageHeader, decodeImage, MAX_NODE_IMAGE_PIXELS } from '../../js/dist/index.js';
import { jpegOf, pngOf, RED } from './index-files-helpers.mjs';
import { hostileTable } from './hostile-table.mjs';

const record = hostileTable(import.meta.url);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The CoreError `promise` rejects with (after the caller's assert.rejects passed on it). */
const rejection = (promise) =>
  promise.then(
    () => assert.fail('expected a rejection'),
    (e) => e,
  );

const bytes = (...parts) =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));
const le32 = (v) => [v & 255, (v >> 8) & 255, (v >> 16) & 255, (v >>> 24) & 255];

test('sizes of JPEG (behind a large APP1 segment), PNG, GIF, BMP and the three WebP kinds', () => {
  const jpeg = jpegOf(123, 45, RED);
  assert.deepEqual(readImageHeader(jpeg), { format: 'jpeg', width: 123, height: 45 });
  // A 60 KB EXIF-like segment between SOI and the frame header.
  const app1 = new Uint8Array(60000);
  app1.set([0xff, 0xe1, (60000 - 2) >> 8, (60000 - 2) & 255]);
  const withExif = new Uint8Array([...jpeg.subarray(0, 2), ...app1, ...jpeg.subarray(2)]);
  assert.deepEqual(readImageHeader(withExif), { format: 'jpeg', width: 123, height: 45 });
  assert.deepEqual(readImageHeader(pngOf(77, 9, RED)), { format: 'png', width: 77, height: 9 });
  assert.deepEqual(readImageHeader(bytes('GIF89a', [10, 1, 20, 0])), { format: 'gif', width: 266, height: 20 });
  assert.deepEqual(readImageHeader(bytes('BM', new Array(16).fill(0), le32(640), le32(-480))), {
    format: 'bmp',
    width: 640,
    height: 480,
  });
  const riff = (chunk, body) => bytes('RIFF', le32(100), 'WEBP', chunk, body);
  assert.deepEqual(readImageHeader(riff('VP8 ', [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80, 0x02, 0xe0, 0x01])), {
    format: 'webp',
    width: 640,
    height: 480,
  });
  // VP8L: 14-bit width-1 and height-1 after the 0x2f signature byte.
  const v = 639 | (479 << 14);
  assert.deepEqual(readImageHeader(riff('VP8L', [0, 0, 0, 0, 0x2f, ...le32(v)])), { format: 'webp', width: 640, height: 480 });
  assert.deepEqual(readImageHeader(riff('VP8X', [0, 0, 0, 0, 0, 0, 0, 0, 0x7f, 0x02, 0, 0xdf, 0x01, 0])), {
    format: 'webp',
    width: 640,
    height: 480,
  });
});

test('not images, and headers cut short', () => {
  assert.equal(readImageHeader(new Uint8Array(0)), null);
  assert.equal(readImageHeader(bytes('hello world, not an image')), null);
  assert.deepEqual(readImageHeader(jpegOf(8, 8, RED).subarray(0, 12)), { format: 'jpeg' });
  assert.deepEqual(readImageHeader(pngOf(8, 8, RED).subarray(0, 12)), { format: 'png' });
});

test('decodeImage refuses a pixel bomb and a zero size from the header, and decodes what it can', async () => {
  const png = pngOf(16, 8, RED);
  const bomb = png.slice();
  bomb.set([0, 1, 0x86, 0xa0, 0, 1, 0x86, 0xa0], 16); // 100000 x 100000
  await assert.rejects(decodeImage(bomb, 1024), {
    name: 'CoreError',
    code: 'BAD_INPUT',
    message: /100000x100000 pixels, more than/,
  });
  record(
    'decodeImage (indexFile, indexFiles)',
    'a PNG whose header claims 100000 x 100000 pixels (a decompression bomb)',
    await rejection(decodeImage(bomb, 1024)),
    'refused from the header before anything is decoded',
  );
  const zero = png.slice();
  zero.set([0, 0, 0, 0], 16);
  await assert.rejects(decodeImage(zero, 1024), { name: 'CoreError', code: 'BAD_INPUT', message: /0x8 pixels/ });
  record(
    'decodeImage (indexFile, indexFiles)',
    'a PNG whose header claims a width of 0',
    await rejection(decodeImage(zero, 1024)),
    'refused from the header',
  );
  await assert.rejects(decodeImage('not bytes', 1024), { name: 'CoreError', code: 'BAD_INPUT', message: /Uint8Array or a Blob/ });
  await assert.rejects(decodeImage(bytes('GIF89a', [1, 0, 1, 0]), 1024), {
    name: 'CoreError',
    code: 'BAD_INPUT',
    message: /Node cannot decode gif/,
  });
  const { width, height, rgba } = await decodeImage(new Blob([png]), 1024);
  assert.deepEqual([width, height, rgba.length], [16, 8, 16 * 8 * 4]);
  // A decoder of the caller's, and one that returns nonsense.
  const custom = await decodeImage(png, 1024, async (_data, header) => ({
    rgba: new Uint8Array(4),
    width: 1,
    height: 1,
    ...{ format: header.format },
  }));
  assert.equal(custom.width, 1);
  await assert.rejects(
    decodeImage(png, 1024, async () => ({ rgba: new Uint8Array(3), width: 1, height: 1 })),
    { code: 'BAD_INPUT', message: /no RGBA image/ },
  );
  await assert.rejects(
    decodeImage(png, 1024, async () => {
      throw new TypeError('boom');
    }),
    { name: 'CoreError', code: 'BAD_INPUT', message: /cannot decode the png: boom/ },
  );
});

/** A real JPEG whose start-of-frame is rewritten to claim `w` x `h` pixels (the scan stays tiny). */
function jpegClaiming(w, h) {
  const b = Buffer.from(jpegOf(16, 16, RED));
  for (let i = 2; i < b.length; i += 2 + b.readUInt16BE(i + 2)) {
    if (b[i + 1] === 0xc0) {
      b.writeUInt16BE(h, i + 5);
      b.writeUInt16BE(w, i + 7);
      return new Uint8Array(b);
    }
  }
  throw new Error('no SOF0');
}

test('Node refuses, before decoding, a JPEG whose header claims more than it can decode: no gigabytes spent', async () => {
  // 618 bytes claiming 14000 x 14000: jpeg-js used to allocate about 2 GB for 5-7 s before failing.
  const tiny = jpegClaiming(14000, 14000);
  assert.ok(tiny.length < 1000);
  await assert.rejects(decodeImage(tiny, 1024), {
    name: 'CoreError',
    code: 'BAD_INPUT',
    message: /more than the 40 MP Node decodes/,
  });
  // Within the pixel bound, but far too few bytes for that many pixels.
  const small = jpegClaiming(6000, 6000);
  await assert.rejects(decodeImage(small, 1024), {
    name: 'CoreError',
    code: 'BAD_INPUT',
    message: /6000x6000 pixels in \d+ bytes; that many pixels take at least 70313/,
  });
  assert.equal(MAX_NODE_IMAGE_PIXELS, 40_000_000);
  // The peak memory of a process that tries both, against one that only loads the decoder.
  const peak = (code) =>
    Number(execFileSync(process.execPath, ['--input-type=module', '-e', code], { cwd: ROOT, encoding: 'utf8' }).trim());
  const dist = JSON.stringify(new URL('../../js/dist/index.js', import.meta.url).href);
  const bytesOf = (u8) => JSON.stringify(Buffer.from(u8).toString('base64'));
  const tried = peak(`import { decodeImage } from ${dist};
for (const b of [${bytesOf(tiny)}, ${bytesOf(small)}]) await decodeImage(Buffer.from(b, 'base64'), 1024).catch(() => {});
console.log(process.resourceUsage().maxRSS);`);
  const idle = peak(`import { decodeImage } from ${dist};
await decodeImage(Buffer.from(${bytesOf(jpegOf(16, 16, RED))}, 'base64'), 1024);
console.log(process.resourceUsage().maxRSS);`);
  assert.ok(tried - idle < 64 * 1024, `peak memory grew by ${((tried - idle) / 1024).toFixed(0)} MB`); // KiB
  record(
    'decodeImage in Node (indexFile, indexFiles)',
    'a 618-byte JPEG whose header claims 14000 x 14000 pixels; one claiming 6000 x 6000 in as few bytes',
    await rejection(decodeImage(tiny, 1024)),
    'refused from the header (40 MP bound, bytes too few for the pixels) before jpeg-js allocates; peak memory unchanged',
  );
});
