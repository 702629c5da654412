// Staying signed in: a reload reopens the tab's kept session (no password, no Argon2), a new tab
// unlocks this device's record with the password (Argon2id at interactive limits) or logs in in
// full, the app locks after idle time, and a session the server ended (expired, or ended by a
// recovery on another device) shows a dialog and returns to log-in.
import { isStatus, resumeSession, type KeptSession, type Session } from '../../../client/src/index.js';
import { clearLive, type Ctx } from '../context.js';
import { deviceRecord, forgetDevice, keepDevice, unlockDevice } from '../session/device.js';
import { watchIdle } from '../session/idle.js';
import { forgetTab, keepTab, keptTab } from '../session/tab.js';
import { initialState } from '../state.js';
import { busy, progress, showError } from './feedback.js';
import { openGallery } from './gallery.js';
import { forgetUploads } from './upload.js';

/** Marks in the page's performance timeline (the browser tests and the bench read them). */
const mark = (name: string) => performance.mark(`cipherlens:${name}`);

let idle: { stop(): void } | undefined;

/** An account just opened (log-in, sign-up, recovery, unlock): kept for reloads, then shown. */
export async function signedIn(ctx: Ctx, session: Session, password?: string) {
  ctx.live.session = session;
  await keepTab(session).catch(() => {}); // without IndexedDB a reload asks for the password
  if (password !== undefined) keepForNewTabs(ctx, session, password);
  idle?.stop();
  idle = watchIdle(
    () => lockApp(ctx),
    () => ctx.store.get().uploads.length > 0,
  );
  await openGallery(ctx);
}

/**
 * A new tab's quicker unlock: this device's record, made with its own Argon2 (interactive) behind
 * the gallery opening. A reload before it is kept (under a second) leaves new tabs the full log-in.
 */
export function keepForNewTabs(ctx: Ctx, session: Session, password: string) {
  keepDevice(ctx.core, session, password).then(
    () => mark('device-kept'),
    () => {},
  );
}

/** At start: this tab's kept session reopened, else the unlock screen, else log-in. */
export async function startSession(ctx: Ctx) {
  const kept = await keptTab();
  if (kept) {
    mark('resume-start');
    const session = await reopen(ctx, kept, 'Opening your gallery…');
    if (session) {
      mark('resume-end');
      return signedIn(ctx, session);
    }
    if (ctx.store.get().sessionEnded) return;
  }
  await showUnlockOrLogin(ctx);
}

async function showUnlockOrLogin(ctx: Ctx) {
  const record = await deviceRecord();
  ctx.store.set(record ? { screen: 'unlock', unlock: { email: record.email } } : { screen: 'login', unlock: null });
}

/** Reopens a kept session; an ended one shows the dialog. */
async function reopen(ctx: Ctx, kept: KeptSession, label: string): Promise<Session | undefined> {
  try {
    ctx.store.set({ busy: { label }, error: null });
    return await resumeSession(ctx.client, kept);
  } catch (e) {
    if (isStatus(e, 401)) await sessionEnded(ctx);
    else showError(ctx, e);
    return undefined;
  } finally {
    ctx.store.set({ busy: null });
  }
}

/** New tab: the password unlocks this device's record (Argon2id, interactive limits). */
export async function unlockHere(ctx: Ctx, password: string) {
  const record = await deviceRecord();
  if (!record) return showUnlockOrLogin(ctx);
  mark('unlock-start');
  const kept = await busy(ctx, 'Unlocking…', () =>
    unlockDevice(ctx.core, record, password, (p) => {
      if (p.type === 'kdf' && p.phase === 'before')
        progress(ctx, `Deriving this device's key (Argon2id, ${p.memLimit / 2 ** 20} MiB, ${p.opsLimit} passes)…`);
    }),
  );
  if (!kept) return;
  const session = await reopen(ctx, kept, 'Opening your gallery…');
  if (!session) return;
  mark('unlock-end');
  await signedIn(ctx, session);
}

/** Locks the app: keys wiped, the server session kept; the password unlocks it again. */
export function lockApp(ctx: Ctx) {
  if (ctx.store.get().screen !== 'gallery') return;
  closeLive(ctx);
  forgetTab();
  ctx.live.session?.wipeKeys();
  clearLive(ctx.live);
  showUnlockOrLogin(ctx);
}

/** Wipes what the open account holds in the page (search, keys of albums and files, URLs). */
export function closeLive(ctx: Ctx) {
  idle?.stop();
  idle = undefined;
  const { live } = ctx;
  live.search?.close();
  live.people?.close();
  live.library?.close();
  live.thumbnails?.clear();
  forgetUploads();
  // The viewer closes with the state (it revokes the originals it decrypted).
  ctx.store.set({ ...initialState(), screen: ctx.store.get().screen, theme: ctx.store.get().theme });
}

/**
 * The server no longer knows this session (a 401 to a signed-in request): everything is wiped,
 * nothing kept on the device opens it again, and the dialog says what happened.
 */
export async function sessionEnded(ctx: Ctx) {
  if (ctx.store.get().sessionEnded) return;
  const email = ctx.live.session?.email ?? ctx.store.get().unlock?.email ?? '';
  closeLive(ctx);
  ctx.live.session?.wipeKeys();
  clearLive(ctx.live);
  forgetTab();
  await forgetDevice();
  ctx.store.set({ screen: 'login', sessionEnded: true, unlock: null, loginEmail: email });
}

export function acknowledgeEnded(ctx: Ctx) {
  ctx.store.set({ sessionEnded: false });
}

/** "Not you?": this device forgets the account; log in as anyone. */
export async function forgetThisDevice(ctx: Ctx) {
  await forgetDevice();
  ctx.store.set({ screen: 'login', unlock: null, error: null });
}

/** Log out: the session ends on the server, and nothing of the account stays on the device. */
export async function logOut(ctx: Ctx) {
  const session = ctx.live.session;
  closeLive(ctx);
  clearLive(ctx.live);
  forgetTab();
  await forgetDevice();
  await session?.lock();
  ctx.store.set({ screen: 'login' });
}

/** A fetch for the client that notices a signed-in request answered 401 (the session ended). */
export function watchingFetch(ctx: () => Ctx | undefined, tokenHeader: string): typeof fetch {
  return async (input, init) => {
    const res = await fetch(input, init);
    const headers = init?.headers as Record<string, string> | undefined;
    const c = ctx();
    if (res.status === 401 && headers?.[tokenHeader] && c?.store.get().screen === 'gallery') sessionEnded(c);
    return res;
  };
}
