// Sign-up, login and recovery: the client's ceremonies (client/src/account) with the busy line
// showing each step; what happens once an account is open is session.ts's.
import {
  logIn as clientLogIn,
  recover as clientRecover,
  signUp as clientSignUp,
  type Session,
} from '../../../client/src/index.js';
import type { Ctx } from '../context.js';
import type { Screen } from '../state.js';
import { keepTab } from '../session/tab.js';
import { busy, progress, showError } from './feedback.js';
import { keepForNewTabs, signedIn } from './session.js';

export function showScreen(ctx: Ctx, screen: Screen) {
  ctx.store.set({ screen, error: null });
}

const stepper = (ctx: Ctx) => (label: string) => progress(ctx, label);

export async function signUp(ctx: Ctx, email: string, password: string, confirm: string) {
  if (password !== confirm) return showError(ctx, new Error('The passwords do not match'));
  const result = await busy(ctx, 'Preparing…', () => clientSignUp(ctx.client, email, password, stepper(ctx)));
  if (!result) return;
  ctx.live.session = result.session;
  // Kept now: a reload on the phrase screen, or a new tab, finds the account open.
  await keepTab(result.session).catch(() => {});
  keepForNewTabs(ctx, result.session, password);
  ctx.store.set({ phrase: result.recoveryPhrase.split(' '), screen: 'phrase', error: null });
}

export function acknowledgePhrase(ctx: Ctx) {
  ctx.store.set({ phrase: null });
  return signedIn(ctx, ctx.live.session!);
}

async function opened(ctx: Ctx, session: Session | undefined, password: string) {
  if (!session) return false;
  await signedIn(ctx, session, password);
  return true;
}

export async function logIn(ctx: Ctx, email: string, password: string) {
  const session = await busy(ctx, 'Preparing…', () => clientLogIn(ctx.client, email, password, stepper(ctx)));
  return opened(ctx, session, password);
}

export async function recover(ctx: Ctx, email: string, phrase: string, newPassword: string) {
  const session = await busy(ctx, 'Checking your phrase…', () =>
    clientRecover(ctx.client, email, phrase, newPassword, stepper(ctx)),
  );
  return opened(ctx, session, newPassword);
}
