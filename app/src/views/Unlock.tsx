// A new tab or a restarted browser: this device keeps the account, and the password unlocks it,
// either quickly (this device's key: Argon2id at interactive limits) or by logging in in full
// (the account's own, stronger derivation and SRP with the server), the person's choice.
import { logIn } from '../actions/account.js';
import { forgetThisDevice, unlockHere } from '../actions/session.js';
import { useApp, useCtx } from '../hooks.js';

export function Unlock() {
  const ctx = useCtx();
  const busy = useApp((s) => s.busy !== null);
  const email = useApp((s) => s.unlock?.email ?? '');
  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const input = form.elements.namedItem('password') as HTMLInputElement;
    const password = input.value;
    input.value = '';
    const full = (e.submitter as HTMLButtonElement | null)?.value === 'full';
    await (full ? logIn(ctx, email, password) : unlockHere(ctx, password));
  };
  return (
    <section id="screen-unlock" class="card">
      <h1>Unlock your gallery</h1>
      <p class="lede">
        Signed in as <strong id="unlock-email">{email}</strong>. Your password unlocks the keys this device keeps.
      </p>
      <form id="unlock-form" onSubmit={submit}>
        <input type="email" name="email" autocomplete="username" value={email} hidden readOnly />
        <label>
          Password <input id="unlock-password" name="password" type="password" autocomplete="current-password" required />
        </label>
        <div class="actions">
          <button id="unlock-button" type="submit" value="quick" disabled={busy}>
            Unlock
          </button>
          <button id="unlock-full" type="submit" value="full" class="secondary" disabled={busy}>
            Log in in full
          </button>
        </div>
        <p class="hint">
          “Unlock” uses this device's own key (a second or so). “Log in in full” runs your account's stronger derivation and
          checks with the server (5–15 seconds).
        </p>
      </form>
      <p class="links">
        <button type="button" class="link" id="unlock-forget" onClick={() => forgetThisDevice(ctx)}>
          Not you? Log in to another account
        </button>
      </p>
    </section>
  );
}
