// Downloads: one original (decrypted in the worker pool as it downloads, and written to disk as
// it decrypts: download/save.ts), or several (a selection, an album) as one ZIP built as it is
// written by client-zip (stored, not compressed: photos and videos are compressed already), each
// file's plaintext streamed into it in turn. Names come from metadata a sharer wrote: they are
// made safe (no folders) and unique inside the ZIP.
import { makeZip } from 'client-zip';
import type { GalleryFile } from '../../../client/src/index.js';
import type { Ctx } from '../context.js';
import { safeName, saveStream, type SaveWay } from '../download/save.js';
import { progress, showError } from './feedback.js';

/** `name` made unique among `taken` ("a.jpg", "a (2).jpg", …). */
export function uniqueName(name: string, taken: Set<string>): string {
  let out = name;
  const dot = name.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  for (let n = 2; taken.has(out.toLowerCase()); n++) out = `${stem} (${n})${ext}`;
  taken.add(out.toLowerCase());
  return out;
}

const zipName = (ctx: Ctx) => {
  const s = ctx.store.get();
  const title = s.view === 'album' && s.album ? s.album.name : s.screen === 'public' ? s.publicAlbum?.title : 'photos';
  return `${safeName(title ?? 'photos', 'photos')}.zip`;
};

/** Downloads `files`: the original of one, or a ZIP of several. `via` forces a way (tests). */
export async function downloadFiles(ctx: Ctx, files: readonly GalleryFile[], via?: SaveWay): Promise<SaveWay | undefined> {
  const library = ctx.live.library;
  if (!library || !files.length) return undefined;
  ctx.store.set({ error: null });
  try {
    if (files.length === 1) {
      const [file] = files;
      progress(ctx, `Downloading ${file.meta.title}…`);
      return await saveStream(
        ctx.base,
        file.meta.title,
        file.meta.mimeType?.split(';')[0] || 'application/octet-stream',
        library.contentStream(file),
        via,
      );
    }
    const taken = new Set<string>();
    let done = 0;
    const entries = async function* () {
      for (const file of files) {
        progress(ctx, `Downloading ${files.length} files as a ZIP…`, done, files.length);
        yield {
          name: uniqueName(safeName(file.meta.title, `file-${file.id}`), taken),
          lastModified: new Date(Math.floor(file.meta.creationTime / 1000)),
          input: library.contentStream(file),
        };
        done++;
      }
    };
    const zip = makeZip(entries());
    const chunks = (async function* () {
      const reader = zip.getReader();
      try {
        for (;;) {
          const next = await reader.read();
          if (next.done) return;
          yield next.value;
        }
      } finally {
        reader.releaseLock();
      }
    })();
    return await saveStream(ctx.base, zipName(ctx), 'application/zip', chunks, via);
  } catch (e) {
    if ((e as DOMException).name !== 'AbortError') showError(ctx, e);
    return undefined;
  } finally {
    ctx.store.set({ busy: null });
  }
}
