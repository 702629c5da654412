// The side: the library's views (every photo, favourites, archive, trash, similar photos), the
// albums (owned and shared with you), a form to create one, the storage used, how long the gallery
// stays unlocked without use, the people, and this account's verification ID to read to friends.
// On a phone the views and albums are two scrolling rows and the rest folds behind one button, so
// the photos start on the first screen.
import { useState } from 'preact/hooks';
import { createAlbum, selectAlbum, showView } from '../actions/gallery.js';
import { showTrash } from '../actions/organise.js';
import { showSimilar } from '../actions/similar.js';
import { formatBytes } from '../format.js';
import { useApp, useCtx } from '../hooks.js';
import { LOCK_CHOICES, lockAfterMinutes, setLockAfterMinutes } from '../session/idle.js';
import type { View } from '../state.js';
import { People } from './People.js';

function Usage() {
  const usage = useApp((s) => s.usage);
  if (!usage) return null;
  const share = usage.quotaBytes ? Math.min(1, usage.usedBytes / usage.quotaBytes) : 0;
  return (
    <div id="usage" class="usage">
      <span id="usage-text">
        {formatBytes(usage.usedBytes)} used{usage.quotaBytes ? ` of ${formatBytes(usage.quotaBytes)}` : ''}
      </span>
      {usage.quotaBytes !== null && <progress id="usage-bar" max={1} value={share} />}
    </div>
  );
}

const LOCK_NAMES: Record<number, string> = { 1: '1 minute', 5: '5 minutes', 15: '15 minutes', 60: '1 hour', 0: 'never' };

/** How long without input before the gallery locks (session/idle.ts), kept per device. */
function LockAfter() {
  const [minutes, setMinutes] = useState(lockAfterMinutes);
  return (
    <label class="lock-after">
      Lock after{' '}
      <select
        id="lock-after"
        value={String(minutes)}
        onChange={(e) => {
          const m = Number(e.currentTarget.value);
          setLockAfterMinutes(m);
          setMinutes(m);
        }}
      >
        {LOCK_CHOICES.map((m) => (
          <option key={m} value={String(m)}>
            {LOCK_NAMES[m]}
          </option>
        ))}
      </select>{' '}
      without use
    </label>
  );
}

export function AlbumList() {
  const ctx = useCtx();
  const albums = useApp((s) => s.albums);
  const current = useApp((s) => s.album);
  const view = useApp((s) => s.view);
  const busy = useApp((s) => s.busy !== null);
  const verificationId = useApp((s) => s.account?.verificationId ?? '');
  const [more, setMore] = useState(false);
  const create = async (e: Event) => {
    e.preventDefault();
    const input = (e.currentTarget as HTMLFormElement).elements.namedItem('name') as HTMLInputElement;
    const name = input.value.trim();
    if (name && (await createAlbum(ctx, name))) {
      input.value = '';
      setMore(false); // a phone shows the new album's photos, not the form
    }
  };
  const nav: [View, string, string, () => unknown][] = [
    ['timeline', 'nav-timeline', 'All photos', () => showView(ctx, 'timeline')],
    ['favourites', 'nav-favourites', 'Favourites', () => showView(ctx, 'favourites')],
    ['archive', 'nav-archive', 'Archive', () => showView(ctx, 'archive')],
    ['similar', 'nav-similar', 'Similar photos', () => showSimilar(ctx)],
    ['trash', 'nav-trash', 'Trash', () => showTrash(ctx)],
  ];
  return (
    <nav class={more ? 'albums more' : 'albums'} aria-label="Library and albums">
      <h2>Library</h2>
      <ul id="library-nav">
        {nav.map(([v, id, label, go]) => (
          <li key={id}>
            <button type="button" id={id} class="album-link" aria-current={view === v} onClick={() => go()}>
              {label}
            </button>
          </li>
        ))}
      </ul>
      <h2>Albums</h2>
      <ul id="album-list">
        {albums.map((a) => (
          <li key={a.id}>
            <button
              type="button"
              class="album-link"
              aria-current={view === 'album' && a === current}
              onClick={() => selectAlbum(ctx, a)}
            >
              {a.name}
              {!a.mine && <small>shared by {a.owner?.email}</small>}
              {a.trust && !a.trust.writable && a.trust.findings.length > 0 && <small class="warn">needs attention</small>}
            </button>
          </li>
        ))}
      </ul>
      {/* Shown on phones only (layout.css). */}
      <button
        type="button"
        id="nav-more-button"
        class="secondary nav-more-button"
        aria-expanded={more}
        aria-controls="nav-more"
        onClick={() => setMore(!more)}
      >
        {more ? 'Hide new album, people and settings' : 'New album, people and settings'}
      </button>
      <div id="nav-more" class="nav-more">
        <form id="album-form" class="album-form" onSubmit={create}>
          <input id="album-name" name="name" placeholder="New album name" aria-label="New album name" required maxLength={100} />
          <button type="submit" disabled={busy}>
            Create
          </button>
        </form>
        <Usage />
        <LockAfter />
        <People />
        <details class="account">
          <summary>Your verification ID</summary>
          <p>Friends compare these words with the ones their app shows before sharing with you.</p>
          <p id="my-verification-id" class="mono">
            {verificationId}
          </p>
        </details>
      </div>
    </nav>
  );
}
