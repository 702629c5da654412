// File records (claiming their uploaded objects) and their removal, listings, downloads with
// Range, ML data. Adding and removing a file may carry its signed album log entry (`logEntry`),
// appended in the same transaction (routes/album-log.mjs).
import { ROUTES } from '../../contract/routes.mjs';
import { MAX_METADATA_BYTES, MAX_ML_BYTES, MAX_ML_JSON_BYTES, MAX_ML_QUERY_IDS, ML_PAGE_BYTES, SIZES } from '../config.mjs';
import {
  b64Field,
  badRequest,
  conflict,
  forbidden,
  intField,
  notFound,
  objectField,
  readJson,
  sendEmpty,
  sendJson,
  stringField,
} from '../http.mjs';
import { randomKey } from '../secrets.mjs';
import { ObjectClaimed } from '../store/metadata.mjs';
import { appendingLog, logEntryField } from './album-log.mjs';
import { sendBlob } from './download.mjs';
import { cursorOf, pageQuery, sendFileList } from './listing.mjs';

const WRAPPED_KEY = SIZES.key + SIZES.mac;
const OBJECT_KEY = /^[0-9a-f]{32}$/;

/** `fileIDs` of a query: positive integers, deduplicated, bounded. */
export function fileIdsField(body) {
  const ids = body.fileIDs;
  if (!Array.isArray(ids) || ids.length > MAX_ML_QUERY_IDS) {
    throw badRequest(`fileIDs must be an array of at most ${MAX_ML_QUERY_IDS} ids`);
  }
  return [...new Set(ids.map((id, i) => intField(ids, String(i))))];
}

export function mlBody(body) {
  return {
    encryptedData: b64Field(body, 'encryptedData', { max: MAX_ML_BYTES, cap: true }),
    decryptionHeader: b64Field(body, 'decryptionHeader', { bytes: SIZES.streamHeader }),
  };
}

export function fileRoutes({ store, blobs, auth, config, now, access }) {
  const objectPart = async (body, name, user) => {
    const part = objectField(body, name);
    const objectKey = stringField(part, 'objectKey', { pattern: OBJECT_KEY });
    const decryptionHeader = b64Field(part, 'decryptionHeader', { bytes: SIZES.streamHeader });
    const object = await store.object(objectKey);
    if (!object || object.ownerId !== user.id) throw notFound(`${name}: no such upload`);
    if (object.fileId !== null) throw conflict(`${name}: the upload is already claimed`);
    return { object, objectKey, decryptionHeader };
  };

  return [
    [
      ROUTES.createFile,
      async ({ req, res }) => {
        const user = await auth.requireUser(req);
        const body = await readJson(req, config.maxJsonBytes);
        const collection = await access.writableCollection(user, String(intField(body, 'collectionID')));
        const log = body.logEntry === undefined ? undefined : logEntryField(body, collection.id);
        const encryptedKey = b64Field(body, 'encryptedKey', { bytes: WRAPPED_KEY });
        const keyDecryptionNonce = b64Field(body, 'keyDecryptionNonce', { bytes: SIZES.nonce });
        const metadataPart = objectField(body, 'metadata');
        const metadata = {
          encryptedData: b64Field(metadataPart, 'encryptedData', { max: MAX_METADATA_BYTES }),
          decryptionHeader: b64Field(metadataPart, 'decryptionHeader', { bytes: SIZES.streamHeader }),
        };
        const file = await objectPart(body, 'file', user);
        const thumbnail = await objectPart(body, 'thumbnail', user);
        if (file.objectKey === thumbnail.objectKey) throw badRequest('file and thumbnail must be different uploads');
        const parts = [file, thumbnail];
        const keys = parts.map((p) => p.objectKey);
        // The objects' locks (the same ones PATCH takes, in the shared database): no piece is
        // written and no other record claims them meanwhile, on this instance or another.
        const lockId = randomKey();
        if (!(await store.lockObjects(keys, lockId, now(), now() - config.uploadLockStaleMs))) {
          throw conflict('an upload is being written or claimed', {
            'retry-after': String(Math.ceil(config.uploadLockStaleMs / 1000)),
          });
        }
        let created;
        try {
          for (const p of parts) {
            if ((await blobs.storedBytes(p.objectKey)) !== p.object.size) throw conflict('an upload is incomplete');
          }
          // Blob first, record second: a crash between leaves a complete, unclaimed object that a
          // retry claims again, or that upkeep removes with its row once its TTL has passed; a
          // record never points at a blob that is not there.
          for (const p of parts) await blobs.claim(p.objectKey);
          created = await appendingLog(() =>
            store.createFile(
              {
                collectionID: collection.id,
                ownerID: user.id,
                encryptedKey,
                keyDecryptionNonce,
                metadata,
                file: { objectKey: file.objectKey, decryptionHeader: file.decryptionHeader },
                thumbnail: { objectKey: thumbnail.objectKey, decryptionHeader: thumbnail.decryptionHeader },
              },
              now(),
              log,
            ),
          );
        } catch (e) {
          if (e instanceof ObjectClaimed) throw conflict('an upload is already claimed');
          throw e;
        } finally {
          await store.unlockObjects(keys, lockId);
        }
        sendJson(res, 201, created);
      },
    ],

    [
      ROUTES.removeFile,
      async ({ req, res, params }) => {
        const user = await auth.requireUser(req);
        const file = await access.readableFile(user, params.id);
        const role = await access.roleOf(user, await store.collection(file.collectionID));
        if (role !== 'owner' && !(role === 'collaborator' && file.ownerID === user.id)) {
          throw forbidden("only the album's owner, or the collaborator who added it, removes a file");
        }
        const body = await readJson(req, config.maxJsonBytes, { optional: true });
        const log = body.logEntry === undefined ? undefined : logEntryField(body, file.collectionID);
        const keys = await appendingLog(() => store.removeFile(file, now(), log));
        for (const key of keys) await blobs.discard(key); // after the commit: a crash leaves bytes nothing points to
        sendEmpty(res, 204);
      },
    ],

    [
      ROUTES.files,
      async ({ req, res, params, query }) => {
        const user = await auth.requireUser(req);
        const { collection } = await access.readableCollection(user, params.id);
        await sendFileList(res, store, collection, query, user.id);
      },
    ],

    [
      ROUTES.fileContents,
      async ({ req, res, params }) => {
        const file = await access.readableFile(await auth.requireUser(req), params.id);
        await sendBlob(req, res, blobs, file.file.objectKey);
      },
    ],

    [
      ROUTES.thumbnail,
      async ({ req, res, params }) => {
        const file = await access.readableFile(await auth.requireUser(req), params.id);
        await sendBlob(req, res, blobs, file.thumbnail.objectKey);
      },
    ],

    [
      ROUTES.putMlData,
      async ({ req, res, params }) => {
        const user = await auth.requireUser(req);
        const file = await access.readableFile(user, params.id);
        if (file.ownerID !== user.id) throw forbidden("only the file's owner stores its ML data");
        const { encryptedData, decryptionHeader } = mlBody(await readJson(req, MAX_ML_JSON_BYTES));
        await store.setMlData(file.id, encryptedData, decryptionHeader, now());
        sendEmpty(res, 204);
      },
    ],

    [
      ROUTES.mlData,
      async ({ req, res }) => {
        const user = await auth.requireUser(req);
        const ids = fileIdsField(await readJson(req, config.maxJsonBytes));
        const readable = await Promise.all(ids.map(async (id) => access.mayRead(user, await store.file(id))));
        sendJson(res, 200, await store.mlDataOf(ids.filter((_, i) => readable[i])));
      },
    ],

    [
      // A collection's ML data changed after a cursor, oldest change first, one page at a time
      // (`limit` entries or ML_PAGE_BYTES of ciphertext): a device with a local index asks only
      // for what changed since its last sync.
      ROUTES.mlChanges,
      async ({ req, res, params, query }) => {
        const user = await auth.requireUser(req);
        const { collection } = await access.readableCollection(user, params.id);
        const { limit, after } = pageQuery(query);
        const rows = await store.mlChanges(collection.id, after, limit + 1);
        let take = 0;
        for (let bytes = 0; take < Math.min(limit, rows.length); take++) {
          bytes += rows[take].bytes;
          if (take > 0 && bytes > ML_PAGE_BYTES) break;
        }
        const page = rows.slice(0, take);
        const data = new Map((await store.mlDataOf(page.map((r) => r.fileID))).map((e) => [e.fileID, e]));
        const entries = page
          .filter((r) => data.has(r.fileID))
          .map((r) => ({ ...data.get(r.fileID), updationTime: r.updationTime }));
        const last = page.at(-1);
        const next = last ? cursorOf(last.updationTime, last.fileID) : (query.get('after') ?? null);
        sendJson(res, 200, { entries, next, more: take < rows.length });
      },
    ],
  ];
}
