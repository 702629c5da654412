// Sharing an album: their email, then both verification IDs side by side to compare (in person or
// by a call) before the album key is sealed to them; a key the server changed is refused.
import { closeShare, confirmShare, prepareShare } from '../actions/sharing.js';
import { formFields, useApp, useCtx } from '../hooks.js';
import { CloseButton, Dialog } from './Dialog.js';

export function ShareDialog() {
  const ctx = useCtx();
  const share = useApp((s) => s.share);
  const step = share?.step ?? 'email';
  return (
    <Dialog id="share-dialog" open={share !== null} onClose={() => closeShare(ctx)}>
      <h2>
        Share “<span id="share-album">{share?.album.name}</span>”
      </h2>
      <form id="share-form" hidden={step !== 'email'} onSubmit={(e) => prepareShare(ctx, formFields(e).email.trim())}>
        <label>
          Their email <input id="share-email" name="email" type="email" required key={share?.openedAt} />
        </label>
        <button type="submit">Continue</button>
      </form>
      <div id="share-verify" hidden={step !== 'verify'}>
        <p>
          Compare these words with <strong id="share-who">{share?.prepared?.contact.email}</strong> (in person or by a call)
          before you share:
        </p>
        <div class="ids">
          <div>
            <h3>Their verification ID</h3>
            <p id="their-id" class="mono">
              {share?.prepared?.theirId}
            </p>
          </div>
          <div>
            <h3>Your verification ID</h3>
            <p id="mine-id" class="mono">
              {share?.prepared?.myId}
            </p>
          </div>
        </div>
        <button id="share-confirm" type="button" onClick={() => confirmShare(ctx)}>
          They match: share
        </button>
      </div>
      <p id="share-error" class={share?.error?.warning ? 'error warning' : 'error'} role="alert" hidden={!share?.error}>
        {share?.error?.message}
      </p>
      <p id="share-done" class="ok" hidden={!share?.done}>
        {share?.done}
      </p>
      <CloseButton />
    </Dialog>
  );
}
