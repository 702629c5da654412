// Pixels, not crypto: thumbnails of photos (createImageBitmap + OffscreenCanvas) and videos
// (a frame drawn from a <video>), and the MediaSource type of a WebM video.
import { FILE_TYPE } from '../../client/src/index.js';

export const THUMBNAIL_SIDE = 320;
const THUMBNAIL_QUALITY = 0.8;
const VIDEO_FRAME_AT = 0.1; // seconds: past a black first frame, within any clip

async function jpegOf(source: CanvasImageSource, width: number, height: number): Promise<Uint8Array> {
  const scale = Math.min(1, THUMBNAIL_SIDE / Math.max(width, height));
  const w = Math.max(1, Math.round(width * scale));
  const h = Math.max(1, Math.round(height * scale));
  const canvas = new OffscreenCanvas(w, h);
  canvas.getContext('2d')!.drawImage(source, 0, 0, w, h);
  const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: THUMBNAIL_QUALITY });
  return new Uint8Array(await blob.arrayBuffer());
}

/** A frame of the video in `blob`, with the video's size. */
async function videoFrame(blob: Blob) {
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

export interface Described {
  /** JPEG bytes. */
  thumbnail: Uint8Array;
  width: number;
  height: number;
  /** Ente's: 0 image, 1 video. */
  fileType: number;
}

export async function describeFile(file: Blob): Promise<Described> {
  const isVideo = file.type.startsWith('video/');
  const { bitmap, width, height } = isVideo
    ? await videoFrame(file)
    : await createImageBitmap(file).then((b) => ({ bitmap: b, width: b.width, height: b.height }));
  try {
    return {
      thumbnail: await jpegOf(bitmap, width, height),
      width,
      height,
      fileType: isVideo ? FILE_TYPE.video : FILE_TYPE.image,
    };
  } finally {
    bitmap.close();
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
