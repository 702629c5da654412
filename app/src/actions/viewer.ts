// The viewer: a photo decrypted whole (busy line up) and shown full size; a video handed to the
// Viewer view, which plays it while it streams (playback.ts). Closing revokes the photo's URL.
import { FILE_TYPE, type GalleryFile } from '../../../client/src/index.js';
import type { Ctx } from '../context.js';
import { busy } from './feedback.js';

export async function openViewer(ctx: Ctx, file: GalleryFile) {
  const { meta } = file;
  const title = `${meta.title} · ${meta.width}×${meta.height}`;
  if (meta.fileType === FILE_TYPE.video) {
    ctx.store.set({ viewer: { file, title, video: true } });
    return;
  }
  const library = ctx.live.library!;
  const bytes = await busy(ctx, `Decrypting ${meta.title}…`, () => library.contents(file));
  if (!bytes || library !== ctx.live.library) return;
  const imageUrl = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: meta.mimeType || 'image/jpeg' }));
  closeViewer(ctx);
  ctx.store.set({ viewer: { file, title, imageUrl, video: false } });
}

export function closeViewer(ctx: Ctx) {
  const viewer = ctx.store.get().viewer;
  if (viewer?.imageUrl) URL.revokeObjectURL(viewer.imageUrl);
  ctx.store.set({ viewer: null });
}
