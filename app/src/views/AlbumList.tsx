// The albums beside the grid (owned and shared with you), a form to create one, and this
// account's verification ID to read to friends.
import { createAlbum, selectAlbum } from '../actions/gallery.js';
import { useState } from 'preact/hooks';
import { useApp, useCtx } from '../hooks.js';
import { People } from './People.js';
import { LOCK_CHOICES, lockAfterMinutes, setLockAfterMinutes } from '../session/idle.js';

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
  const busy = useApp((s) => s.busy !== null);
  const verificationId = useApp((s) => s.account?.verificationId ?? '');
  const create = async (e: Event) => {
    e.preventDefault();
    const input = (e.currentTarget as HTMLFormElement).elements.namedItem('name') as HTMLInputElement;
    const name = input.value.trim();
    if (name && (await createAlbum(ctx, name))) input.value = '';
  };
  return (
    <nav class="albums" aria-label="Albums">
      <h2>Albums</h2>
      <ul id="album-list">
        {albums.map((a) => (
          <li key={a.id}>
            <button type="button" class="album-link" aria-current={a === current} onClick={() => selectAlbum(ctx, a)}>
              {a.name}
              {!a.mine && <small>shared by {a.owner?.email}</small>}
              {a.trust && !a.trust.writable && a.trust.findings.length > 0 && <small class="warn">needs attention</small>}
            </button>
          </li>
        ))}
      </ul>
      <form id="album-form" class="album-form" onSubmit={create}>
        <input id="album-name" name="name" placeholder="New album name" aria-label="New album name" required maxLength={100} />
        <button type="submit" disabled={busy}>
          Create
        </button>
      </form>
      <LockAfter />
      <People />
      <details class="account">
        <summary>Your verification ID</summary>
        <p>Friends compare these words with the ones their app shows before sharing with you.</p>
        <p id="my-verification-id" class="mono">
          {verificationId}
        </p>
      </details>
    </nav>
  );
}
