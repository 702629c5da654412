// File records (claiming their uploaded objects), listings, downloads with Range, ML data.
import { ROUTES } from '../../contract/routes.mjs';
import { MAX_METADATA_BYTES, MAX_ML_BYTES, MAX_ML_JSON_BYTES, MAX_ML_QUERY_IDS, SIZES } from '../config.mjs';
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
import { sendBlob } from './download.mjs';
import { sendFileList } from './listing.mjs';

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
        const collection = await access.ownedCollection(user, String(intField(body, 'collectionID')));
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
          created = await store.createFile(
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
      ROUTES.files,
      async ({ req, res, params, query }) => {
        const user = await auth.requireUser(req);
        const { collection } = await access.readableCollection(user, params.id);
        await sendFileList(res, store, collection.id, query, user.id);
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
  ];
}
