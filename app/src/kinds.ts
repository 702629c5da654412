// What a picked file is, from its first bytes first (a name or a type can lie or be missing: a
// .HEIC from a phone often comes with no type), then its type and extension: a photo the browser
// decodes, a HEIC/HEIF photo (decoded with libheif), another photo or video, or something the
// gallery does not keep (a document, an archive).
export type Kind = 'image' | 'heif' | 'video' | 'unsupported';

const SNIFF_BYTES = 64;
const HEIF_BRANDS = ['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1', 'heif'];
const IMAGE_EXTENSIONS = /\.(jpe?g|png|gif|webp|avif|bmp|tiff?|heic|heif|dng|cr2|cr3|nef|arw|orf|rw2|raf)$/i;
const VIDEO_EXTENSIONS = /\.(mp4|m4v|mov|webm|mkv|avi|3gp|mts|m2ts)$/i;

const ascii = (b: Uint8Array, from: number, to: number) => String.fromCharCode(...b.subarray(from, to));

export async function kindOf(file: File): Promise<Kind> {
  const head = new Uint8Array(await file.slice(0, SNIFF_BYTES).arrayBuffer());
  if (ascii(head, 4, 8) === 'ftyp') {
    const brand = ascii(head, 8, 12);
    if (HEIF_BRANDS.includes(brand)) return 'heif';
    if (brand === 'avif' || brand === 'avis') return 'image';
    return 'video'; // ISO BMFF otherwise: MP4, MOV, 3GP
  }
  if (head[0] === 0xff && head[1] === 0xd8) return 'image'; // JPEG, even a damaged one
  if (ascii(head, 1, 4) === 'PNG' || ascii(head, 0, 3) === 'GIF' || ascii(head, 8, 12) === 'WEBP') return 'image';
  if (head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3) return 'video'; // WebM, Matroska
  if (/^image\/hei[cf]/.test(file.type) || /\.hei[cf]$/i.test(file.name)) return 'heif';
  if (file.type.startsWith('image/') || IMAGE_EXTENSIONS.test(file.name)) return 'image';
  if (file.type.startsWith('video/') || VIDEO_EXTENSIONS.test(file.name)) return 'video';
  return 'unsupported';
}

/** The MIME type to record: the browser's, or the one the bytes showed. */
export function mimeOf(file: File, kind: Kind): string {
  if (kind === 'heif') return /^image\/hei[cf]/.test(file.type) ? file.type : 'image/heic';
  return file.type || (kind === 'video' ? 'video/mp4' : 'application/octet-stream');
}
