// Create an account: the password derives the key that protects all the others (Argon2id,
// Ente's sensitive limits, shown on the busy line while it runs).
import { showScreen, signUp } from '../actions/account.js';
import { formFields, useApp, useCtx } from '../hooks.js';

export function SignUp() {
  const ctx = useCtx();
  const busy = useApp((s) => s.busy !== null);
  const submit = async (e: Event) => {
    const form = e.currentTarget as HTMLFormElement;
    const { email, password, confirm } = formFields(e);
    const done = signUp(ctx, email.trim(), password, confirm);
    for (const name of ['password', 'confirm']) (form.elements.namedItem(name) as HTMLInputElement).value = '';
    await done;
  };
  return (
    <section id="screen-signup" class="card">
      <h1>Create your account</h1>
      <p class="lede">Your password never leaves this device; it derives the key that protects all the others.</p>
      <form id="signup-form" onSubmit={submit}>
        <label>
          Email <input id="signup-email" name="email" type="email" autocomplete="username" required />
        </label>
        <label>
          Password{' '}
          <input id="signup-password" name="password" type="password" autocomplete="new-password" required minLength={8} />
        </label>
        <label>
          Confirm password <input id="signup-confirm" name="confirm" type="password" autocomplete="new-password" required />
        </label>
        <button type="submit" disabled={busy}>
          Create account
        </button>
      </form>
      <p class="links">
        <button type="button" class="link show-login" onClick={() => showScreen(ctx, 'login')}>
          I have an account
        </button>
      </p>
    </section>
  );
}
