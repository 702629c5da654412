// The signed-in gallery: albums on the side; the album shown with its actions (by what its signed
// log says this account may do), what the log says the server got wrong, the search and upload
// lines, and its grid (files can be dropped on it).
import { useCallback, useRef, useState } from 'preact/hooks';
import type { Album, GalleryFile } from '../../../client/src/index.js';
import { openShare, createLink, leaveAlbum } from '../actions/sharing.js';
import { uploadFiles } from '../actions/upload.js';
import { openViewer } from '../actions/viewer.js';
import { useApp, useCtx } from '../hooks.js';
import { AlbumList } from './AlbumList.js';
import { Grid } from './Grid.js';
import { Uploads } from './Uploads.js';

/** Who the album is shared with (or by, and whether their ID was compared), by its signed log. */
function albumInfo(a: Album): string {
  const members = [...(a.trust?.state?.members.values() ?? [])].map((m) => m.email);
  if (a.mine) return members.length ? `shared with ${members.join(', ')}` : '';
  const role = a.trust?.role === 'collaborator' ? 'you can add photos' : a.trust?.role === 'viewer' ? 'you can view' : '';
  // No role by the log: no share this account can verify, whoever the server names.
  if (a.trust && !a.trust.role) return `shown as shared by ${a.owner?.email} (no share they signed for you)`;
  const compared = a.trust?.ownerCompared ? '' : ' (ID not compared)';
  return [`shared with you by ${a.owner?.email}${compared}`, role].filter(Boolean).join(' · ');
}

/** What the album's log says the server got wrong, in words (and the account's own notices). */
function Findings() {
  const findings = useApp((s) => s.findings);
  const notices = useApp((s) => s.accountNotices);
  const all = [...notices, ...findings];
  if (!all.length) return null;
  return (
    <div id="album-findings" class="findings" role="alert">
      {all.map((m) => (
        <p key={m}>{m}</p>
      ))}
    </div>
  );
}

/** The album's fingerprint: its version and head as words, compared like a verification ID. */
function Fingerprint() {
  const print = useApp((s) => s.fingerprint);
  if (!print) return null;
  return (
    <details class="fingerprint">
      <summary>Album fingerprint (version {print.version})</summary>
      <p>Members who see the same words at the same version see the same album.</p>
      <p id="album-fingerprint" class="mono">
        {print.words}
      </p>
    </details>
  );
}

function AlbumHead({ album, onAdd }: { album: Album | null; onAdd: () => void }) {
  const ctx = useCtx();
  useApp((s) => s.albumsVersion); // members and counts change in place
  const writable = album?.trust?.writable === true;
  const owner = album?.mine === true && album.trust?.role === 'owner';
  return (
    <div class="album-head">
      <h1 id="album-title">{album?.name}</h1>
      {album && !writable && (
        <span id="album-readonly" class="badge">
          read-only
        </span>
      )}
      <span id="album-info" class="lede">
        {album && albumInfo(album)}
      </span>
      <span class="spacer" />
      {writable && (
        <button id="add-button" type="button" onClick={onAdd}>
          Add photos &amp; videos
        </button>
      )}
      {album && !album.mine && (
        <button id="leave-button" type="button" class="secondary" onClick={() => leaveAlbum(ctx)}>
          Leave
        </button>
      )}
      {owner && writable && (
        <>
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
        <Findings />
        <Fingerprint />
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
              {album.trust?.writable
                ? 'No photos yet: drop photos and videos here, or use “Add photos & videos”.'
                : 'This album is empty.'}
            </p>
          )}
        </section>
      </div>
    </section>
  );
}
