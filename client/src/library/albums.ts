// Albums (Ente's collections): a random key, wrapped by the owner's master key or sealed to a
// sharee's public key; the name secretbox-encrypted with the album key. An album is this
// account's own only if its key opens with the master key: never because a sealed key opened,
// nor because the server names this account as its owner.
import type { ClientCrypto } from '../crypto.js';
import type { Finding } from '../trust/listing.js';
import type { Collection, Person, PublicCollection, Sharee } from '../wire/answers.js';
import type { AlbumTrust } from './album-trust.js';

export interface Album {
  id: number;
  name: string;
  /** The album key, opened (wiped by Library.close()). */
  key: Uint8Array;
  /** Who the server says owns it; null for a public link's album. */
  owner: Person | null;
  /** Who the server says it is shared with (the log's members are `trust.state.members`). */
  sharees: Sharee[];
  /** Its key opened with this account's master key: the account's own. */
  mine: boolean;
  /** Files of the last listing that did not open (damaged, or tampered with). */
  unreadable: number;
  /** Its signed log, folded, and what disagrees with it (album-trust.ts). */
  trust?: AlbumTrust;
  /** What the last files listing disagreed with the log on (files left out, added, changed...). */
  fileFindings?: Finding[];
  /** The collection as last listed (what the log is compared with). */
  listed?: Collection;
}

export interface AccountKeys {
  userId: number;
  email?: string;
  masterKey: Uint8Array;
  publicKey: Uint8Array;
  secretKey: Uint8Array;
  /** The signing key pair, which signs this account's album log entries. */
  signing: { publicKey: Uint8Array; secretKey: Uint8Array };
}

const fromUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The album key of a listed collection: unwrapped with the master key (the account's own) or
 * unsealed (shared with it, by whoever sealed it).
 */
export async function openAlbumKey(
  crypto: ClientCrypto,
  c: Collection,
  keys: AccountKeys,
): Promise<{ key: Uint8Array; mine: boolean }> {
  if (c.keyDecryptionNonce)
    return { key: await crypto.secretbox.decrypt(c.encryptedKey.slice(), c.keyDecryptionNonce, keys.masterKey), mine: true };
  return { key: await crypto.box.sealOpen(c.encryptedKey.slice(), keys.publicKey, keys.secretKey), mine: false };
}

/** An album from its collection and its opened key (the name decrypted). */
export async function openAlbum(
  crypto: ClientCrypto,
  c: Collection | PublicCollection,
  key: Uint8Array,
  mine = false,
): Promise<Album> {
  const name = fromUtf8.decode(await crypto.secretbox.decrypt(c.encryptedName.slice(), c.nameDecryptionNonce, key));
  const owner = 'owner' in c ? c.owner : null;
  const sharees = 'sharees' in c ? c.sharees : [];
  return { id: c.id, name, key, owner, sharees, mine, unreadable: 0, ...('owner' in c ? { listed: c } : {}) };
}
