// The signed-in gallery: opening it (albums, the first one shown, search started), albums shared
// since login appearing on focus, choosing and creating albums.
import { Library, Sharing, type Album, type GalleryFile } from '../../../client/src/index.js';
import type { Ctx } from '../context.js';
import { indexedDbPins } from '../pins.js';
import { GallerySearch } from '../search.js';
import { ThumbnailCache } from '../thumbnails.js';
import { busy, showError } from './feedback.js';
import { openSearch } from './search.js';
import { showUnfinished } from './upload.js';

const DEFAULT_ALBUM = 'My photos';

export async function openGallery(ctx: Ctx) {
  const { live, store } = ctx;
  const session = live.session!;
  const library = Library.of(session);
  live.library = library;
  live.sharing = new Sharing(session, indexedDbPins);
  live.search = new GallerySearch(ctx.core, library, ctx.base);
  live.thumbnails = new ThumbnailCache((file) => library.thumbnail(file));
  store.set({ screen: 'gallery', error: null, account: { email: session.email, verificationId: '' } });
  const albums = await busy(ctx, 'Opening your albums…', async () => {
    const list = await library.loadAlbums();
    if (!list.length) list.push(await library.createAlbum(DEFAULT_ALBUM));
    return list;
  });
  if (!albums || live.library !== library) return;
  store.set({ albums: [...library.albums.values()] });
  if (library.unreadableAlbums)
    showError(ctx, new Error(`${library.unreadableAlbums} album(s) could not be opened (damaged or tampered with)`));
  await selectAlbum(ctx, albums[0]);
  const verificationId = await ctx.core.verificationId(session.publicKey);
  if (live.library !== library) return;
  store.set({ account: { email: session.email, verificationId } });
  live.searchReady = openSearch(ctx);
  await showUnfinished(ctx);
}

/** Albums shared with this account since it logged in (the page got the focus back). */
export async function refreshAlbums(ctx: Ctx) {
  const library = ctx.live.library;
  if (!library?.keys || ctx.store.get().screen !== 'gallery') return;
  await library.loadAlbums().catch(() => {});
  if (library === ctx.live.library)
    ctx.store.set((s) => ({ albums: [...library.albums.values()], albumsVersion: s.albumsVersion + 1 }));
}

/** Shows `album`: its files load (keys and metadata opened) into the grid. */
export async function selectAlbum(ctx: Ctx, album: Album) {
  const { store } = ctx;
  const library = ctx.live.library!;
  const showing = store.get().album === album && store.get().files !== null;
  store.set({ album, scores: null, resultsStatus: '', ...(showing ? {} : { files: null }) });
  let files: GalleryFile[];
  try {
    files = await library.loadFiles(album);
  } catch (e) {
    return showError(ctx, e);
  }
  if (store.get().album !== album) return;
  store.set((s) => ({ files, scores: null, albumsVersion: s.albumsVersion + 1 }));
}

export async function createAlbum(ctx: Ctx, name: string): Promise<boolean> {
  const library = ctx.live.library!;
  const album = await busy(ctx, 'Creating the album…', () => library.createAlbum(name));
  if (!album) return false;
  ctx.store.set({ albums: [...library.albums.values()] });
  await selectAlbum(ctx, album);
  return true;
}
