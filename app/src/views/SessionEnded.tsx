// The server ended the session (it expired, or a recovery or log-out elsewhere ended it): the
// gallery is gone from the page and this says why, then log-in.
import { acknowledgeEnded } from '../actions/session.js';
import { useApp, useCtx } from '../hooks.js';
import { Dialog } from './Dialog.js';

export function SessionEnded() {
  const ctx = useCtx();
  const open = useApp((s) => s.sessionEnded);
  return (
    <Dialog id="session-ended" open={open} onClose={() => acknowledgeEnded(ctx)} labelledBy="session-ended-title">
      <h2 id="session-ended-title">You were signed out</h2>
      <p>
        Your session ended: it expired, or it was ended on another device (for example when your password was reset with the
        recovery phrase). Nothing of your account is left on this device. Log in again to continue.
      </p>
      <form method="dialog">
        <button id="session-ended-ok" type="submit" autofocus>
          Log in again
        </button>
      </form>
    </Dialog>
  );
}
