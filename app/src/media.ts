// Pixels, not crypto: thumbnails of photos (createImageBitmap + OffscreenCanvas; HEIC/HEIF through
// libheif in a worker) and videos (a frame drawn from a <video>), transparency kept (WebP, or
// PNG where the browser cannot write WebP); a placeholder when no preview can be made (the file
// is uploaded all the same); a HEIC made viewable; and the MediaSource type of a WebM video.
import { FILE_TYPE } from '../../client/src/index.js';
import { decodeHeif } from './heif/remote.js';
import { kindOf, mimeOf, type Kind } from './kinds.js';

export const THUMBNAIL_SIDE = 320;
const THUMBNAIL_QUALITY = 0.8;
const VIDEO_FRAME_AT = 0.1; // seconds: past a black first frame, within any clip
const VIEW_QUALITY = 0.92;

interface Picture {
  bitmap: ImageBitmap;
  width: number;
  height: number;
}

/** Whether any pixel of the canvas is not fully opaque. */
function hasAlpha(ctx: OffscreenCanvasRenderingContext2D, w: number, h: number): boolean {
  const data = ctx.getImageData(0, 0, w, h).data;
  for (let i = 3; i < data.length; i += 4) if (data[i] < 255) return true;
  return false;
}

/** `source` drawn at most `side` px wide and high, as JPEG, or WebP/PNG if it has transparency. */
async function encode(source: CanvasImageSource, width: number, height: number, side: number, quality: number) {
  const scale = Math.min(1, side / Math.max(width, height));
  const w = Math.max(1, Math.round(width * scale));
  const h = Math.max(1, Math.round(height * scale));
  const canvas = new OffscreenCanvas(w, h);
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  ctx.drawImage(source, 0, 0, w, h);
  const type = hasAlpha(ctx, w, h) ? 'image/webp' : 'image/jpeg';
  const blob = await canvas.convertToBlob({ type, quality });
  return new Uint8Array(await blob.arrayBuffer());
}

/** A frame of the video in `blob`, with the video's size. */
async function videoFrame(blob: Blob): Promise<Picture> {
  const url = URL.createObjectURL(blob);
  const video = document.createElement('video');
  video.muted = true;
  video.preload = 'auto';
  try {
    await new Promise((ok, fail) => {
      video.onloadeddata = ok;
      video.onerror = () => fail(new Error('This video cannot be read by the browser'));
      video.src = url;
    });
    video.currentTime = Math.min(VIDEO_FRAME_AT, video.duration / 2 || 0);
    await new Promise((ok) => {
      video.onseeked = ok;
    });
    const bitmap = await createImageBitmap(video);
    return { bitmap, width: video.videoWidth, height: video.videoHeight };
  } finally {
    video.removeAttribute('src');
    video.load();
    URL.revokeObjectURL(url);
  }
}

async function picture(base: URL, file: Blob, kind: Kind): Promise<Picture> {
  if (kind === 'video') return videoFrame(file);
  if (kind === 'heif') return decodeHeif(base, file);
  const bitmap = await createImageBitmap(file);
  return { bitmap, width: bitmap.width, height: bitmap.height };
}

/**
 * The placeholder thumbnail of a file without a preview: a grey tile with its extension, so the
 * grid shows something and the file is kept all the same.
 */
async function placeholder(name: string): Promise<Uint8Array> {
  const canvas = new OffscreenCanvas(THUMBNAIL_SIDE, (THUMBNAIL_SIDE * 3) / 4);
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#c9ced8';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.fillStyle = '#39435a';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.font = '600 40px system-ui, sans-serif';
  const ext = /\.([a-z0-9]{1,5})$/i.exec(name)?.[1]?.toUpperCase() ?? 'FILE';
  ctx.fillText(ext, canvas.width / 2, canvas.height / 2 - 18);
  ctx.font = '20px system-ui, sans-serif';
  ctx.fillText('no preview', canvas.width / 2, canvas.height / 2 + 26);
  return new Uint8Array(await (await canvas.convertToBlob({ type: 'image/png' })).arrayBuffer());
}

export interface Described {
  kind: Kind;
  /** JPEG, WebP or PNG bytes. */
  thumbnail: Uint8Array;
  /** No preview could be made: the thumbnail is a placeholder (and it is not indexed for search). */
  placeholder: boolean;
  /** Why, in words, when it is a placeholder. */
  problem?: string;
  width?: number;
  height?: number;
  /** Ente's: 0 image, 1 video. */
  fileType: number;
  mimeType: string;
}

/** A photo or video described for upload: its kind, thumbnail and size; never throws for pixels. */
export async function describeFile(base: URL, file: File, kind?: Kind): Promise<Described> {
  const k = kind ?? (await kindOf(file));
  const fileType = k === 'video' ? FILE_TYPE.video : FILE_TYPE.image;
  const mimeType = k === 'video' ? ((await streamingType(file)) ?? mimeOf(file, k)) : mimeOf(file, k);
  let p: Picture;
  try {
    p = await picture(base, file, k);
  } catch (e) {
    const problem = (e as Error)?.message ?? String(e);
    return { kind: k, thumbnail: await placeholder(file.name), placeholder: true, problem, fileType, mimeType };
  }
  try {
    const thumbnail = await encode(p.bitmap, p.width, p.height, THUMBNAIL_SIDE, THUMBNAIL_QUALITY);
    return { kind: k, thumbnail, placeholder: false, width: p.width, height: p.height, fileType, mimeType };
  } finally {
    p.bitmap.close();
  }
}

/** What an <img> shows for a photo's decrypted bytes: HEIC/HEIF converted (alpha kept), others as they are. */
export async function viewable(base: URL, bytes: Uint8Array, mimeType: string | undefined): Promise<Blob> {
  const blob = new Blob([bytes as Uint8Array<ArrayBuffer>], { type: mimeType || 'image/jpeg' });
  if (!/^image\/hei[cf]/.test(mimeType ?? '')) return blob;
  const p = await decodeHeif(base, blob);
  try {
    const side = Math.max(p.width, p.height);
    return new Blob([(await encode(p.bitmap, p.width, p.height, side, VIEW_QUALITY)) as Uint8Array<ArrayBuffer>]);
  } finally {
    p.bitmap.close();
  }
}

// WebM's CodecID values and the MediaSource codec names they stand for.
const WEBM_CODECS = [
  ['V_VP9', 'vp9'],
  ['V_VP8', 'vp8'],
  ['V_AV1', 'av01.0.05M.08'],
];
const SNIFF_BYTES = 64 * 1024;

/**
 * The type MediaSource needs to play this video while it downloads, or undefined (then the
 * viewer downloads it whole first): WebM only, its codec read from the header's CodecID.
 */
export async function streamingType(file: Blob): Promise<string | undefined> {
  if (file.type !== 'video/webm') return undefined;
  const head = new TextDecoder('latin1').decode(await file.slice(0, SNIFF_BYTES).arrayBuffer());
  const codecs = WEBM_CODECS.filter(([id]) => head.includes(id)).map(([, name]) => name);
  if (head.includes('A_OPUS')) codecs.push('opus');
  else if (head.includes('A_VORBIS')) codecs.push('vorbis');
  if (!codecs.length) return undefined;
  const type = `video/webm; codecs="${codecs.join(', ')}"`;
  return MediaSource.isTypeSupported(type) ? type : undefined;
}
