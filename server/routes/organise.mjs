// Organising an account's photos: a file in several albums (each with its key wrapped by that
// album's key, as Ente's collection files), moves between albums, renaming and deleting albums,
// and each file's private magic metadata (archived, favourite). The trash: deleted files wait
// there 30 days (their key wrapped with the owner's master key, so they need no album), to be
// restored into an album or deleted for good. Deleting for good removes the records and queues
// their blobs in the same transaction; the upkeep deletes queued blobs (app.mjs: sweep), so a
// crash between the two leaves a queue entry the next sweep finishes, never a record without
// its blob or a blob nobody can delete.
import { ROUTES } from '../../contract/routes.mjs';
import { MAX_BATCH_FILES, MAX_MAGIC_BYTES, SIZES } from '../config.mjs';
import { b64Field, badRequest, conflict, intField, notFound, readJson, sendEmpty, sendJson } from '../http.mjs';
import { LastAlbum, NotInTrash } from '../store/metadata.mjs';
import { fileView } from './access.mjs';
import { appendingLog, logEntriesField } from './album-log.mjs';

const WRAPPED_KEY = SIZES.key + SIZES.mac;

/** An array field of at most MAX_BATCH_FILES items, each checked by `item`; ids must not repeat. */
function batch(body, name, item) {
  const list = body[name];
  if (!Array.isArray(list) || list.length === 0 || list.length > MAX_BATCH_FILES) {
    throw badRequest(`${name} must be an array of 1 to ${MAX_BATCH_FILES} items`);
  }
  const out = list.map((v, i) => item(v, i));
  const ids = out.map((e) => (typeof e === 'number' ? e : e.fileId));
  if (new Set(ids).size !== ids.length) throw badRequest(`${name} names a file twice`);
  return out;
}

/** `{ id, encryptedKey, keyDecryptionNonce }`: a file and its key wrapped for where it goes. */
const keyedFile = (v, i) => {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw badRequest(`files[${i}] must be an object`);
  return {
    fileId: intField(v, 'id'),
    encryptedKey: b64Field(v, 'encryptedKey', { bytes: WRAPPED_KEY }),
    keyDecryptionNonce: b64Field(v, 'keyDecryptionNonce', { bytes: SIZES.nonce }),
  };
};
const fileIdItem = (ids) => (_, i) => intField(ids, String(i));

export function organiseRoutes({ store, auth, config, now, access, sweep }) {
  /** Each of `ids` is a file of `user`'s own that is not in the trash (404 otherwise, as for any file not theirs). */
  const ownLiveFiles = async (user, ids) => {
    for (const id of ids) {
      const f = await store.file(id);
      if (!f || f.ownerID !== user.id || (await store.isTrashed(id))) throw notFound(`no such file: ${id}`);
    }
  };
  const lastAlbum = (e) => {
    if (e instanceof LastAlbum) return conflict(`file ${e.fileId} would be in no album: move it or delete it instead`);
    return e;
  };

  return [
    [
      ROUTES.addFiles,
      async ({ req, res, params }) => {
        const user = await auth.requireUser(req);
        const collection = await access.ownedCollection(user, params.id);
        const body = await readJson(req, config.maxJsonBytes);
        const entries = batch(body, 'files', keyedFile);
        const logs = logEntriesField(body, [collection.id], entries.length);
        await ownLiveFiles(
          user,
          entries.map((e) => e.fileId),
        );
        await appendingLog(() => store.addToCollection(collection.id, entries, user.id, now(), logs));
        sendEmpty(res, 204);
      },
    ],

    [
      ROUTES.removeFiles,
      async ({ req, res, params }) => {
        const user = await auth.requireUser(req);
        const collection = await access.ownedCollection(user, params.id);
        const body = await readJson(req, config.maxJsonBytes);
        const ids = batch(body, 'fileIDs', fileIdItem(body.fileIDs));
        for (const id of ids)
          if (!(await store.isInCollection(collection.id, id))) throw notFound(`file ${id} is not in the album`);
        try {
          const logs = logEntriesField(body, [collection.id], ids.length);
          await appendingLog(() => store.removeFromCollection(collection.id, ids, now(), logs));
        } catch (e) {
          throw lastAlbum(e);
        }
        sendEmpty(res, 204);
      },
    ],

    [
      ROUTES.moveFiles,
      async ({ req, res }) => {
        const user = await auth.requireUser(req);
        const body = await readJson(req, config.maxJsonBytes);
        const from = await access.ownedCollection(user, String(intField(body, 'fromCollectionID')));
        const to = await access.ownedCollection(user, String(intField(body, 'toCollectionID')));
        if (from.id === to.id) throw badRequest('the albums are the same');
        const entries = batch(body, 'files', keyedFile);
        for (const e of entries)
          if (!(await store.isInCollection(from.id, e.fileId))) throw notFound(`file ${e.fileId} is not in the album`);
        await ownLiveFiles(
          user,
          entries.map((e) => e.fileId),
        );
        const logs = logEntriesField(body, [from.id, to.id], 2 * entries.length);
        await appendingLog(() => store.moveBetweenCollections(from.id, to.id, entries, user.id, now(), logs));
        sendEmpty(res, 204);
      },
    ],

    [
      ROUTES.deleteCollection,
      async ({ req, res, params }) => {
        const user = await auth.requireUser(req);
        const collection = await access.ownedCollection(user, params.id);
        try {
          await store.deleteCollection(collection.id, now());
        } catch (e) {
          throw lastAlbum(e);
        }
        sendEmpty(res, 204);
      },
    ],

    [
      ROUTES.putMagicMetadata,
      async ({ req, res, params }) => {
        const user = await auth.requireUser(req);
        const file = await access.ownedFile(user, params.id);
        const body = await readJson(req, config.maxJsonBytes);
        const version = intField(body, 'version');
        const encryptedData = b64Field(body, 'encryptedData', { min: 17, max: MAX_MAGIC_BYTES });
        const decryptionHeader = b64Field(body, 'decryptionHeader', { bytes: SIZES.streamHeader });
        if (!(await store.setMagicMetadata(file.id, version, encryptedData, decryptionHeader, now()))) {
          throw conflict(`version must be ${(file.magicMetadata?.version ?? 0) + 1}`);
        }
        sendEmpty(res, 204);
      },
    ],

    // The trash
    [
      ROUTES.trashFiles,
      async ({ req, res }) => {
        const user = await auth.requireUser(req);
        const body = await readJson(req, config.maxJsonBytes);
        const entries = batch(body, 'files', keyedFile);
        await ownLiveFiles(
          user,
          entries.map((e) => e.fileId),
        );
        // The albums the files leave: a 'remove' entry for each file in each of them.
        const albums = new Set();
        for (const e of entries) for (const id of await store.collectionsOfFile(e.fileId)) albums.add(id);
        const logs = logEntriesField(body, [...albums], MAX_BATCH_FILES * Math.max(1, albums.size));
        await appendingLog(() =>
          store.trashFiles(
            entries.map((e) => ({ ...e, ownerId: user.id })),
            now(),
            logs,
          ),
        );
        sendEmpty(res, 204);
      },
    ],

    [
      ROUTES.trash,
      async ({ req, res }) => {
        const user = await auth.requireUser(req);
        sendJson(
          res,
          200,
          (await store.trashOf(user.id)).map((f) => ({
            ...fileView(f, user.id),
            collectionID: f.collectionID ?? 0,
            trashedAt: f.trashedAt,
            deleteBy: f.trashedAt + config.trashDays * 86_400_000,
          })),
        );
      },
    ],

    [
      ROUTES.restoreFiles,
      async ({ req, res }) => {
        const user = await auth.requireUser(req);
        const body = await readJson(req, config.maxJsonBytes);
        const collection = await access.ownedCollection(user, String(intField(body, 'collectionID')));
        const entries = batch(body, 'files', keyedFile);
        for (const e of entries) {
          const f = await store.file(e.fileId);
          if (!f || f.ownerID !== user.id || !(await store.isTrashed(e.fileId)))
            throw notFound(`no such file in the trash: ${e.fileId}`);
        }
        try {
          const logs = logEntriesField(body, [collection.id], entries.length);
          await appendingLog(() => store.restoreFiles(collection.id, entries, user.id, now(), logs));
        } catch (e) {
          if (e instanceof NotInTrash) throw notFound(`no such file in the trash: ${e.fileId}`);
          throw e;
        }
        sendEmpty(res, 204);
      },
    ],

    [
      ROUTES.deleteFiles,
      async ({ req, res }) => {
        const user = await auth.requireUser(req);
        const body = await readJson(req, config.maxJsonBytes);
        const ids = batch(body, 'fileIDs', fileIdItem(body.fileIDs));
        for (const id of ids) {
          const f = await store.file(id);
          if (!f || f.ownerID !== user.id || !(await store.isTrashed(id))) throw notFound(`no such file in the trash: ${id}`);
        }
        await store.deleteFiles(ids, now());
        sendEmpty(res, 204);
        sweep(); // the blobs go now (and, after a crash, at the next start)
      },
    ],
  ];
}
