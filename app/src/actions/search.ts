// Search: the worker opened after login, the index brought up to every file (from ML data
// first), photos indexed after their upload with a bar; and queries, answered in one results view
// that combines what CLIP sees with file names, dates, album names and file types.
import type { GalleryFile } from '../../../client/src/index.js';
import { mlWrites, type Ctx } from '../context.js';
import { describeFilters, parseQuery, passesFilters } from '../search-query.js';
import { SEARCH_PLACEHOLDER, type AppState, type SearchHit } from '../state.js';
import { busy } from './feedback.js';
import { showView } from './gallery.js';

/** CLIP scores below this are not matches (Ente's threshold for MobileCLIP). */
const MIN_CLIP_SCORE = 0.175;
/** Nor are those far below the best one (the test models score what they see near 1). */
const CLIP_RELATIVE = 0.6;

const setSearch = (ctx: Ctx, patch: Partial<AppState['search']>) => ctx.store.set((s) => ({ search: { ...s.search, ...patch } }));

/** While photos are indexed for search (indexFiles in the search worker): how far, with a bar. */
export function showIndexing(ctx: Ctx, done: number, total: number) {
  setSearch(ctx, { progress: { done, total }, status: done < total ? `Indexing photos for search: ${done} of ${total}` : '' });
}

export function showSearchStatus(ctx: Ctx) {
  const search = ctx.live.search;
  if (search?.ready) setSearch(ctx, { status: search.status() });
}

/**
 * Starts the search worker: its models load and its local index opens (a placeholder shows how far)
 * while the gallery lists and opens the albums' files; openSearch then syncs it.
 */
export function startSearch(ctx: Ctx): Promise<void> {
  const search = ctx.live.search!;
  setSearch(ctx, { enabled: false });
  let loaded = false; // a progress event that arrives after the models loaded is not shown
  const opened = search
    .open((label, done, total) => {
      if (!loaded) setSearch(ctx, { placeholder: total ? `${label} ${Math.round((100 * (done ?? 0)) / total)}%` : label });
    })
    .then(() => {
      loaded = true;
      if (search === ctx.live.search) setSearch(ctx, { placeholder: SEARCH_PLACEHOLDER });
    });
  opened.catch(() => {}); // reported by openSearch
  return opened;
}

export async function openSearch(ctx: Ctx, opened: Promise<void> = startSearch(ctx)) {
  const { live } = ctx;
  const search = live.search!;
  const library = live.library!;
  const session = live.session!;
  try {
    await opened;
    // Every file (the timeline's): the ML data changed on the server since this device's last
    // sync first (all of it on a new device), the rest indexed here.
    const files = ctx.store.get().allFiles ?? [];
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

/** The files `input` finds, best first, each with why. */
export async function findFiles(ctx: Ctx, input: string): Promise<SearchHit[]> {
  const { search, library } = ctx.live;
  const all = ctx.store.get().allFiles ?? [];
  const q = parseQuery(input);
  const hits = new Map<number, SearchHit>();
  const hit = (file: GalleryFile, why: string, score?: number) => {
    const h = hits.get(file.id) ?? { file, why: [] };
    if (score !== undefined) h.score = score;
    if (!h.why.includes(why)) h.why.push(why);
    hits.set(file.id, h);
  };
  const text = q.text.toLowerCase();
  if (text) {
    for (const f of all) if (f.meta.title.toLowerCase().includes(text)) hit(f, 'name');
    for (const a of library?.albums.values() ?? [])
      if (a.name.toLowerCase().includes(text)) for (const f of all) if (f.collectionID === a.id) hit(f, `album “${a.name}”`);
    if (search?.ready) {
      const found = await search.query(q.text);
      const best = Math.max(0, ...found.map((h) => h.score));
      const byId = new Map(all.map((f) => [f.id, f]));
      for (const h of found) {
        const f = byId.get(h.fileId);
        if (f && h.score >= Math.max(MIN_CLIP_SCORE, best * CLIP_RELATIVE)) hit(f, 'picture', h.score);
      }
    }
  } else {
    for (const f of all) hits.set(f.id, { file: f, why: [] });
  }
  const filters = describeFilters(q);
  return [...hits.values()]
    .filter((h) => passesFilters(h.file, q))
    .map((h) => ({ ...h, why: [...h.why, ...filters] }))
    .sort(
      (a, b) =>
        Number(b.why.includes('name')) - Number(a.why.includes('name')) ||
        (b.score ?? -1) - (a.score ?? -1) ||
        b.file.meta.creationTime - a.file.meta.creationTime,
    );
}

/** Shows `hits` in the results view (not under an album), with `status` above them. */
export function showResults(ctx: Ctx, query: string, hits: SearchHit[], status: string) {
  ctx.store.set({
    view: 'search',
    album: null,
    selection: new Set(),
    anchor: null,
    results: { query, hits },
    files: hits.map((h) => h.file),
    scores: new Map(hits.filter((h) => h.score !== undefined).map((h) => [h.file.id, h.score!])),
    resultsStatus: status,
  });
}

/** A person's photos as results, newest first (Ente's search lists people beside CLIP's hits). */
export function showPersonResults(ctx: Ctx, name: string, fileIds: readonly number[]) {
  const byId = new Map((ctx.store.get().allFiles ?? []).map((f) => [f.id, f]));
  const hits = fileIds
    .map((id) => byId.get(id))
    .filter((f): f is GalleryFile => f !== undefined)
    .sort((a, b) => b.meta.creationTime - a.meta.creationTime)
    .map((file) => ({ file, why: [`person “${name}”`] }));
  showResults(ctx, name, hits, `${hits.length} photo${hits.length === 1 ? '' : 's'} of ${name}.`);
}

export async function runQuery(ctx: Ctx, input: string) {
  const text = input.trim();
  if (!text) return showView(ctx, 'timeline');
  // A person's name: their photos.
  const person = ctx.live.people?.filesNamed(text);
  if (person) return showPersonResults(ctx, person.name, person.fileIds);
  const hits = await busy(ctx, `Searching for “${text}”…`, () => findFiles(ctx, text));
  if (!hits) return;
  showResults(
    ctx,
    text,
    hits,
    hits.length ? `${hits.length} photo${hits.length > 1 ? 's' : ''} match “${text}”, best first.` : `Nothing matches “${text}”.`,
  );
}
