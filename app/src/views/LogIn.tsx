// Log in with email and password (SRP: the password never leaves the device).
import { logIn, showScreen } from '../actions/account.js';
import { formFields, useApp, useCtx } from '../hooks.js';

export function LogIn() {
  const ctx = useCtx();
  const busy = useApp((s) => s.busy !== null);
  const email = useApp((s) => s.loginEmail);
  const submit = async (e: Event) => {
    const form = e.currentTarget as HTMLFormElement;
    const { email, password } = formFields(e);
    const done = logIn(ctx, email.trim(), password);
    (form.elements.namedItem('password') as HTMLInputElement).value = '';
    await done;
  };
  return (
    <section id="screen-login" class="card">
      <h1>Log in</h1>
      <p class="lede">Your photos are encrypted on your devices. The server stores only ciphertext.</p>
      <form id="login-form" onSubmit={submit}>
        <label>
          Email{' '}
          <input id="login-email" name="email" type="email" autocomplete="username" required defaultValue={email} key={email} />
        </label>
        <label>
          Password <input id="login-password" name="password" type="password" autocomplete="current-password" required />
        </label>
        <button type="submit" disabled={busy}>
          Log in
        </button>
      </form>
      <p class="links">
        <button type="button" class="link" id="show-signup" onClick={() => showScreen(ctx, 'signup')}>
          Create an account
        </button>{' '}
        <span class="sep" aria-hidden="true">
          ·
        </span>{' '}
        <button type="button" class="link" id="show-recover" onClick={() => showScreen(ctx, 'recover')}>
          Forgot your password?
        </button>
      </p>
    </section>
  );
}
