// Search results, in one view of their own (not under an album): each with its date, its album
// and why it matched (the picture, its name, its album, a date, a type).
import { useCallback, useMemo } from 'preact/hooks';
import type { GalleryFile } from '../../../client/src/index.js';
import { tileClicked } from '../actions/selection.js';
import { shortDate } from '../dates.js';
import { useApp, useCtx } from '../hooks.js';
import { VirtualGrid } from './VirtualGrid.js';

export function SearchView() {
  const ctx = useCtx();
  const results = useApp((s) => s.results);
  const scores = useApp((s) => s.scores);
  const selection = useApp((s) => s.selection);
  const files = useApp((s) => s.files);
  const onTile = useCallback(
    (f: GalleryFile, i: number, e: MouseEvent | KeyboardEvent, toggle: boolean) => tileClicked(ctx, f, i, e, toggle),
    [ctx],
  );
  const notes = useMemo(() => {
    const albums = ctx.live.library?.albums;
    return new Map(
      (results?.hits ?? []).map((h) => [
        h.file.id,
        [shortDate(h.file.meta.creationTime), albums?.get(h.file.collectionID)?.name, h.why.join(', ')]
          .filter(Boolean)
          .join(' · '),
      ]),
    );
  }, [results, ctx]);
  const thumbnails = ctx.live.thumbnails;
  if (!results || !files || !thumbnails) return null;
  return (
    <VirtualGrid
      id="grid"
      files={files}
      scores={scores}
      notes={notes}
      selection={selection}
      thumbnails={thumbnails}
      onTile={onTile}
    />
  );
}
