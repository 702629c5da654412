// The viewer (photo-viewer.ts, on PhotoSwipe) over the files of the grid it was opened from.
import type { GalleryFile } from '../../../client/src/index.js';
import type { Ctx } from '../context.js';

/** Opens `file` full screen; the viewer goes through `files` (the grid's, by default). */
export function openViewer(ctx: Ctx, file: GalleryFile, files?: readonly GalleryFile[]) {
  const s = ctx.store.get();
  const list = files ?? (s.screen === 'public' ? s.publicAlbum?.files : s.files) ?? [file];
  const index = Math.max(0, list.indexOf(file));
  ctx.store.set({ viewer: { files: list.includes(file) ? list : [file], index: list.includes(file) ? index : 0, file } });
}

/** The slide shown changed. */
export function viewerShows(ctx: Ctx, file: GalleryFile) {
  ctx.store.set((s) => ({ viewer: s.viewer && { ...s.viewer, file } }));
}

export function closeViewer(ctx: Ctx) {
  ctx.store.set({ viewer: null });
}
