// Public links, as Ente makes them: `<origin>/?t=<accessToken>#<base58 album key>`. The key is in
// the fragment, which browsers never send to the server.
import bs58 from 'bs58';
import type { Session } from '../account/session.js';
import type { Album } from '../library/albums.js';
import { SIZES } from '../../../contract/limits.mjs';

/** Makes (or gets again) the album's link; `origin` is where the app is served. */
export async function publicLink(session: Session, album: Album, origin: string): Promise<string> {
  return (await publicLinkWithOptions(session, album, origin)).url;
}

/** The album's link (made if there was none) and whether its page offers downloads. */
export async function publicLinkWithOptions(
  session: Session,
  album: Album,
  origin: string,
): Promise<{ url: string; enableDownload: boolean }> {
  const { accessToken, enableDownload } = await session.api.createPublicLink(album.id);
  return {
    url: `${origin}/?t=${encodeURIComponent(accessToken)}#${bs58.encode(album.key)}`,
    enableDownload: enableDownload ?? true,
  };
}

/**
 * Whether the link's page offers downloads (Ente's enableDownload). A courtesy of the page, not a
 * lock: a visitor's browser holds the album key and every original it shows.
 */
export async function setLinkDownloads(session: Session, album: Album, enableDownload: boolean): Promise<void> {
  await session.api.setPublicLinkOptions(album.id, { enableDownload });
}

export type OpenedLink =
  | { token: string; key: Uint8Array; error?: undefined }
  | { token: string; error: string; key?: undefined };

/** The access token and album key of a link (a URL), or undefined if it is not one. */
export function parsePublicLink(url: URL): OpenedLink | undefined {
  const token = url.searchParams.get('t');
  const fragment = url.hash.slice(1);
  if (!token || !fragment) return undefined;
  let key: Uint8Array;
  try {
    key = bs58.decode(fragment);
  } catch {
    return { token, error: 'This link is damaged: its key does not read.' };
  }
  if (key.length !== SIZES.key) return { token, error: 'This link is damaged: its key has the wrong length.' };
  return { token, key: Uint8Array.from(key) };
}
