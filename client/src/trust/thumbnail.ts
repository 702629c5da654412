// Bounds on a thumbnail a sharer (or the server) sent, checked before anything decodes it: its
// ciphertext's size before it is downloaded, and its image header's pixel count before an <img>
// or a bitmap is made (one 389 KB PNG declaring 20000 x 20000 pixels once cost the page 1.9 GiB).
// A thumbnail that fails is skipped: its photo shows without one, and nothing else stops.
import { readImageHeader } from 'cipherlens/search';

/** Thumbnails are JPEGs of at most 720 px (Ente's; ours are 320): 1 MiB of ciphertext is ample. */
export const MAX_THUMBNAIL_BYTES = 1024 * 1024;
/** The largest side and pixel count a thumbnail may declare. */
export const MAX_THUMBNAIL_SIDE = 2048;
export const MAX_THUMBNAIL_PIXELS = 2048 * 2048;

export type ThumbnailCheck =
  | { ok: true; format: string; width: number; height: number }
  | { ok: false; reason: 'too-large' | 'not-an-image' | 'too-many-pixels' };

/** Whether a thumbnail of `bytes` (ciphertext, as listed) may be downloaded at all. */
export const thumbnailSizeAllowed = (bytes: number) => Number.isSafeInteger(bytes) && bytes > 0 && bytes <= MAX_THUMBNAIL_BYTES;

/** Checks a decrypted thumbnail's header: a JPEG, PNG or WebP of a bounded, declared size. */
export function checkThumbnail(plain: Uint8Array): ThumbnailCheck {
  if (plain.length > MAX_THUMBNAIL_BYTES) return { ok: false, reason: 'too-large' };
  const header = readImageHeader(plain);
  if (!header || !['jpeg', 'png', 'webp'].includes(header.format) || !header.width || !header.height) {
    return { ok: false, reason: 'not-an-image' };
  }
  const { width, height } = header;
  if (width > MAX_THUMBNAIL_SIDE || height > MAX_THUMBNAIL_SIDE || width * height > MAX_THUMBNAIL_PIXELS) {
    return { ok: false, reason: 'too-many-pixels' };
  }
  return { ok: true, format: header.format, width, height };
}
