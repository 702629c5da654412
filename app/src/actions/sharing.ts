// Sharing an album (the share dialog: their email, both verification IDs, confirm) and its
// public link (the link dialog).
import { isStatus, KeyChangedError } from '../../../client/src/index.js';
import { publicLinkWithOptions, setLinkDownloads } from '../../../client/src/index.js';
import type { Ctx } from '../context.js';
import type { ShareState } from '../state.js';
import { busy, messageOf } from './feedback.js';
import { selectAlbum } from './gallery.js';

const setShare = (ctx: Ctx, patch: Partial<ShareState>) =>
  ctx.store.set((s) => ({ share: s.share ? { ...s.share, ...patch } : null }));

export function openShare(ctx: Ctx) {
  const album = ctx.store.get().album;
  if (album) ctx.store.set({ share: { album, step: 'email', openedAt: Date.now() } });
}

export function closeShare(ctx: Ctx) {
  ctx.store.set({ share: null });
}

export async function prepareShare(ctx: Ctx, email: string) {
  setShare(ctx, { error: undefined });
  try {
    const prepared = await ctx.live.sharing!.prepare(email);
    setShare(ctx, { prepared, step: 'verify' });
  } catch (e) {
    const message =
      e instanceof KeyChangedError ? e.message : isStatus(e, 404) ? 'There is no account with that email.' : messageOf(e);
    setShare(ctx, { error: { message, warning: e instanceof KeyChangedError } });
  }
}

export async function confirmShare(ctx: Ctx) {
  const share = ctx.store.get().share;
  if (!share?.prepared) return;
  try {
    await ctx.live.sharing!.share(share.album, share.prepared);
    setShare(ctx, { step: 'done', done: `Shared with ${share.prepared.contact.email}.` });
    await selectAlbum(ctx, share.album);
  } catch (e) {
    setShare(ctx, { error: { message: messageOf(e), warning: false } });
  }
}

export async function createLink(ctx: Ctx) {
  const { album } = ctx.store.get();
  const session = ctx.live.session;
  if (!album || !session) return;
  const link = await busy(ctx, 'Creating the link…', () => publicLinkWithOptions(session, album, ctx.base.origin));
  if (link) ctx.store.set({ link: link.url, linkDownloads: link.enableDownload });
}

/** The owner turns the link page's downloads on or off. */
export async function setLinkDownloadsShown(ctx: Ctx, enableDownload: boolean) {
  const { album } = ctx.store.get();
  const session = ctx.live.session;
  if (!album || !session) return;
  const done = await busy(ctx, 'Saving the link…', () => setLinkDownloads(session, album, enableDownload).then(() => true));
  if (done) ctx.store.set({ linkDownloads: enableDownload });
}

export function closeLink(ctx: Ctx) {
  ctx.store.set({ link: null });
}
