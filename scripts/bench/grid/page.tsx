// The bench page of grid.bench.mjs: the app's VirtualGrid (the timeline's grid, by date with month
// and day headers) over `?n=` files, about 27 a day (100,000: ten years), thumbnails through the app's
// ThumbnailCache from eight JPEGs the bench serves (the worker pool's decryption is left out: it
// runs off the main thread). Exposes window.bench for the driver.
import { render } from 'preact';
import type { GalleryFile } from '../../../client/src/index.js';
import { ThumbnailCache } from '../../../app/src/thumbnails.js';
import { VirtualGrid } from '../../../app/src/views/VirtualGrid.js';

const n = Number(new URLSearchParams(location.search).get('n') ?? 100_000);
const NOW = Date.UTC(2026, 0, 1) * 1000;
// About 27 photos a day, whatever n (100,000: ten years), so a row holds as many tiles in each case.
const SPAN = n * 52 * 60_000_000; // µs, newest first
const files: GalleryFile[] = Array.from({ length: n }, (_, i) => ({
  id: i + 1,
  collectionID: 1,
  ownerID: 1,
  key: new Uint8Array(32),
  headers: { file: new Uint8Array(24), thumbnail: new Uint8Array(24) },
  meta: { title: `IMG_${String(i).padStart(6, '0')}.jpg`, creationTime: NOW - Math.floor((i / n) * SPAN), fileType: 0 },
}));
const thumbnails = new ThumbnailCache<GalleryFile>(async (f) => {
  const res = await fetch(`thumb-${f.id % 8}.jpg`);
  return new Uint8Array(await res.arrayBuffer());
});
const t0 = performance.now();
render(
  <section class="gallery">
    <div />
    <div class="album">
      <VirtualGrid id="grid" files={files} byDate thumbnails={thumbnails} selection={new Set()} onTile={() => {}} />
    </div>
  </section>,
  document.getElementById('root')!,
);
(window as unknown as { bench: unknown }).bench = { n, renderMs: performance.now() - t0 };
