// The signed-in gallery: albums on the side; the album shown with its actions, the search and
// upload lines, and its grid (files can be dropped on it).
import { useCallback, useRef, useState } from 'preact/hooks';
import type { Album, GalleryFile } from '../../../client/src/index.js';
import { openShare, createLink } from '../actions/sharing.js';
import { uploadFiles } from '../actions/upload.js';
import { openViewer } from '../actions/viewer.js';
import { useApp, useCtx } from '../hooks.js';
import { AlbumList } from './AlbumList.js';
import { Grid } from './Grid.js';
import { Uploads } from './Uploads.js';

/** Who the album is shared with (or by), and how many of its files did not open. */
function albumInfo(a: Album): string {
  const sharing = a.mine
    ? a.sharees.length
      ? `shared with ${a.sharees.map((s) => s.email).join(', ')}`
      : ''
    : `shared with you by ${a.owner?.email}`;
  const unreadable = a.unreadable
    ? `${a.unreadable} file${a.unreadable > 1 ? 's' : ''} could not be opened (damaged or tampered with)`
    : '';
  return [sharing, unreadable].filter(Boolean).join(' · ');
}

function AlbumHead({ album, onAdd }: { album: Album | null; onAdd: () => void }) {
  const ctx = useCtx();
  useApp((s) => s.albumsVersion); // sharees and counts change in place
  return (
    <div class="album-head">
      <h1 id="album-title">{album?.name}</h1>
      <span id="album-info" class="lede">
        {album && albumInfo(album)}
      </span>
      <span class="spacer" />
      {album?.mine && (
        <>
          <button id="add-button" type="button" onClick={onAdd}>
            Add photos &amp; videos
          </button>
          <button id="share-button" type="button" class="secondary" onClick={() => openShare(ctx)}>
            Share
          </button>
          <button id="link-button" type="button" class="secondary" onClick={() => createLink(ctx)}>
            Public link
          </button>
        </>
      )}
    </div>
  );
}

function SearchLine() {
  const results = useApp((s) => s.resultsStatus);
  const status = useApp((s) => s.search.status);
  const progress = useApp((s) => s.search.progress);
  return (
    <p class="search-status">
      <span id="results-status">{results}</span> <span id="search-status">{status}</span>{' '}
      <progress
        id="search-progress"
        hidden={!progress || progress.done >= progress.total}
        max={progress?.total}
        value={progress?.done}
      />
    </p>
  );
}

export function AlbumScreen() {
  const ctx = useCtx();
  const album = useApp((s) => s.album);
  const files = useApp((s) => s.files);
  const scores = useApp((s) => s.scores);
  const [over, setOver] = useState(false);
  const open = useCallback((f: GalleryFile) => openViewer(ctx, f), [ctx]);
  const thumbnails = ctx.live.thumbnails;
  const picker = useRef<HTMLInputElement>(null);
  const pick = useCallback(() => picker.current?.click(), []);
  return (
    <section id="screen-gallery" class="gallery">
      <AlbumList />
      <div class="album">
        <AlbumHead album={album} onAdd={pick} />
        <input
          id="add-input"
          ref={picker}
          type="file"
          accept="image/*,video/*,.heic,.heif"
          multiple
          hidden
          onChange={(e) => {
            const input = e.currentTarget;
            const files = [...(input.files ?? [])];
            input.value = '';
            uploadFiles(ctx, files);
          }}
        />
        <SearchLine />
        <Uploads onPick={pick} />
        <section
          id="drop"
          aria-label="Photos and videos of the album (drop files here to add them)"
          class={over ? 'drop over' : 'drop'}
          onDragOver={(e) => {
            e.preventDefault();
            setOver(true);
          }}
          onDragLeave={() => setOver(false)}
          onDrop={(e) => {
            e.preventDefault();
            setOver(false);
            uploadFiles(ctx, [...(e.dataTransfer?.files ?? [])]);
          }}
        >
          {thumbnails && files && <Grid id="grid" files={files} scores={scores} thumbnails={thumbnails} onOpen={open} />}
          {album && files && !scores && files.length === 0 && (
            <p id="empty" class="empty">
              {album.mine ? 'No photos yet: drop photos and videos here, or use “Add photos & videos”.' : 'This album is empty.'}
            </p>
          )}
        </section>
      </div>
    </section>
  );
}
