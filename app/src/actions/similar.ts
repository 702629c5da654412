// The similar-photos view: near-duplicate groups (similar.ts) over the CLIP embeddings search
// holds for this account's own photos, newest of each group first.
import type { GalleryFile } from '../../../client/src/index.js';
import type { Ctx } from '../context.js';
import { SIMILAR_THRESHOLD, similarGroups } from '../similar.js';
import { busy } from './feedback.js';

export async function showSimilar(ctx: Ctx) {
  const { search, session } = ctx.live;
  ctx.store.set({
    view: 'similar',
    album: null,
    results: null,
    resultsStatus: '',
    selection: new Set(),
    anchor: null,
    files: [],
  });
  const groups = await busy(ctx, 'Looking for similar photos…', async () => {
    await ctx.live.searchReady;
    const all = (ctx.store.get().allFiles ?? []).filter((f) => f.ownerID === session?.id);
    const { ids, vectors, dims } = search?.embeddings(all.map((f) => f.id)) ?? { ids: [], vectors: new Float32Array(), dims: 1 };
    const byId = new Map(all.map((f) => [f.id, f]));
    return similarGroups(vectors, dims, SIMILAR_THRESHOLD).map((g) =>
      g.map((i) => byId.get(ids[i])!).sort((a, b) => b.meta.creationTime - a.meta.creationTime || b.id - a.id),
    );
  });
  if (!groups || ctx.store.get().view !== 'similar') return;
  const files: GalleryFile[] = groups.flat();
  ctx.store.set({ similar: { groups, threshold: SIMILAR_THRESHOLD }, files });
}

/** Selects every photo of every group but its first (the one kept). */
export function selectDuplicates(ctx: Ctx) {
  const groups = ctx.store.get().similar?.groups ?? [];
  ctx.store.set({ selection: new Set(groups.flatMap((g) => g.slice(1).map((f) => f.id))) });
}
