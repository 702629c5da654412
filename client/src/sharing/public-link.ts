// Public links: `<origin>/?t=<accessToken>#<base58 album key>.<base58 owner signing key>`. Both
// keys are in the fragment, which browsers never send to the server; the second lets whoever
// opens the link check the album's log against its owner (links made before it carry the album
// key alone, as Ente's do, and open unverified).
import bs58 from 'bs58';
import { SIZES } from '../../../contract/limits.mjs';

/** A link's URL for its token, the album key and the owner's signing public key. */
export function linkUrl(origin: string, accessToken: string, albumKey: Uint8Array, ownerKey: Uint8Array): string {
  return `${origin}/?t=${encodeURIComponent(accessToken)}#${bs58.encode(albumKey)}.${bs58.encode(ownerKey)}`;
}

export type OpenedLink =
  | { token: string; key: Uint8Array; ownerKey?: Uint8Array; error?: undefined }
  | { token: string; error: string; key?: undefined; ownerKey?: undefined };

/** The access token, album key and owner key of a link (a URL), or undefined if it is not one. */
export function parsePublicLink(url: URL): OpenedLink | undefined {
  const token = url.searchParams.get('t');
  const fragment = url.hash.slice(1);
  if (!token || !fragment) return undefined;
  const [keyText, ownerText, ...rest] = fragment.split('.');
  let key: Uint8Array;
  let ownerKey: Uint8Array | undefined;
  try {
    key = bs58.decode(keyText);
    ownerKey = ownerText === undefined ? undefined : bs58.decode(ownerText);
  } catch {
    return { token, error: 'This link is damaged: its key does not read.' };
  }
  if (key.length !== SIZES.key || rest.length || (ownerKey && ownerKey.length !== 32))
    return { token, error: 'This link is damaged: its key has the wrong length.' };
  return { token, key: Uint8Array.from(key), ...(ownerKey ? { ownerKey: Uint8Array.from(ownerKey) } : {}) };
}
