// Search: the worker opened after login, the index brought up to every album's files (from ML
// data first), photos indexed after their upload with a bar, and queries shown in the grid.
import type { GalleryFile } from '../../../client/src/index.js';
import { mlWrites, type Ctx } from '../context.js';
import { SEARCH_PLACEHOLDER, type AppState } from '../state.js';
import { busy } from './feedback.js';
import { selectAlbum } from './gallery.js';

const setSearch = (ctx: Ctx, patch: Partial<AppState['search']>) => ctx.store.set((s) => ({ search: { ...s.search, ...patch } }));

/** While photos are indexed for search (indexFiles in the search worker): how far, with a bar. */
export function showIndexing(ctx: Ctx, done: number, total: number) {
  setSearch(ctx, { progress: { done, total }, status: done < total ? `Indexing photos for search: ${done} of ${total}` : '' });
}

export function showSearchStatus(ctx: Ctx) {
  const search = ctx.live.search;
  if (search?.ready) setSearch(ctx, { status: search.status() });
}

export async function openSearch(ctx: Ctx) {
  const { live } = ctx;
  const search = live.search!;
  const library = live.library!;
  const session = live.session!;
  setSearch(ctx, { enabled: false });
  try {
    let loaded = false; // a progress event that arrives after the models loaded is not shown
    await search.open((label, done, total) => {
      if (!loaded) setSearch(ctx, { placeholder: total ? `${label} ${Math.round((100 * (done ?? 0)) / total)}%` : label });
    });
    loaded = true;
    setSearch(ctx, { placeholder: SEARCH_PLACEHOLDER });
    // Every album's files: the ML data changed on the server since this device's last sync first
    // (all of it on a new device), the rest indexed here.
    const files: GalleryFile[] = [];
    for (const a of library.albums.values()) files.push(...(await library.loadFiles(a)));
    await mlWrites(live, () =>
      search.sync(files, (f) => library.thumbnail(f), {
        canUpload: (f) => f.ownerID === session.id,
        onProgress: (done, total) => showIndexing(ctx, done, total),
        onFetched: (received) => setSearch(ctx, { status: `Fetching search data: ${received} of ${files.length} photos` }),
      }),
    );
    if (search !== live.search) return;
    setSearch(ctx, { enabled: true });
    showSearchStatus(ctx);
  } catch (e) {
    if (search === live.search) setSearch(ctx, { placeholder: `Search is unavailable: ${(e as Error).message}` });
  }
}

/** Indexes files just uploaded (their thumbnails known), once search is ready. */
export async function indexUploaded(ctx: Ctx, thumbnails: Map<GalleryFile, Uint8Array>) {
  const { live } = ctx;
  const search = live.search;
  await live.searchReady;
  if (!search || search !== live.search) return;
  try {
    await mlWrites(live, () =>
      search.index(
        [...thumbnails.keys()],
        async (file) => thumbnails.get(file)!,
        (done, total) => showIndexing(ctx, done, total),
      ),
    );
  } catch (e) {
    setSearch(ctx, { status: `Indexing for search failed: ${(e as Error).message}` });
    return;
  }
  showSearchStatus(ctx);
}

export async function runQuery(ctx: Ctx, input: string) {
  const text = input.trim();
  const { album } = ctx.store.get();
  if (!text) return album ? selectAlbum(ctx, album) : undefined;
  const { search, library, people } = ctx.live;
  const person = people?.filesNamed(text);
  if (person && library) {
    // A person's name: their photos, newest first (Ente's search lists people beside CLIP's hits).
    const files = person.fileIds.map((id) => library.files.get(id)).filter((f): f is GalleryFile => f !== undefined);
    ctx.store.set({
      files,
      scores: null,
      resultsStatus: `${files.length} photo${files.length === 1 ? '' : 's'} of ${person.name}.`,
    });
    return;
  }
  const hits = await busy(ctx, `Searching for “${text}”…`, () => search!.query(input));
  if (!hits || !library) return;
  const files = hits.map((h) => library.files.get(h.fileId)).filter((f): f is GalleryFile => f !== undefined);
  ctx.store.set({
    files,
    scores: new Map(hits.map((h) => [h.fileId, h.score])),
    resultsStatus: files.length
      ? `${files.length} photo${files.length > 1 ? 's' : ''} match “${text}”, best first.`
      : `Nothing matches “${text}”.`,
  });
}
