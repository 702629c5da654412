// The album dialogs: choosing the album to add or move the selection to (or a new one), renaming
// the album shown, and deleting it (keeping its photos in another album, or deleting them).
import { closeAlbumDialog, closeAlbumPicker, deleteAlbum, pickAlbum, renameAlbum } from '../actions/organise.js';
import { formFields, useApp, useCtx } from '../hooks.js';
import { CloseButton, Dialog } from './Dialog.js';

export function AlbumPicker() {
  const ctx = useCtx();
  const mode = useApp((s) => s.albumPicker);
  const albums = useApp((s) => s.albums);
  const current = useApp((s) => (s.view === 'album' ? s.album : null));
  const count = useApp((s) => s.selection.size);
  const targets = albums.filter((a) => a.mine && a !== current);
  return (
    <Dialog id="album-picker" open={mode !== null} onClose={() => closeAlbumPicker(ctx)} labelledBy="album-picker-title">
      <h2 id="album-picker-title">
        {mode === 'move' ? 'Move' : 'Add'} {count} file{count === 1 ? '' : 's'} to…
      </h2>
      <ul class="picker">
        {targets.map((a) => (
          <li key={a.id}>
            <button type="button" class="album-link" data-album-id={a.id} onClick={() => pickAlbum(ctx, a)}>
              {a.name}
            </button>
          </li>
        ))}
      </ul>
      <form
        id="picker-new"
        class="album-form"
        onSubmit={(e) => {
          const { name } = formFields(e);
          if (name?.trim()) pickAlbum(ctx, null, name.trim());
        }}
      >
        <input
          name="name"
          id="picker-new-name"
          placeholder="A new album"
          aria-label="A new album's name"
          maxLength={100}
          required
        />
        <button type="submit">Create and {mode === 'move' ? 'move' : 'add'}</button>
      </form>
      <CloseButton />
    </Dialog>
  );
}

export function AlbumDialog() {
  const ctx = useCtx();
  const mode = useApp((s) => s.albumDialog);
  const album = useApp((s) => s.album);
  return (
    <Dialog id="album-dialog" open={mode !== null} onClose={() => closeAlbumDialog(ctx)} labelledBy="album-dialog-title">
      {mode === 'rename' && (
        <form id="rename-form" onSubmit={(e) => renameAlbum(ctx, formFields(e).name ?? '')}>
          <h2 id="album-dialog-title">Rename “{album?.name}”</h2>
          <label>
            New name <input id="rename-name" name="name" defaultValue={album?.name} required maxLength={100} />
          </label>
          <button type="submit">Rename</button>
        </form>
      )}
      {mode === 'delete' && (
        <div id="delete-album">
          <h2 id="album-dialog-title">Delete “{album?.name}”?</h2>
          <p>The album goes for everyone it is shared with. What about its photos?</p>
          <p class="choices">
            <button type="button" id="delete-album-keep" class="secondary" onClick={() => deleteAlbum(ctx, true)}>
              Keep the photos
            </button>
            <button type="button" id="delete-album-photos" class="danger" onClick={() => deleteAlbum(ctx, false)}>
              Delete the photos too
            </button>
          </p>
          <p class="lede">
            Kept photos stay in their other albums, or move to another album of yours; deleted ones wait in the trash for 30 days.
          </p>
        </div>
      )}
      <CloseButton />
    </Dialog>
  );
}
