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
import { ObjectClaimed } from '../store/metadata.mjs';
import { fileView } from './access.mjs';
import { sendBlob } from './download.mjs';

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
  const claiming = new Set(); // objects being claimed by a request in flight

  const objectPart = (body, name, user) => {
    const part = objectField(body, name);
    const objectKey = stringField(part, 'objectKey', { pattern: OBJECT_KEY });
    const decryptionHeader = b64Field(part, 'decryptionHeader', { bytes: SIZES.streamHeader });
    const object = store.object(objectKey);
    if (!object || object.ownerId !== user.id) throw notFound(`${name}: no such upload`);
    if (object.fileId !== null || claiming.has(objectKey)) throw conflict(`${name}: the upload is already claimed`);
    return { object, objectKey, decryptionHeader };
  };

  return [
    [
      ROUTES.createFile,
      async ({ req, res }) => {
        const user = auth.requireUser(req);
        const body = await readJson(req, config.maxJsonBytes);
        const collection = access.ownedCollection(user, String(intField(body, 'collectionID')));
        const encryptedKey = b64Field(body, 'encryptedKey', { bytes: WRAPPED_KEY });
        const keyDecryptionNonce = b64Field(body, 'keyDecryptionNonce', { bytes: SIZES.nonce });
        const metadataPart = objectField(body, 'metadata');
        const metadata = {
          encryptedData: b64Field(metadataPart, 'encryptedData', { max: MAX_METADATA_BYTES }),
          decryptionHeader: b64Field(metadataPart, 'decryptionHeader', { bytes: SIZES.streamHeader }),
        };
        const file = objectPart(body, 'file', user);
        const thumbnail = objectPart(body, 'thumbnail', user);
        if (file.objectKey === thumbnail.objectKey) throw badRequest('file and thumbnail must be different uploads');
        const parts = [file, thumbnail];
        for (const p of parts) {
          if ((await blobs.storedBytes(p.objectKey)) !== p.object.size) throw conflict('an upload is incomplete');
        }
        // Blob first, record second: a crash between leaves a complete, unclaimed object that a
        // retry claims again; a record never points at a blob that is not there.
        for (const p of parts) claiming.add(p.objectKey);
        try {
          for (const p of parts) await blobs.claim(p.objectKey);
          const created = store.createFile(
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
          sendJson(res, 201, created);
        } catch (e) {
          if (e instanceof ObjectClaimed) throw conflict('an upload is already claimed');
          throw e;
        } finally {
          for (const p of parts) claiming.delete(p.objectKey);
        }
      },
    ],

    [
      ROUTES.files,
      async ({ req, res, params }) => {
        const user = auth.requireUser(req);
        const { collection } = access.readableCollection(user, params.id);
        sendJson(
          res,
          200,
          store.filesIn(collection.id).map((f) => fileView(f, user.id)),
        );
      },
    ],

    [
      ROUTES.fileContents,
      async ({ req, res, params }) => {
        const file = access.readableFile(auth.requireUser(req), params.id);
        await sendBlob(req, res, blobs, file.file.objectKey);
      },
    ],

    [
      ROUTES.thumbnail,
      async ({ req, res, params }) => {
        const file = access.readableFile(auth.requireUser(req), params.id);
        await sendBlob(req, res, blobs, file.thumbnail.objectKey);
      },
    ],

    [
      ROUTES.putMlData,
      async ({ req, res, params }) => {
        const user = auth.requireUser(req);
        const file = access.readableFile(user, params.id);
        if (file.ownerID !== user.id) throw forbidden("only the file's owner stores its ML data");
        const { encryptedData, decryptionHeader } = mlBody(await readJson(req, MAX_ML_JSON_BYTES));
        store.setMlData(file.id, encryptedData, decryptionHeader, now());
        sendEmpty(res, 204);
      },
    ],

    [
      ROUTES.mlData,
      async ({ req, res }) => {
        const user = auth.requireUser(req);
        const ids = fileIdsField(await readJson(req, config.maxJsonBytes));
        sendJson(res, 200, store.mlDataOf(ids.filter((id) => access.mayRead(user, store.file(id)))));
      },
    ],
  ];
}
