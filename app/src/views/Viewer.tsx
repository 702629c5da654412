// The viewer: PhotoSwipe (photo-viewer.ts) opened over the grid's files while the state has a
// viewer, its info panel rendered here, and closed when the state no longer has one.
import { render } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import type PhotoSwipe from 'photoswipe';
import { closeViewer, viewerShows } from '../actions/viewer.js';
import { downloadFiles } from '../actions/download.js';
import { useApp, useCtx } from '../hooks.js';
import { openPhotoViewer } from '../photo-viewer.js';
import { InfoPanel } from './InfoPanel.js';

export function Viewer() {
  const ctx = useCtx();
  const viewer = useApp((s) => s.viewer);
  const downloads = useApp((s) => s.screen !== 'public' || s.publicAlbum?.allowDownload !== false);
  const pswp = useRef<PhotoSwipe | null>(null);
  const panel = useRef<HTMLElement | null>(null);
  const opened = viewer !== null;
  useEffect(() => {
    const { library, thumbnails } = ctx.live;
    const v = ctx.store.get().viewer;
    if (!v || !library || !thumbnails) return;
    pswp.current = openPhotoViewer({
      base: ctx.base,
      files: v.files,
      index: v.index,
      library,
      thumbnails,
      onChange: (file) => viewerShows(ctx, file),
      onClose: () => {
        pswp.current = null;
        if (panel.current) render(null, panel.current);
        closeViewer(ctx);
      },
      onInfoPanel: (el) => {
        panel.current = el;
      },
      onDownload: downloads ? (file) => downloadFiles(ctx, [file]) : undefined,
    });
    return () => pswp.current?.close();
  }, [opened, ctx]);
  // The panel shows the slide of the moment.
  useEffect(() => {
    if (!viewer || !panel.current) return;
    const library = ctx.live.library;
    const albums = [...(library?.albums.values() ?? [])].filter((a) => a.id === viewer.file.collectionID).map((a) => a.name);
    render(<InfoPanel file={viewer.file} albums={albums} />, panel.current);
  }, [viewer, ctx]);
  return null;
}
