// The viewer: a photo decrypted whole (busy line up; a HEIC decoded) and shown full size; a video handed to the
// Viewer view, which plays it while it streams (playback.ts). Closing revokes the photo's URL.
import { FILE_TYPE, type GalleryFile } from '../../../client/src/index.js';
import type { Ctx } from '../context.js';
import { viewable } from '../media.js';
import { busy } from './feedback.js';

export async function openViewer(ctx: Ctx, file: GalleryFile) {
  const { meta } = file;
  const title = `${meta.title} · ${meta.width}×${meta.height}`;
  if (meta.fileType === FILE_TYPE.video) {
    ctx.store.set({ viewer: { file, title, video: true } });
    return;
  }
  const library = ctx.live.library!;
  // HEIC/HEIF is decoded here (browsers do not show it); other photos go to <img> as they are.
  const image = await busy(ctx, `Decrypting ${meta.title}…`, async () =>
    viewable(ctx.base, await library.contents(file), meta.mimeType),
  );
  if (!image || library !== ctx.live.library) return;
  const imageUrl = URL.createObjectURL(image);
  closeViewer(ctx);
  ctx.store.set({ viewer: { file, title, imageUrl, video: false } });
}

export function closeViewer(ctx: Ctx) {
  const viewer = ctx.store.get().viewer;
  if (viewer?.imageUrl) URL.revokeObjectURL(viewer.imageUrl);
  ctx.store.set({ viewer: null });
}
