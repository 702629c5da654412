// The format and pixel size of an encoded image, read from its first bytes without decoding:
// enough to ask the browser's decoder for a downscaled bitmap up front (a 12 MP photo never
// becomes a 48 MB RGBA buffer) and to refuse a decompression bomb before any pixel is made.
// By hand: the few fixed offsets below are smaller than any package that does this.

/** The encoded formats readImageHeader recognises. */
export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'gif' | 'bmp';

/** An encoded image's format and stored size, read from its first bytes. */
export interface ImageHeader {
  /** The format its magic bytes say. */
  format: ImageFormat;
  /** Stored size (before any EXIF rotation); absent when the header bytes given do not reach it. */
  width?: number;
  /** Stored height (before any EXIF rotation); absent when the bytes given do not reach it. */
  height?: number;
}

/** Bytes read from a Blob to find its size: JPEG's SOF can sit behind 64 KiB EXIF and ICC segments. */
export const HEADER_PROBE_BYTES = 256 * 1024;

const be16 = (b: Uint8Array, i: number) => (b[i] << 8) | b[i + 1];
const le16 = (b: Uint8Array, i: number) => b[i] | (b[i + 1] << 8);
const le24 = (b: Uint8Array, i: number) => le16(b, i) | (b[i + 2] << 16);
const be32 = (b: Uint8Array, i: number) => ((b[i] << 24) >>> 0) + ((b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]);
const ascii = (b: Uint8Array, i: number, s: string) => [...s].every((c, k) => b[i + k] === c.charCodeAt(0));

/** The size in a JPEG's first start-of-frame segment, walking the segments before it. */
function jpegSize(b: Uint8Array): { width?: number; height?: number } {
  let i = 2;
  while (i + 9 < b.length) {
    if (b[i] !== 0xff) return {};
    const m = b[i + 1];
    if (m === 0xff) {
      i++;
      continue;
    } // fill byte
    if (m === 0x01 || (m >= 0xd0 && m <= 0xd7)) {
      i += 2;
      continue;
    } // no length field
    // SOF0..SOF15, except DHT (C4), JPG (C8) and DAC (CC), which share the range.
    if (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc)
      return { height: be16(b, i + 5), width: be16(b, i + 7) };
    if (m === 0xda || m === 0xd9) return {}; // scan or end before any frame
    i += 2 + be16(b, i + 2);
  }
  return {};
}

/** The format and size of an encoded image, or null for bytes that are none of the formats. */
export function readImageHeader(b: Uint8Array): ImageHeader | null {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return { format: 'jpeg', ...jpegSize(b) };
  if (b.length >= 8 && ascii(b, 0, '\x89PNG\r\n\x1a\n')) {
    return b.length >= 24 ? { format: 'png', width: be32(b, 16), height: be32(b, 20) } : { format: 'png' };
  }
  if (b.length >= 12 && ascii(b, 0, 'RIFF') && ascii(b, 8, 'WEBP')) {
    if (b.length >= 30 && ascii(b, 12, 'VP8 '))
      return { format: 'webp', width: le16(b, 26) & 0x3fff, height: le16(b, 28) & 0x3fff };
    if (b.length >= 25 && ascii(b, 12, 'VP8L')) {
      const v = b[21] | (b[22] << 8) | (b[23] << 16) | (b[24] << 24);
      return { format: 'webp', width: (v & 0x3fff) + 1, height: ((v >>> 14) & 0x3fff) + 1 };
    }
    if (b.length >= 30 && ascii(b, 12, 'VP8X')) return { format: 'webp', width: le24(b, 24) + 1, height: le24(b, 27) + 1 };
    return { format: 'webp' };
  }
  if (b.length >= 10 && ascii(b, 0, 'GIF8')) return { format: 'gif', width: le16(b, 6), height: le16(b, 8) };
  if (b.length >= 26 && ascii(b, 0, 'BM')) {
    const dv = new DataView(b.buffer, b.byteOffset, b.length);
    return { format: 'bmp', width: Math.abs(dv.getInt32(18, true)), height: Math.abs(dv.getInt32(22, true)) };
  }
  return null;
}
