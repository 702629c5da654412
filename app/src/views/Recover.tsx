// Recover with the 24-word phrase and set a new password.
import { recover, showScreen } from '../actions/account.js';
import { formFields, useApp, useCtx } from '../hooks.js';

export function Recover() {
  const ctx = useCtx();
  const busy = useApp((s) => s.busy !== null);
  const submit = async (e: Event) => {
    const form = e.currentTarget as HTMLFormElement;
    const { email, phrase, password } = formFields(e);
    const done = recover(ctx, email.trim(), phrase, password);
    (form.elements.namedItem('password') as HTMLInputElement).value = '';
    await done;
  };
  return (
    <section id="screen-recover" class="card">
      <h1>Recover your account</h1>
      <form id="recover-form" onSubmit={submit}>
        <label>
          Email <input id="recover-email" name="email" type="email" autocomplete="username" required />
        </label>
        <label>
          Recovery phrase (24 words){' '}
          <textarea id="recover-phrase" name="phrase" rows={3} required spellcheck={false} autocomplete="off" />
        </label>
        <label>
          New password{' '}
          <input id="recover-password" name="password" type="password" autocomplete="new-password" required minLength={8} />
        </label>
        <button type="submit" disabled={busy}>
          Set the new password
        </button>
      </form>
      <p class="links">
        <button type="button" class="link show-login" onClick={() => showScreen(ctx, 'login')}>
          Back to log in
        </button>
      </p>
    </section>
  );
}
