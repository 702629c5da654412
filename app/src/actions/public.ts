// A public link opened: the album read only, with no account; its key came in the fragment.
import { createApi, Library, type GalleryFile, type OpenedLink } from '../../../client/src/index.js';
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
    const album = await library.loadPublicAlbum(link.key); // the album keeps the key
    ctx.store.set({ publicAlbum: { title: album.name, files: [] } });
    const files = (await library.loadFiles(album)).sort(byDate('newest'));
    ctx.store.set({ publicAlbum: { title: album.name, files, allowDownload: album.allowDownload } });
    return true;
  });
  if (!shown) ctx.store.set({ publicAlbum: { title: 'This link does not open', files: [] } });
}
