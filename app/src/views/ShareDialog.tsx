// Sharing an album: their email and role, then both verification IDs side by side to compare (in
// person or by a call) before the album key is sealed to them; an identity the server changed is
// refused with a warning. Below, the album's members by its signed log, each with a role to change
// or to remove.
import type { Member, Role } from '../../../client/src/index.js';
import { changeRole, closeShare, confirmShare, prepareShare, removeMember } from '../actions/sharing.js';
import { formFields, useApp, useCtx } from '../hooks.js';
import { CloseButton, Dialog } from './Dialog.js';

function Members() {
  const ctx = useCtx();
  const share = useApp((s) => s.share);
  useApp((s) => s.albumsVersion); // the members change in place
  const members: Member[] = share ? (ctx.live.sharing?.members(share.album) ?? []) : [];
  if (!members.length) return null;
  return (
    <section id="share-members" aria-label="Members">
      <h3>Shared with</h3>
      <ul>
        {members.map((m) => (
          <li key={m.accountId} data-email={m.email}>
            <span>{m.email}</span>
            <select
              aria-label={`Role of ${m.email}`}
              value={m.role}
              onChange={(e) => changeRole(ctx, m, e.currentTarget.value as Role)}
            >
              <option value="viewer">can view</option>
              <option value="collaborator">can add photos</option>
            </select>
            <button type="button" class="secondary" onClick={() => removeMember(ctx, m)}>
              Remove
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function ShareDialog() {
  const ctx = useCtx();
  const share = useApp((s) => s.share);
  const step = share?.step ?? 'email';
  const prepared = share?.prepared;
  return (
    <Dialog id="share-dialog" open={share !== null} onClose={() => closeShare(ctx)}>
      <h2>
        Share “<span id="share-album">{share?.album.name}</span>”
      </h2>
      <form
        id="share-form"
        hidden={step !== 'email'}
        onSubmit={(e) => {
          const f = formFields(e);
          prepareShare(ctx, f.email.trim(), f.role as Role);
        }}
      >
        <label>
          Their email <input id="share-email" name="email" type="email" required key={share?.openedAt} />
        </label>
        <label>
          They can{' '}
          <select id="share-role" name="role" key={`${share?.openedAt}-role`}>
            <option value="viewer">view the album</option>
            <option value="collaborator">view and add photos</option>
          </select>
        </label>
        <button type="submit">Continue</button>
      </form>
      <div id="share-verify" hidden={step !== 'verify'}>
        <p>
          {prepared?.compared
            ? 'You compared these words with '
            : prepared?.firstUse
              ? 'First time sharing with '
              : 'You have not compared these words with '}
          <strong id="share-who">{prepared?.contact.email}</strong>
          {prepared?.compared ? ' before. ' : '. '}
          Compare them (in person or by a call) before you share:
        </p>
        <div class="ids">
          <div>
            <h3>Their verification ID</h3>
            <p id="their-id" class="mono">
              {prepared?.theirId}
            </p>
          </div>
          <div>
            <h3>Your verification ID</h3>
            <p id="mine-id" class="mono">
              {prepared?.myId}
            </p>
          </div>
        </div>
        <div class="actions">
          <button id="share-confirm" type="button" onClick={() => confirmShare(ctx, true)}>
            They match: share
          </button>
          {!prepared?.compared && (
            <button id="share-later" type="button" class="secondary" onClick={() => confirmShare(ctx, false)}>
              Share now, compare later
            </button>
          )}
        </div>
      </div>
      <p id="share-error" class={share?.error?.warning ? 'error warning' : 'error'} role="alert" hidden={!share?.error}>
        {share?.error?.message}
      </p>
      <p id="share-done" class="ok" hidden={!share?.done}>
        {share?.done}
      </p>
      <Members />
      <CloseButton />
    </Dialog>
  );
}
