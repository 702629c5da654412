// What can be done with the selected files: download (one original, or a ZIP), add to or move to
// an album, remove from the album shown, favourite, archive or unarchive, delete (to the trash).
import { downloadFiles } from '../actions/download.js';
import { archiveFiles, favouriteFiles, openAlbumPicker, removeFromAlbum, trashFiles } from '../actions/organise.js';
import { clearSelection, selectedFiles } from '../actions/selection.js';
import { useApp, useCtx } from '../hooks.js';

export function SelectionBar() {
  const ctx = useCtx();
  const count = useApp((s) => s.selection.size);
  const view = useApp((s) => s.view);
  const album = useApp((s) => s.album);
  const busy = useApp((s) => s.busy !== null);
  const me = ctx.live.session?.id;
  const files = count ? selectedFiles(ctx) : [];
  const own = files.length > 0 && files.every((f) => f.ownerID === me);
  if (!count || view === 'trash') return null;
  const allFavourite = files.every((f) => f.favourite);
  const allArchived = files.every((f) => f.archived);
  return (
    <div id="selection-bar" class="selection-bar" role="toolbar" aria-label="Selected photos">
      <button
        type="button"
        class="icon"
        id="selection-clear"
        aria-label="Clear the selection (Esc)"
        onClick={() => clearSelection(ctx)}
      >
        ✕
      </button>
      <span id="selection-count">{count} selected</span>
      <span class="spacer" />
      <button type="button" id="selection-download" class="secondary" disabled={busy} onClick={() => downloadFiles(ctx, files)}>
        Download
      </button>
      {own && (
        <>
          <button type="button" id="selection-add" class="secondary" disabled={busy} onClick={() => openAlbumPicker(ctx, 'add')}>
            Add to album
          </button>
          {view === 'album' && album?.mine && (
            <button
              type="button"
              id="selection-move"
              class="secondary"
              disabled={busy}
              onClick={() => openAlbumPicker(ctx, 'move')}
            >
              Move to album
            </button>
          )}
          {view === 'album' && album?.mine && (
            <button
              type="button"
              id="selection-remove"
              class="secondary"
              disabled={busy}
              onClick={() => removeFromAlbum(ctx, files)}
            >
              Remove from album
            </button>
          )}
          <button
            type="button"
            id="selection-favourite"
            class="secondary"
            disabled={busy}
            aria-pressed={allFavourite}
            onClick={() => favouriteFiles(ctx, files, !allFavourite)}
          >
            {allFavourite ? '♥ Unfavourite' : '♡ Favourite'}
          </button>
          <button
            type="button"
            id="selection-archive"
            class="secondary"
            disabled={busy}
            onClick={() => archiveFiles(ctx, files, !allArchived)}
          >
            {allArchived ? 'Unarchive' : 'Archive'}
          </button>
          <button type="button" id="selection-delete" class="danger" disabled={busy} onClick={() => trashFiles(ctx, files)}>
            Delete
          </button>
        </>
      )}
    </div>
  );
}
