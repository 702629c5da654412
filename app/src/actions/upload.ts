// Adding photos and videos to the album shown: each described here (thumbnail, size, type),
// encrypted and uploaded by the client one after another with a progress row, then added to the
// grid in place (its thumbnail cached from the bytes just made, never downloaded), and indexed
// for search in one run at the end.
import { FILE_TYPE, newestFirst, type FileMeta, type GalleryFile } from '../../../client/src/index.js';
import type { Ctx } from '../context.js';
import { describeFile, streamingType } from '../media.js';
import type { UploadRow } from '../state.js';
import { messageOf } from './feedback.js';
import { indexUploaded } from './search.js';

const updateRow = (ctx: Ctx, id: number, patch: Partial<UploadRow>) =>
  ctx.store.set((s) => ({ uploads: s.uploads.map((r) => (r.id === id ? { ...r, ...patch } : r)) }));

/** Photos and videos only, and never an empty file (Ente refuses those too). */
const uploadable = (f: File) => f.size > 0 && (f.type.startsWith('image/') || f.type.startsWith('video/'));

export async function uploadFiles(ctx: Ctx, list: Iterable<File>) {
  const { store, live } = ctx;
  const target = store.get().album;
  const library = live.library;
  if (!target?.trust?.writable || !library) return; // its own, or a verified share as collaborator
  const files = [...list].filter(uploadable);
  // One row per file, all shown at once; they upload one after another.
  const first = Math.max(0, ...store.get().uploads.map((r) => r.id)) + 1;
  const rows = files.map((f, i) => ({
    id: first + i,
    name: f.name,
    label: `Waiting: ${f.name}`,
    done: 0,
    total: f.size || 1,
    failed: false,
  }));
  store.set((s) => ({ uploads: [...s.uploads, ...rows] }));
  const thumbnails = new Map<GalleryFile, Uint8Array>(); // each file uploaded -> its thumbnail, for search
  for (const [i, f] of files.entries()) {
    const row = rows[i];
    updateRow(ctx, row.id, { label: `Encrypting and uploading ${f.name}` });
    try {
      const described = await describeFile(f);
      const meta: FileMeta = {
        title: f.name,
        creationTime: (f.lastModified || Date.now()) * 1000, // Ente: microseconds
        modificationTime: Date.now() * 1000,
        size: f.size,
        fileType: described.fileType,
        width: described.width,
        height: described.height,
        mimeType: described.fileType === FILE_TYPE.video ? ((await streamingType(f)) ?? f.type) : f.type,
      };
      const file = await library.upload(
        target,
        { contents: f.stream(), size: f.size, thumbnail: described.thumbnail, meta },
        (done, total) => updateRow(ctx, row.id, { done, total }),
      );
      if (library !== live.library) return; // locked meanwhile
      live.thumbnails?.put(file, described.thumbnail);
      thumbnails.set(file, described.thumbnail);
      store.set((s) => ({
        uploads: s.uploads.filter((r) => r.id !== row.id),
        // The grid gains the file in place (unless it shows another album or search hits).
        ...(s.album === target && s.files && !s.scores ? { files: [...s.files, file].sort(newestFirst) } : {}),
      }));
    } catch (e) {
      updateRow(ctx, row.id, { label: `${f.name}: ${messageOf(e)}`, failed: true });
    }
  }
  if (thumbnails.size) await indexUploaded(ctx, thumbnails);
}
