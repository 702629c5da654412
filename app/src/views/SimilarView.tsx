// Near-duplicates (bursts, re-saved copies, resized or cropped versions), group by group: the
// first of each group is kept by default, the others pre-selected to delete in one click.
import { useCallback } from 'preact/hooks';
import type { GalleryFile } from '../../../client/src/index.js';
import { selectDuplicates } from '../actions/similar.js';
import { tileClicked } from '../actions/selection.js';
import { useApp, useCtx } from '../hooks.js';
import { VirtualGrid } from './VirtualGrid.js';

function Group({ files, index }: { files: GalleryFile[]; index: number }) {
  const ctx = useCtx();
  const selection = useApp((s) => s.selection);
  const all = useApp((s) => s.files);
  const offset = all ? all.indexOf(files[0]) : 0;
  const onTile = useCallback(
    (f: GalleryFile, i: number, e: MouseEvent | KeyboardEvent, toggle: boolean) => tileClicked(ctx, f, offset + i, e, toggle),
    [ctx, offset],
  );
  const thumbnails = ctx.live.thumbnails;
  if (!thumbnails) return null;
  return (
    <section class="similar-group" data-group={index} aria-label={`Group ${index + 1}: ${files.length} similar photos`}>
      <VirtualGrid id={`similar-${index}`} files={files} selection={selection} thumbnails={thumbnails} onTile={onTile} />
    </section>
  );
}

export function SimilarView() {
  const ctx = useCtx();
  const similar = useApp((s) => s.similar);
  if (!similar) return null;
  const extra = similar.groups.reduce((n, g) => n + g.length - 1, 0);
  return (
    <div id="similar">
      <p id="similar-status" class="lede">
        {similar.groups.length
          ? `${similar.groups.length} group${similar.groups.length > 1 ? 's' : ''} of similar photos (${extra} you could delete).`
          : 'No similar photos found.'}{' '}
        {similar.groups.length > 0 && (
          <button type="button" id="similar-select" class="secondary" onClick={() => selectDuplicates(ctx)}>
            Select all but the first of each group
          </button>
        )}
      </p>
      {similar.groups.map((g, i) => (
        <Group key={g[0].id} files={g} index={i} />
      ))}
    </div>
  );
}
