// The signed-in gallery: the library and albums on the side; the view of the moment (every photo
// by date, one album, the archive, the trash, near-duplicates, search results) with its head (an
// album's actions by what its signed log says this account may do, and what the log says the
// server got wrong), the selection's actions, the search and upload lines, and its grid (files can
// be dropped on it). Ctrl/⌘+A selects every file of the view, Esc clears the selection.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { Album, GalleryFile } from '../../../client/src/index.js';
import { downloadFiles } from '../actions/download.js';
import { setOrder } from '../actions/gallery.js';
import { openAlbumDialog } from '../actions/organise.js';
import { clearSelection, selectAll, tileClicked } from '../actions/selection.js';
import { createLink, leaveAlbum, openShare } from '../actions/sharing.js';
import { uploadFiles } from '../actions/upload.js';
import { useApp, useCtx } from '../hooks.js';
import type { View } from '../state.js';
import { AlbumList } from './AlbumList.js';
import { SearchView } from './SearchView.js';
import { SelectionBar } from './SelectionBar.js';
import { SimilarView } from './SimilarView.js';
import { TrashView } from './TrashView.js';
import { Uploads } from './Uploads.js';
import { VirtualGrid } from './VirtualGrid.js';

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

const TITLES: Record<View, string> = {
  timeline: 'All photos',
  album: '',
  favourites: 'Favourites',
  archive: 'Archive',
  trash: 'Trash',
  similar: 'Similar photos',
  search: 'Search results',
};

function ViewHead({ onAdd }: { onAdd: () => void }) {
  const ctx = useCtx();
  const view = useApp((s) => s.view);
  const album = useApp((s) => s.album);
  const order = useApp((s) => s.order);
  const count = useApp((s) => s.files?.length);
  useApp((s) => s.albumsVersion); // members and counts change in place
  const writable = album?.trust?.writable === true;
  const owner = album?.mine === true && album.trust?.role === 'owner';
  const title = view === 'album' ? (album?.name ?? '') : TITLES[view];
  const dated = view === 'timeline' || view === 'album' || view === 'archive' || view === 'favourites';
  const info =
    view === 'album' && album
      ? albumInfo(album)
      : count !== undefined && dated
        ? count === 1
          ? '1 photo or video'
          : `${count} photos and videos`
        : '';
  return (
    <div class="album-head">
      <h1 id="album-title">{title}</h1>
      {view === 'album' && album && !writable && (
        <span id="album-readonly" class="badge">
          read-only
        </span>
      )}
      <span id="album-info" class="lede">
        {info}
      </span>
      <span class="spacer" />
      {dated && (
        <button
          id="order-button"
          type="button"
          class="secondary"
          aria-label={order === 'newest' ? 'Newest first: show oldest first' : 'Oldest first: show newest first'}
          onClick={() => setOrder(ctx, order === 'newest' ? 'oldest' : 'newest')}
        >
          {order === 'newest' ? 'Newest first ↓' : 'Oldest first ↑'}
        </button>
      )}
      {(view === 'timeline' || (view === 'album' && writable)) && (
        <button id="add-button" type="button" onClick={onAdd}>
          Add photos &amp; videos
        </button>
      )}
      {view === 'album' && album && !album.mine && (
        <button id="leave-button" type="button" class="secondary" onClick={() => leaveAlbum(ctx)}>
          Leave
        </button>
      )}
      {view === 'album' && album && (
        <>
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
          <details class="menu">
            <summary class="button secondary" id="album-menu">
              More
            </summary>
            {/* A choice closes the menu. */}
            <div
              class="menu-items"
              onClickCapture={(e) => {
                const menu = (e.currentTarget as HTMLElement).closest('details');
                if (menu) menu.open = false;
              }}
            >
              <button
                id="album-download"
                type="button"
                class="secondary"
                onClick={() => downloadFiles(ctx, ctx.store.get().files ?? [])}
              >
                Download album
              </button>
              {album.mine && (
                <>
                  <button id="album-rename" type="button" class="secondary" onClick={() => openAlbumDialog(ctx, 'rename')}>
                    Rename album
                  </button>
                  <button id="album-delete" type="button" class="secondary danger" onClick={() => openAlbumDialog(ctx, 'delete')}>
                    Delete album
                  </button>
                </>
              )}
            </div>
          </details>
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

function Empty() {
  const view = useApp((s) => s.view);
  const album = useApp((s) => s.album);
  const text =
    view === 'album'
      ? album?.trust?.writable
        ? 'No photos yet: drop photos and videos here, or use “Add photos & videos”.'
        : 'This album is empty.'
      : view === 'archive'
        ? 'Nothing archived. Archived photos stay in their albums but leave “All photos”.'
        : view === 'favourites'
          ? 'No favourites yet: select photos and choose “♡ Favourite”.'
          : 'No photos yet: drop photos and videos here, or use “Add photos & videos”.';
  return (
    <p id="empty" class="empty">
      {text}
    </p>
  );
}

/** Ctrl/⌘+A and Esc for the grid, unless a field, the viewer or a dialog has them. */
function useSelectionKeys() {
  const ctx = useCtx();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const s = ctx.store.get();
      const target = e.target as HTMLElement | null;
      if (s.screen !== 'gallery' || s.viewer || document.querySelector('dialog[open]')) return;
      if (target?.closest('input, textarea, select, [contenteditable="true"]')) return;
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'a') {
        e.preventDefault();
        selectAll(ctx);
      } else if (e.key === 'Escape' && s.selection.size) {
        clearSelection(ctx);
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [ctx]);
}

export function AlbumScreen() {
  const ctx = useCtx();
  const view = useApp((s) => s.view);
  const files = useApp((s) => s.files);
  const scores = useApp((s) => s.scores);
  const selection = useApp((s) => s.selection);
  const album = useApp((s) => s.album);
  const [over, setOver] = useState(false);
  const onTile = useCallback(
    (f: GalleryFile, i: number, e: MouseEvent | KeyboardEvent, toggle: boolean) => tileClicked(ctx, f, i, e, toggle),
    [ctx],
  );
  useSelectionKeys();
  const thumbnails = ctx.live.thumbnails;
  const dated = view === 'timeline' || view === 'album' || view === 'archive' || view === 'favourites';
  const canDrop = view === 'timeline' || (view === 'album' && album?.trust?.writable === true);
  const picker = useRef<HTMLInputElement>(null);
  const pick = useCallback(() => picker.current?.click(), []);
  return (
    <section id="screen-gallery" class="gallery">
      <AlbumList />
      <div class="album">
        <ViewHead onAdd={pick} />
        {view === 'album' && <Findings />}
        {view === 'album' && <Fingerprint />}
        <SelectionBar />
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
          aria-label="Photos and videos (drop files here to add them)"
          class={over ? 'drop over' : 'drop'}
          onDragOver={(e) => {
            if (!canDrop) return;
            e.preventDefault();
            setOver(true);
          }}
          onDragLeave={() => setOver(false)}
          onDrop={(e) => {
            e.preventDefault();
            setOver(false);
            if (canDrop) uploadFiles(ctx, [...(e.dataTransfer?.files ?? [])]);
          }}
        >
          {view === 'search' && <SearchView />}
          {view === 'trash' && <TrashView />}
          {view === 'similar' && <SimilarView />}
          {dated && thumbnails && files && (
            <VirtualGrid
              id="grid"
              files={files}
              byDate
              scores={scores}
              selection={selection}
              thumbnails={thumbnails}
              onTile={onTile}
            />
          )}
          {dated && files && files.length === 0 && <Empty />}
        </section>
      </div>
    </section>
  );
}
