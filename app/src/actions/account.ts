// Sign-up, login, recovery and lock: the client's ceremonies (client/src/account) with the busy
// line showing each step, and what the app keeps while the account is open.
import {
  logIn as clientLogIn,
  recover as clientRecover,
  signUp as clientSignUp,
  type Session,
} from '../../../client/src/index.js';
import { clearLive, type Ctx } from '../context.js';
import { initialState, type Screen } from '../state.js';
import { busy, progress, showError } from './feedback.js';
import { openGallery } from './gallery.js';

export function showScreen(ctx: Ctx, screen: Screen) {
  ctx.store.set({ screen, error: null });
}

const stepper = (ctx: Ctx) => (label: string) => progress(ctx, label);

export async function signUp(ctx: Ctx, email: string, password: string, confirm: string) {
  if (password !== confirm) return showError(ctx, new Error('The passwords do not match'));
  const result = await busy(ctx, 'Preparing…', () => clientSignUp(ctx.client, email, password, stepper(ctx)));
  if (!result) return;
  ctx.live.session = result.session;
  ctx.store.set({ phrase: result.recoveryPhrase.split(' '), screen: 'phrase', error: null });
}

export function acknowledgePhrase(ctx: Ctx) {
  ctx.store.set({ phrase: null });
  return openGallery(ctx);
}

async function opened(ctx: Ctx, session: Session | undefined) {
  if (!session) return false;
  ctx.live.session = session;
  await openGallery(ctx);
  return true;
}

export async function logIn(ctx: Ctx, email: string, password: string) {
  return opened(ctx, await busy(ctx, 'Preparing…', () => clientLogIn(ctx.client, email, password, stepper(ctx))));
}

export async function recover(ctx: Ctx, email: string, phrase: string, newPassword: string) {
  const session = await busy(ctx, 'Checking your phrase…', () =>
    clientRecover(ctx.client, email, phrase, newPassword, stepper(ctx)),
  );
  return opened(ctx, session);
}

/** Log out: the search worker ends, every key is wiped, every thumbnail URL revoked. */
export async function lock(ctx: Ctx) {
  const { live } = ctx;
  live.search?.close();
  live.people?.close();
  live.library?.close();
  live.thumbnails?.clear();
  const session = live.session;
  clearLive(live);
  await session?.lock();
  // The viewer closes with the state (it revokes the originals it decrypted).
  ctx.store.set({ ...initialState(), screen: 'login' });
}
