// The signed-in gallery: opening it (albums, the first one shown, search started), albums shared
// since login appearing on focus, choosing and creating albums, and what the albums' signed logs
// say the server got wrong, in words.
import { Library, RecordKeeper, Sharing, trust, type Album, type GalleryFile } from '../../../client/src/index.js';
import type { Ctx } from '../context.js';
import { indexedDbRecords } from '../device-store.js';
import { GallerySearch } from '../search.js';
import { ThumbnailCache } from '../thumbnails.js';
import { busy, showError } from './feedback.js';
import { openSearch } from './search.js';
import { showUnfinished } from './upload.js';
import { openPeople } from './people.js';

const DEFAULT_ALBUM = 'My photos';

export async function openGallery(ctx: Ctx) {
  const { live, store } = ctx;
  const session = live.session!;
  const keeper = new RecordKeeper(session, indexedDbRecords);
  const library = Library.of(session, keeper);
  live.library = library;
  live.keeper = keeper;
  live.sharing = new Sharing(session, library, keeper);
  live.search = new GallerySearch(ctx.core, library, ctx.base);
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
    if (!list.length) list.push(await library.createAlbum(DEFAULT_ALBUM));
    return list;
  });
  if (!albums || live.library !== library) return;
  store.set({ albums: [...library.albums.values()], accountNotices: accountNotices(keeper) });
  if (library.unreadableAlbums)
    showError(ctx, new Error(`${library.unreadableAlbums} album(s) could not be opened (damaged or tampered with)`));
  await selectAlbum(ctx, albums.find((a) => a.mine) ?? albums[0]);
  // The ID friends compare covers both public keys (the box key and the signing key).
  const { identity } = session;
  const verificationId = await trust.verificationId(ctx.core, identity.boxPublicKey, identity.signing.publicKey);
  if (live.library !== library) return;
  store.set({ account: { email: session.email, verificationId } });
  live.searchReady = openSearch(ctx);
  live.peopleReady = openPeople(ctx);
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
export async function selectAlbum(ctx: Ctx, album: Album) {
  const { store } = ctx;
  const library = ctx.live.library!;
  const showing = store.get().album === album && store.get().files !== null;
  store.set({ album, scores: null, resultsStatus: '', ...(showing ? {} : { files: null, findings: [], fingerprint: null }) });
  let files: GalleryFile[];
  try {
    files = await library.loadFiles(album);
  } catch (e) {
    return showError(ctx, e);
  }
  if (store.get().album !== album) return;
  const print = await fingerprint(ctx, album);
  if (store.get().album !== album) return;
  store.set((s) => ({
    files,
    scores: null,
    findings: albumFindings(ctx, album),
    fingerprint: print,
    accountNotices: ctx.live.keeper ? accountNotices(ctx.live.keeper) : s.accountNotices,
    albumsVersion: s.albumsVersion + 1,
  }));
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
