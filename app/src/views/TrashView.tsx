// The trash: deleted files for 30 days, each with the days it has left; restore or delete for
// good (the selection, or everything).
import { useCallback, useMemo } from 'preact/hooks';
import type { GalleryFile } from '../../../client/src/index.js';
import { deleteForever, restoreFiles } from '../actions/organise.js';
import { clearSelection, selectedFiles, tileClicked } from '../actions/selection.js';
import { useApp, useCtx } from '../hooks.js';
import { VirtualGrid } from './VirtualGrid.js';

const DAY_MS = 86_400_000;

export function TrashView() {
  const ctx = useCtx();
  const files = useApp((s) => s.files);
  const selection = useApp((s) => s.selection);
  const busy = useApp((s) => s.busy !== null);
  const onTile = useCallback(
    (f: GalleryFile, i: number, e: MouseEvent | KeyboardEvent, toggle: boolean) => tileClicked(ctx, f, i, e, toggle),
    [ctx],
  );
  const notes = useMemo(
    () =>
      new Map(
        (files ?? []).map((f) => {
          const days = Math.max(0, Math.ceil(((f.trashed?.deleteBy ?? 0) - Date.now()) / DAY_MS));
          return [f.id, `${days} day${days === 1 ? '' : 's'} left`];
        }),
      ),
    [files],
  );
  const thumbnails = ctx.live.thumbnails;
  if (!files || !thumbnails) return null;
  const chosen = selection.size ? selectedFiles(ctx) : files;
  const what = selection.size ? `${selection.size} selected` : 'everything';
  return (
    <>
      <div id="trash-bar" class="selection-bar" role="toolbar" aria-label="Trash">
        <span id="trash-count">
          {files.length
            ? `${files.length} file${files.length === 1 ? '' : 's'} in the trash, deleted for good after 30 days.`
            : 'The trash is empty.'}
        </span>
        <span class="spacer" />
        {selection.size > 0 && (
          <button type="button" class="secondary" onClick={() => clearSelection(ctx)}>
            Clear selection
          </button>
        )}
        {files.length > 0 && (
          <>
            <button type="button" id="trash-restore" class="secondary" disabled={busy} onClick={() => restoreFiles(ctx, chosen)}>
              Restore {what}
            </button>
            <button
              type="button"
              id="trash-delete"
              class="danger"
              disabled={busy}
              onClick={() => {
                if (confirm(`Delete ${what} for good? This cannot be undone.`)) deleteForever(ctx, chosen);
              }}
            >
              Delete {what} for good
            </button>
          </>
        )}
      </div>
      <VirtualGrid id="grid" files={files} notes={notes} selection={selection} thumbnails={thumbnails} onTile={onTile} />
    </>
  );
}
