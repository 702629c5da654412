// A public link opened: the album read only, with no account; its key came in the fragment, with
// its owner's signing key, against which its signed log is checked.
import { createApi, Library, trust, type GalleryFile, type OpenedLink } from '../../../client/src/index.js';
import type { Ctx } from '../context.js';
import { ThumbnailCache } from '../thumbnails.js';
import { busy, showError } from './feedback.js';
import { byDate } from './gallery.js';

export async function openPublic(ctx: Ctx, link: OpenedLink) {
  ctx.store.set({ screen: 'public', error: null });
  if (link.error !== undefined) return showError(ctx, new Error(link.error));
  const library = new Library(ctx.core, createApi(ctx.client, { accessToken: link.token }));
  Object.assign(ctx.live, { library, thumbnails: new ThumbnailCache<GalleryFile>((file) => library.thumbnail(file)) });
  const shown = await busy(ctx, 'Opening the album…', async () => {
    const info = await library.api.publicCollection();
    const album = await library.loadPublicAlbum(link.key, link.ownerKey); // the album keeps the key
    const allowDownload = info.allowDownload ?? true;
    ctx.store.set({ publicAlbum: { title: album.name, files: [], findings: [], allowDownload } });
    const files = (await library.loadFiles(album)).sort(byDate('newest'));
    const findings = library
      .findings(album)
      .map((f) =>
        f.kind === 'owner-key'
          ? 'This link does not name the album’s owner, or names another one: what it shows may not be theirs.'
          : trust.describe(f, { album: album.name }),
      );
    ctx.store.set({ publicAlbum: { title: album.name, files, findings, allowDownload } });
    return true;
  });
  if (!shown) ctx.store.set({ publicAlbum: { title: 'This link does not open', files: [], findings: [], allowDownload: false } });
}
