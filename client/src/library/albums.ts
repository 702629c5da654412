// Albums (Ente's collections): a random key, wrapped by the owner's master key or sealed to a
// sharee's public key; the name secretbox-encrypted with the album key.
import type { ClientCrypto } from '../crypto.js';
import type { Collection, Person, PublicCollection } from '../wire/answers.js';

export interface Album {
  id: number;
  name: string;
  /** The album key, opened (wiped by Library.close()). */
  key: Uint8Array;
  /** Who owns it; null for a public link's album. */
  owner: Person | null;
  sharees: Person[];
  /** Owned by this account (it may add, share and link). */
  mine: boolean;
  /** Files of the last listing that did not open (damaged, or tampered with). */
  unreadable: number;
  /** A public link's album: whether its page offers downloads (the owner's choice). */
  allowDownload?: boolean;
}

export interface AccountKeys {
  userId: number;
  email?: string;
  masterKey: Uint8Array;
  publicKey: Uint8Array;
  secretKey: Uint8Array;
}

const fromUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The album key of a listed collection: unwrapped (owner) or unsealed (sharee). */
export async function openAlbumKey(crypto: ClientCrypto, c: Collection, keys: AccountKeys): Promise<Uint8Array> {
  return c.keyDecryptionNonce
    ? crypto.secretbox.decrypt(c.encryptedKey.slice(), c.keyDecryptionNonce, keys.masterKey)
    : crypto.box.sealOpen(c.encryptedKey.slice(), keys.publicKey, keys.secretKey);
}

/** An album from its collection and its opened key (the name decrypted). */
export async function openAlbum(
  crypto: ClientCrypto,
  c: Collection | PublicCollection,
  key: Uint8Array,
  userId?: number,
): Promise<Album> {
  const name = fromUtf8.decode(await crypto.secretbox.decrypt(c.encryptedName.slice(), c.nameDecryptionNonce, key));
  const owner = 'owner' in c ? c.owner : null;
  const sharees = 'sharees' in c ? c.sharees : [];
  return { id: c.id, name, key, owner, sharees, mine: owner !== null && owner.id === userId, unreadable: 0 };
}
