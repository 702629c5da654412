// Playing a video in the viewer: WebM streams through MediaSource from its first decrypted
// chunk while the rest downloads; other types are downloaded whole first.
import type { GalleryFile, Library } from '../../client/src/index.js';

/** Plays `file` in `video` until `signal` aborts (the viewer closed). */
export async function playVideo(library: Library, file: GalleryFile, video: HTMLVideoElement, signal: AbortSignal) {
  const type = file.meta.mimeType;
  const streamable = type?.includes('codecs=') && MediaSource.isTypeSupported(type);
  if (!streamable) {
    const bytes = await library.contents(file, signal);
    if (signal.aborted) return;
    const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type }));
    signal.addEventListener('abort', () => URL.revokeObjectURL(url), { once: true });
    video.src = url;
    video.play().catch(() => {});
    return;
  }
  const ms = new MediaSource();
  const url = URL.createObjectURL(ms);
  signal.addEventListener('abort', () => URL.revokeObjectURL(url), { once: true });
  video.src = url;
  await new Promise((ok) => ms.addEventListener('sourceopen', ok, { once: true }));
  const buffer = ms.addSourceBuffer(type!);
  let first = true;
  for await (const chunk of library.contentStream(file, signal)) {
    if (signal.aborted) return;
    buffer.appendBuffer(chunk as Uint8Array<ArrayBuffer>);
    await new Promise((ok) => buffer.addEventListener('updateend', ok, { once: true }));
    if (first) {
      first = false;
      video.play().catch(() => {}); // playback starts with the first decrypted chunk
    }
  }
  if (ms.readyState === 'open') ms.endOfStream();
}
