// Organising through the client's library (its one place for album changes): add to, move to and
// remove from albums, rename and delete albums (keeping their photos elsewhere or deleting them),
// favourites and the archive (the owner's private marks), and the trash (delete, restore, delete
// for good). Each updates the views in place.
import type { Album, GalleryFile } from '../../../client/src/index.js';
import type { Ctx } from '../context.js';
import { busy } from './feedback.js';
import { defaultAlbum, loadLibrary, refreshUsage, refreshView, showView } from './gallery.js';
import { clearSelection, selectedFiles } from './selection.js';

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The views after files changed albums or marks: the library's list, then the view shown. */
function changed(ctx: Ctx, note?: string) {
  const library = ctx.live.library;
  if (!library) return;
  ctx.store.set((s) => ({
    allFiles: s.allFiles?.filter((f) => library.files.has(f.id)),
    albums: [...library.albums.values()],
    albumsVersion: s.albumsVersion + 1,
    resultsStatus: note ?? s.resultsStatus,
  }));
  refreshView(ctx);
}

export function openAlbumPicker(ctx: Ctx, mode: 'add' | 'move') {
  ctx.store.set({ albumPicker: mode, error: null });
}

export function closeAlbumPicker(ctx: Ctx) {
  ctx.store.set({ albumPicker: null });
}

/** Adds the selection to `target` (or moves it there from the album shown); `newName` creates the album first. */
export async function pickAlbum(ctx: Ctx, target: Album | null, newName?: string) {
  const library = ctx.live.library;
  const { albumPicker: mode, album: from } = ctx.store.get();
  const files = selectedFiles(ctx);
  if (!library || !mode || !files.length) return;
  ctx.store.set({ albumPicker: null });
  const done = await busy(ctx, mode === 'add' ? 'Adding to the album…' : 'Moving…', async () => {
    const to = target ?? (newName ? await library.createAlbum(newName) : null);
    if (!to) return null;
    if (mode === 'move' && from) await library.moveToAlbum(from, to, files);
    else await library.addToAlbum(to, files);
    return to;
  });
  if (!done) return;
  clearSelection(ctx);
  changed(ctx, `${plural(files.length, 'file')} ${mode === 'add' ? 'added to' : 'moved to'} “${done.name}”.`);
}

/** Removes the selection from the album shown; a file in no other album is not removed (it would be lost). */
export async function removeFromAlbum(ctx: Ctx, files: GalleryFile[]) {
  const library = ctx.live.library;
  const album = ctx.store.get().album;
  if (!library || !album) return;
  const alone = library.onlyIn(album, files);
  const removable = files.filter((f) => !alone.includes(f));
  if (!removable.length) {
    ctx.store.set({
      error: `${alone.length === 1 ? 'This photo is' : 'These photos are'} in no other album: move ${alone.length === 1 ? 'it' : 'them'} to another album, or delete ${alone.length === 1 ? 'it' : 'them'}.`,
    });
    return;
  }
  if (!(await busy(ctx, 'Removing from the album…', () => library.removeFromAlbum(album, removable).then(() => true)))) return;
  clearSelection(ctx);
  changed(
    ctx,
    `${plural(removable.length, 'file')} removed from “${album.name}”.${alone.length ? ` ${plural(alone.length, 'file')} kept: in no other album.` : ''}`,
  );
}

/** Marks (or unmarks) files as favourites. */
export async function favouriteFiles(ctx: Ctx, files: GalleryFile[], favourite: boolean) {
  const library = ctx.live.library;
  if (!library) return;
  await busy(ctx, favourite ? 'Adding to favourites…' : 'Removing from favourites…', async () => {
    for (const f of files) if (!!f.favourite !== favourite) await library.setMarks(f, { favourite });
  });
  changed(ctx);
}

/** Archives (or unarchives) files: archived files leave "All photos" but stay in their albums. */
export async function archiveFiles(ctx: Ctx, files: GalleryFile[], archived: boolean) {
  const library = ctx.live.library;
  if (!library) return;
  const ok = await busy(ctx, archived ? 'Archiving…' : 'Unarchiving…', async () => {
    for (const f of files) if (!!f.archived !== archived) await library.setMarks(f, { archived });
    return true;
  });
  if (!ok) return;
  clearSelection(ctx);
  changed(ctx, `${plural(files.length, 'file')} ${archived ? 'archived' : 'unarchived'}.`);
}

/** Deletes files of this account's: to the trash, where they wait 30 days. */
export async function trashFiles(ctx: Ctx, files: GalleryFile[]) {
  const library = ctx.live.library;
  if (!library || !files.length) return;
  if (!(await busy(ctx, 'Moving to the trash…', () => library.trash(files).then(() => true)))) return;
  clearSelection(ctx);
  changed(ctx, `${plural(files.length, 'file')} moved to the trash (kept 30 days).`);
}

// ---- the trash view ----

export async function showTrash(ctx: Ctx) {
  const library = ctx.live.library;
  if (!library) return;
  ctx.store.set({
    view: 'trash',
    album: null,
    results: null,
    resultsStatus: '',
    selection: new Set(),
    anchor: null,
    files: null,
  });
  const files = await busy(ctx, 'Opening the trash…', () => library.loadTrash());
  if (files && ctx.store.get().view === 'trash') ctx.store.set({ files });
}

/** Restores trashed files into the album they were in, or the account's first album. */
export async function restoreFiles(ctx: Ctx, files: GalleryFile[]) {
  const library = ctx.live.library;
  if (!library || !files.length) return;
  const fallback = defaultAlbum(ctx);
  const ok = await busy(ctx, 'Restoring…', async () => {
    const byAlbum = new Map<Album, GalleryFile[]>();
    for (const f of files) {
      const album = library.albums.get(f.trashed?.albumId ?? 0);
      const to = album?.mine ? album : fallback;
      if (!to) throw new Error('There is no album to restore into: create one first.');
      byAlbum.set(to, [...(byAlbum.get(to) ?? []), f]);
    }
    for (const [album, list] of byAlbum) await library.restore(album, list);
    return true;
  });
  if (!ok) return;
  ctx.store.set((s) => ({
    files: s.files?.filter((f) => !files.includes(f)),
    allFiles: s.allFiles && [...s.allFiles, ...files],
    selection: new Set(),
    resultsStatus: `${plural(files.length, 'file')} restored.`,
  }));
}

/** Deletes trashed files for good (after the person confirmed). */
export async function deleteForever(ctx: Ctx, files: GalleryFile[]) {
  const library = ctx.live.library;
  if (!library || !files.length) return;
  if (!(await busy(ctx, 'Deleting for good…', () => library.deleteForever(files).then(() => true)))) return;
  ctx.store.set((s) => ({
    files: s.files?.filter((f) => !files.includes(f)),
    selection: new Set(),
    resultsStatus: `${plural(files.length, 'file')} deleted for good.`,
  }));
  await refreshUsage(ctx);
}

// ---- albums: rename, delete ----

export function openAlbumDialog(ctx: Ctx, mode: 'rename' | 'delete') {
  ctx.store.set({ albumDialog: mode, error: null });
}

export function closeAlbumDialog(ctx: Ctx) {
  ctx.store.set({ albumDialog: null });
}

export async function renameAlbum(ctx: Ctx, name: string) {
  const library = ctx.live.library;
  const album = ctx.store.get().album;
  if (!library || !album || !name.trim()) return;
  ctx.store.set({ albumDialog: null });
  if (!(await busy(ctx, 'Renaming…', () => library.rename(album, name.trim()).then(() => true)))) return;
  changed(ctx);
}

/**
 * Deletes the album shown. `keepPhotos`: its photos in no other album move to the account's
 * first other album (created as “My photos” if there is none); else they go to the trash.
 */
export async function deleteAlbum(ctx: Ctx, keepPhotos: boolean) {
  const library = ctx.live.library;
  const album = ctx.store.get().album;
  if (!library || !album?.mine) return;
  ctx.store.set({ albumDialog: null });
  const ok = await busy(ctx, `Deleting “${album.name}”…`, async () => {
    const files = await library.loadFiles(album);
    const alone = library.onlyIn(
      album,
      files.filter((f) => f.ownerID === library.keys?.userId),
    );
    if (alone.length && keepPhotos) {
      const other = [...library.albums.values()].find((a) => a.mine && a !== album) ?? (await library.createAlbum('My photos'));
      await library.moveToAlbum(album, other, alone);
    } else if (alone.length) {
      await library.trash(alone);
    }
    await library.deleteAlbum(album);
    return true;
  });
  if (!ok) return;
  ctx.store.set({ albums: [...library.albums.values()] });
  await loadLibrary(ctx);
  showView(ctx, 'timeline');
  ctx.store.set({ resultsStatus: `Album “${album.name}” deleted.` });
}
