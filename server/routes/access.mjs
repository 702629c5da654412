// Who may do what with a collection and its files: the owner, a sharee (a viewer, or a
// collaborator who also adds files), or a public link's token (read only, until it expires).
// Whatever the caller may not even read answers 404, not 403, so ids of other people's
// collections and files reveal nothing.
import { forbidden, notFound, parseId, unauthorized } from '../http.mjs';

const ACCESS_TOKEN = /^[A-Za-z0-9_-]{16,64}$/;

export function makeAccess({ store, auth, now }) {
  /** 'owner' | 'viewer' | 'collaborator' | undefined for `user` on `collection`. */
  const roleOf = async (user, collection) => {
    if (collection.ownerID === user.id) return 'owner';
    return (await store.sharees(collection.id)).find((s) => s.id === user.id)?.role;
  };

  /**
   * Whether `user` may read `file` (a record or undefined): its owner (in the trash too), or the
   * owner or a sharee of an album it is in.
   */
  const mayRead = async (user, file) => {
    if (!file) return false;
    if (file.ownerID === user.id) return true;
    for (const id of await store.collectionsOfFile(file.id)) {
      const collection = await store.collection(id);
      if (collection && (await roleOf(user, collection))) return true;
    }
    return false;
  };

  return {
    roleOf,
    mayRead,
    /** A collection the signed-in user may read (with their role), or 404. */
    async readableCollection(user, idText) {
      const collection = await store.collection(parseId(idText));
      const role = collection && (await roleOf(user, collection));
      if (!role) throw notFound('no such collection');
      return { collection, role };
    },
    async ownedCollection(user, idText) {
      const { collection, role } = await this.readableCollection(user, idText);
      if (role !== 'owner') throw forbidden('only the owner may do that');
      return collection;
    },
    /** A file of the signed-in user's own, or 404 (403 if they may only read it). */
    async ownedFile(user, idText) {
      const file = await this.readableFile(user, idText);
      if (file.ownerID !== user.id) throw forbidden("only the file's owner may do that");
      return file;
    },
    /** A collection the signed-in user may add files to (owner or collaborator), or 403/404. */
    async writableCollection(user, idText) {
      const { collection, role } = await this.readableCollection(user, idText);
      if (role !== 'owner' && role !== 'collaborator') throw forbidden('only the owner and collaborators add files');
      return collection;
    },
    /** A file the signed-in user may read, or 404. */
    async readableFile(user, idText) {
      const file = await store.file(parseId(idText));
      if (!(await mayRead(user, file))) throw notFound('no such file');
      return file;
    },
    /** The collection a request's X-Auth-Access-Token opens, or 401 (unknown, revoked or expired). */
    async publicCollection(req) {
      const token = req.headers['x-auth-access-token'];
      const collection = typeof token === 'string' && ACCESS_TOKEN.test(token) && (await store.collectionByPublicToken(token));
      const expired = collection && collection.linkExpiresAt > 0 && collection.linkExpiresAt <= now();
      if (!collection || expired) throw unauthorized('unknown, revoked or expired access token');
      return collection;
    },
    /** A file of the public link's collection, or 404. */
    async publicFile(collection, idText) {
      const file = await store.file(parseId(idText));
      if (!file || !(await store.isInCollection(collection.id, file.id))) throw notFound('no such file');
      return file;
    },
    requireUser: (req) => auth.requireUser(req),
  };
}

/**
 * A file record as the API lists it (no object keys: downloads go by file id). Magic metadata is
 * its owner's private marks: only the owner (`viewer`) gets it.
 */
export function fileView(f, viewer) {
  return {
    id: f.id,
    collectionID: f.collectionID,
    ownerID: f.ownerID,
    encryptedKey: f.encryptedKey,
    keyDecryptionNonce: f.keyDecryptionNonce,
    file: { decryptionHeader: f.file.decryptionHeader, size: f.file.size },
    thumbnail: { decryptionHeader: f.thumbnail.decryptionHeader, size: f.thumbnail.size },
    metadata: f.metadata,
    magicMetadata: f.ownerID === viewer ? f.magicMetadata : null,
    updationTime: f.updationTime,
  };
}
