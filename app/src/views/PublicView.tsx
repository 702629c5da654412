// A public link's album, read only, for anyone with the link (no account): its photos by date,
// the viewer, and downloads (one original, a selection or the whole album as a ZIP) unless the
// owner turned them off for the link.
import { useCallback } from 'preact/hooks';
import type { GalleryFile } from '../../../client/src/index.js';
import { downloadFiles } from '../actions/download.js';
import { tileClicked } from '../actions/selection.js';
import { useApp, useCtx } from '../hooks.js';
import { VirtualGrid } from './VirtualGrid.js';

export function PublicView() {
  const ctx = useCtx();
  const album = useApp((s) => s.publicAlbum);
  const selection = useApp((s) => s.selection);
  const busy = useApp((s) => s.busy !== null);
  const thumbnails = ctx.live.thumbnails;
  const onTile = useCallback(
    (f: GalleryFile, i: number, e: MouseEvent | KeyboardEvent, toggle: boolean) => tileClicked(ctx, f, i, e, toggle),
    [ctx],
  );
  const downloads = album?.allowDownload !== false;
  const chosen = album ? (selection.size ? album.files.filter((f) => selection.has(f.id)) : album.files) : [];
  return (
    <section id="screen-public" class="public">
      <p class="banner">A shared album, read only. Its key came in the link and never reached the server.</p>
      <div class="album-head">
        <h1 id="public-title">{album?.title}</h1>
        <span class="spacer" />
        {downloads && album && album.files.length > 0 && (
          <button type="button" id="public-download" class="secondary" disabled={busy} onClick={() => downloadFiles(ctx, chosen)}>
            {selection.size ? `Download ${selection.size} selected` : 'Download all'}
          </button>
        )}
      </div>
      {album && album.findings.length > 0 && (
        <div id="public-findings" class="findings" role="alert">
          {album.findings.map((m) => (
            <p key={m}>{m}</p>
          ))}
        </div>
      )}
      {album && thumbnails && (
        <VirtualGrid
          id="public-grid"
          files={album.files}
          byDate
          selection={downloads ? selection : undefined}
          thumbnails={thumbnails}
          onTile={onTile}
        />
      )}
    </section>
  );
}
