// A public link's album, read only, for anyone with the link (no account).
import { useCallback } from 'preact/hooks';
import type { GalleryFile } from '../../../client/src/index.js';
import { openViewer } from '../actions/viewer.js';
import { useApp, useCtx } from '../hooks.js';
import { Grid } from './Grid.js';

export function PublicView() {
  const ctx = useCtx();
  const album = useApp((s) => s.publicAlbum);
  const thumbnails = ctx.live.thumbnails;
  const open = useCallback((f: GalleryFile) => openViewer(ctx, f), [ctx]);
  return (
    <section id="screen-public" class="public">
      <p class="banner">A shared album, read only. Its key came in the link and never reached the server.</p>
      <h1 id="public-title">{album?.title}</h1>
      {album && album.findings.length > 0 && (
        <div id="public-findings" class="findings" role="alert">
          {album.findings.map((m) => (
            <p key={m}>{m}</p>
          ))}
        </div>
      )}
      {album && thumbnails && <Grid id="public-grid" files={album.files} thumbnails={thumbnails} onOpen={open} />}
    </section>
  );
}
