// Sharing an album (the share dialog: their email and role, both verification IDs, confirm; the
// members by the album's log, each with a role to change or to remove), leaving a shared album,
// and its public link (the link dialog: expiry, downloads, off).
import { ContactError, isStatus, KeyChangedError, type Member, type Role } from '../../../client/src/index.js';
import type { Ctx } from '../context.js';
import type { ShareState } from '../state.js';
import { busy, messageOf, showError } from './feedback.js';
import { refreshAlbums, selectAlbum } from './gallery.js';

const setShare = (ctx: Ctx, patch: Partial<ShareState>) =>
  ctx.store.set((s) => ({ share: s.share ? { ...s.share, ...patch } : null }));
const bump = (ctx: Ctx) => ctx.store.set((s) => ({ albumsVersion: s.albumsVersion + 1 }));

export function openShare(ctx: Ctx) {
  const album = ctx.store.get().album;
  if (album) ctx.store.set({ share: { album, step: 'email', role: 'viewer', openedAt: Date.now() } });
}

export function closeShare(ctx: Ctx) {
  ctx.store.set({ share: null });
}

export async function prepareShare(ctx: Ctx, email: string, role: Role) {
  setShare(ctx, { error: undefined, role });
  try {
    const prepared = await ctx.live.sharing!.prepare(email);
    setShare(ctx, { prepared, step: 'verify' });
  } catch (e) {
    const warning = e instanceof KeyChangedError || e instanceof ContactError;
    const message = warning ? (e as Error).message : isStatus(e, 404) ? 'There is no account with that email.' : messageOf(e);
    setShare(ctx, { error: { message, warning } });
  }
}

/** Shares with the prepared contact; `compared`: the person compared both IDs (the pin is verified). */
export async function confirmShare(ctx: Ctx, compared: boolean) {
  const share = ctx.store.get().share;
  if (!share?.prepared) return;
  try {
    await ctx.live.sharing!.share(share.album, share.prepared, { role: share.role, compared });
    setShare(ctx, { step: 'done', done: `Shared with ${share.prepared.contact.email} (${share.role}).` });
    await selectAlbum(ctx, share.album);
  } catch (e) {
    setShare(ctx, { error: { message: messageOf(e), warning: false } });
  }
}

export async function changeRole(ctx: Ctx, member: Member, role: Role) {
  const album = ctx.store.get().album;
  if (!album) return;
  await busy(ctx, `Making ${member.email} a ${role}…`, () => ctx.live.sharing!.setRole(album, member, role));
  bump(ctx);
}

export async function removeMember(ctx: Ctx, member: Member) {
  const album = ctx.store.get().album;
  if (!album) return;
  await busy(ctx, `Removing ${member.email}…`, () => ctx.live.sharing!.unshare(album, member));
  bump(ctx);
}

/** Leaves the album shown (shared with this account); the first album of the account's own shows next. */
export async function leaveAlbum(ctx: Ctx) {
  const album = ctx.store.get().album;
  const library = ctx.live.library;
  if (!album || !library) return;
  const left = await busy(ctx, `Leaving “${album.name}”…`, async () => {
    await ctx.live.sharing!.leave(album);
    return true;
  });
  if (!left) return;
  ctx.store.set({ albums: [...library.albums.values()] });
  const next = [...library.albums.values()].find((a) => a.mine);
  if (next) await selectAlbum(ctx, next);
  await refreshAlbums(ctx);
}

/** Makes (or updates) the album's public link with the dialog's settings. */
export async function createLink(ctx: Ctx, settings = ctx.store.get().linkSettings) {
  const { album } = ctx.store.get();
  const sharing = ctx.live.sharing;
  if (!album || !sharing) return;
  const link = await busy(ctx, 'Creating the link…', () => sharing.setLink(album, ctx.base.origin, settings));
  if (link) ctx.store.set({ link, linkSettings: settings });
}

export async function turnOffLink(ctx: Ctx) {
  const { album } = ctx.store.get();
  const sharing = ctx.live.sharing;
  if (!album || !sharing) return;
  const done = await busy(ctx, 'Turning the link off…', async () => {
    await sharing.revokeLink(album);
    return true;
  });
  if (done) ctx.store.set({ link: null });
  else showError(ctx, new Error('The link could not be turned off.'));
}

export function closeLink(ctx: Ctx) {
  ctx.store.set({ link: null });
}
