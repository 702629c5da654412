// The signed-in gallery: opening it (albums, then every album's files for the timeline, then
// search), the views of the main pane (every photo by date, one album, the archive), their order,
// albums shared since login appearing on focus, and what the albums' signed logs say the server
// got wrong, in words.
import { Library, RecordKeeper, Sharing, trust, type Album, type GalleryFile } from '../../../client/src/index.js';
import type { Ctx } from '../context.js';
import { indexedDbRecords } from '../device-store.js';
import { deviceLibraryCaches } from '../log-cache.js';
import { GallerySearch } from '../search.js';
import { holdWriterLock } from '../writer-lock.js';
import type { AppState, View } from '../state.js';
import { ThumbnailCache } from '../thumbnails.js';
import { busy, showError } from './feedback.js';
import { openSearch, startSearch } from './search.js';
import { showUnfinished } from './upload.js';
import { openPeople } from './people.js';

const DEFAULT_ALBUM = 'My photos';

export async function openGallery(ctx: Ctx) {
  const { live, store } = ctx;
  const session = live.session!;
  const keeper = new RecordKeeper(session, indexedDbRecords);
  // Each album's verified log and its files as opened are kept on this device: the next log-in
  // reads only the log's new entries and the records changed since. The tab holding the writer
  // lock writes the file pages and the search index; the lock goes when the library closes.
  const writer = holdWriterLock(session.id);
  const { logCache, fileCache } = deviceLibraryCaches(ctx.core, session.keys().masterKey, session.id, writer);
  const library = Library.of(session, keeper, logCache, fileCache);
  live.library = library;
  live.keeper = keeper;
  live.sharing = new Sharing(session, library, keeper);
  live.search = new GallerySearch(ctx.core, library, ctx.base, writer);
  // A thumbnail refused (not its entry's bytes, or too large to decode) is skipped, and said.
  live.thumbnails = new ThumbnailCache((file) =>
    library.thumbnail(file).catch((e) => {
      refreshFindings(ctx);
      throw e;
    }),
  );
  store.set({ screen: 'gallery', error: null, account: { email: session.email, verificationId: '' } });
  const albums = await busy(ctx, 'Opening your albums…', async () => {
    const list = await library.loadAlbums(); // reads the account record first
    if (!list.some((a) => a.mine)) list.push(await library.createAlbum(DEFAULT_ALBUM));
    return list;
  });
  if (!albums || live.library !== library) return;
  store.set({ albums: [...library.albums.values()], accountNotices: accountNotices(keeper) });
  if (library.unreadableAlbums)
    showError(ctx, new Error(`${library.unreadableAlbums} album(s) could not be opened (damaged or tampered with)`));
  showView(ctx, 'timeline');
  // The search worker starts now: its models load while the files are listed and opened.
  const searchOpened = startSearch(ctx);
  await loadLibrary(ctx);
  if (live.library !== library) return;
  // The ID friends compare covers both public keys (the box key and the signing key).
  const { identity } = session;
  const verificationId = await trust.verificationId(ctx.core, identity.boxPublicKey, identity.signing.publicKey);
  if (live.library !== library) return;
  store.set({ account: { email: session.email, verificationId } });
  live.searchReady = openSearch(ctx, searchOpened);
  live.peopleReady = openPeople(ctx);
  await showUnfinished(ctx);
}

/** Every album's files, once each (a file in two albums is one photo), into the timeline. */
export async function loadLibrary(ctx: Ctx) {
  const library = ctx.live.library!;
  const byId = new Map<number, GalleryFile>();
  for (const album of library.albums.values()) {
    try {
      for (const f of await library.loadFiles(album)) byId.set(f.id, f);
    } catch (e) {
      showError(ctx, e);
    }
    if (library !== ctx.live.library) return;
  }
  ctx.store.set((s) => ({ allFiles: [...byId.values()], albumsVersion: s.albumsVersion + 1 }));
  refreshView(ctx);
  await refreshUsage(ctx);
}

/** The account's storage used and its quota, shown under the albums (after loads, uploads and deletes). */
export async function refreshUsage(ctx: Ctx) {
  const library = ctx.live.library;
  if (!library) return;
  try {
    const usage = await library.usage();
    if (library === ctx.live.library) ctx.store.set({ usage });
  } catch {
    // The figure is a convenience: without it the gallery works as before.
  }
}

/** The album the app adds to when no album is shown: the account's first own album. */
export function defaultAlbum(ctx: Ctx): Album | undefined {
  const { album } = ctx.store.get();
  if (album?.mine && ctx.store.get().view === 'album') return album;
  return [...(ctx.live.library?.albums.values() ?? [])].find((a) => a.mine);
}

/** Oldest first or newest first (Ente's order), ties by id. */
export const byDate = (order: AppState['order']) =>
  order === 'oldest'
    ? (a: GalleryFile, b: GalleryFile) => a.meta.creationTime - b.meta.creationTime || a.id - b.id
    : (a: GalleryFile, b: GalleryFile) => b.meta.creationTime - a.meta.creationTime || b.id - a.id;

/** The files a date-ordered view shows, from the state. */
function filesOf(s: AppState, view: View, albumFiles?: GalleryFile[] | null): GalleryFile[] | null {
  const pick = (keep: (f: GalleryFile) => boolean) => s.allFiles?.filter(keep).sort(byDate(s.order)) ?? null;
  if (view === 'timeline') return pick((f) => !f.archived);
  if (view === 'archive') return pick((f) => !!f.archived);
  if (view === 'favourites') return pick((f) => !!f.favourite);
  if (view === 'album') return albumFiles ? [...albumFiles].sort(byDate(s.order)) : null;
  return s.files;
}

/** Shows a view of the library (the timeline or the archive); the selection is cleared. */
export function showView(ctx: Ctx, view: 'timeline' | 'favourites' | 'archive') {
  ctx.store.set((s) => ({
    view,
    album: null,
    scores: null,
    results: null,
    resultsStatus: '',
    selection: new Set(),
    anchor: null,
    files: filesOf(s, view),
  }));
}

/** Shows the same view again (its files changed: loaded, uploaded, moved, archived, deleted). */
export function refreshView(ctx: Ctx) {
  const s = ctx.store.get();
  if (s.view === 'timeline' || s.view === 'archive' || s.view === 'favourites') {
    const files = filesOf(s, s.view);
    const ids = new Set(files?.map((f) => f.id));
    ctx.store.set({ files, selection: new Set([...s.selection].filter((id) => ids.has(id))) });
  }
  if (s.view === 'album' && s.album) void selectAlbum(ctx, s.album, { keepSelection: true });
}

export function setOrder(ctx: Ctx, order: AppState['order']) {
  const dated = (v: View) => v === 'album' || v === 'timeline' || v === 'archive' || v === 'favourites';
  ctx.store.set((s) => ({ order, files: dated(s.view) && s.files ? [...s.files].sort(byDate(order)) : s.files }));
}

/** Albums shared with this account since it logged in (the page got the focus back). */
export async function refreshAlbums(ctx: Ctx) {
  const library = ctx.live.library;
  if (!library?.keys || ctx.store.get().screen !== 'gallery') return;
  const before = library.albums.size;
  await library.loadAlbums().catch(() => {});
  if (library !== ctx.live.library) return;
  ctx.store.set((s) => ({ albums: [...library.albums.values()], albumsVersion: s.albumsVersion + 1 }));
  if (library.albums.size !== before) await loadLibrary(ctx);
}

/** The account record's findings (an older record than this device saw), in words. */
const accountNotices = (keeper: RecordKeeper) =>
  keeper.findings.map(
    (f) =>
      `The server showed an older copy of your contacts and album history (version ${f.served}) than this device saw ` +
      `(version ${f.seen}); nothing was lost, but the server may be hiding changes.`,
  );

/** What the album's log and listing disagree on, and its unreadable files, in words. */
export function albumFindings(ctx: Ctx, album: Album): string[] {
  const library = ctx.live.library;
  const messages = library ? library.findings(album).map((f) => trust.describe(f, { album: album.name })) : [];
  if (album.unreadable)
    messages.push(`${album.unreadable} file${album.unreadable > 1 ? 's' : ''} could not be opened (damaged or tampered with).`);
  return messages;
}

/** The album's fingerprint: its version and head as 24 words. */
async function fingerprint(ctx: Ctx, album: Album) {
  const head = album.trust?.state?.head;
  return head ? { version: head.seq + 1, words: await ctx.core.mnemonic.fromKey(head.hash) } : null;
}

/** Shows `album`: its files load (keys and metadata opened) into the grid, with what its log finds. */
export async function selectAlbum(ctx: Ctx, album: Album, { keepSelection = false } = {}) {
  const { store } = ctx;
  const library = ctx.live.library!;
  const showing = store.get().album === album && store.get().view === 'album' && store.get().files !== null;
  store.set({
    view: 'album',
    album,
    scores: null,
    results: null,
    resultsStatus: '',
    ...(keepSelection ? {} : { selection: new Set<number>(), anchor: null }),
    ...(showing ? {} : { files: null, findings: [], fingerprint: null }),
  });
  let files: GalleryFile[];
  try {
    files = await library.loadFiles(album);
  } catch (e) {
    return showError(ctx, e);
  }
  if (store.get().album !== album || store.get().view !== 'album') return;
  const print = await fingerprint(ctx, album);
  if (store.get().album !== album || store.get().view !== 'album') return;
  store.set((s) => {
    const shown = filesOf(s, 'album', files)!;
    const ids = new Set(shown.map((f) => f.id));
    return {
      files: shown,
      scores: null,
      findings: albumFindings(ctx, album),
      fingerprint: print,
      accountNotices: ctx.live.keeper ? accountNotices(ctx.live.keeper) : s.accountNotices,
      albumsVersion: s.albumsVersion + 1,
      selection: new Set([...s.selection].filter((id) => ids.has(id))),
    };
  });
}

/** Shows the findings of the album on screen again (a thumbnail refused since, say). */
export function refreshFindings(ctx: Ctx) {
  const album = ctx.store.get().album;
  if (album) ctx.store.set({ findings: albumFindings(ctx, album) });
}

export async function createAlbum(ctx: Ctx, name: string): Promise<boolean> {
  const library = ctx.live.library!;
  const album = await busy(ctx, 'Creating the album…', () => library.createAlbum(name));
  if (!album) return false;
  ctx.store.set({ albums: [...library.albums.values()] });
  await selectAlbum(ctx, album);
  return true;
}
