// Resumable uploads: an object is created with its size, filled by PATCH pieces at the offset
// the server reports (each fsynced before it is acknowledged), and becomes readable only when
// a file record claims it (files.mjs). Only the account that created an object sees it.
import { ROUTES } from '../../contract/routes.mjs';
import { MAX_PIECE_BYTES } from '../config.mjs';
import { badRequest, conflict, intField, notFound, readBody, readJson, sendEmpty, sendJson, tooLarge } from '../http.mjs';
import { randomKey } from '../secrets.mjs';

const OBJECT_KEY = /^[0-9a-f]{32}$/;
const OFFSET = /^(0|[1-9]\d{0,15})$/;

export function uploadRoutes({ store, blobs, auth, config, now }) {
  const busy = new Set(); // objects with a PATCH in flight

  const ownObject = (user, objectKey) => {
    const object = OBJECT_KEY.test(objectKey) && store.object(objectKey);
    if (!object || object.ownerId !== user.id) throw notFound('no such upload');
    return object;
  };
  const offsetHeaders = (offset, size) => ({ 'upload-offset': String(offset), 'upload-length': String(size) });

  return [
    [
      ROUTES.createUpload,
      async ({ req, res }) => {
        const user = auth.requireUser(req);
        const body = await readJson(req, config.maxJsonBytes);
        if (Number.isSafeInteger(body.size) && body.size > config.maxObjectBytes) {
          throw tooLarge(`size is over the ${config.maxObjectBytes}-byte limit`);
        }
        const size = intField(body, 'size', { min: 1, max: config.maxObjectBytes });
        const objectKey = randomKey();
        store.createObject(objectKey, user.id, size, now());
        sendJson(res, 201, { objectKey });
      },
    ],

    [
      ROUTES.uploadOffset,
      async ({ req, res, params }) => {
        const user = auth.requireUser(req);
        const object = ownObject(user, params.objectKey);
        sendEmpty(res, 200, offsetHeaders(await blobs.storedBytes(object.objectKey), object.size));
      },
    ],

    [
      ROUTES.uploadPiece,
      async ({ req, res, params }) => {
        const user = auth.requireUser(req);
        const object = ownObject(user, params.objectKey);
        const header = req.headers['upload-offset'];
        if (typeof header !== 'string' || !OFFSET.test(header)) throw badRequest('Upload-Offset must be a byte offset');
        const offset = Number(header);
        if (busy.has(object.objectKey)) throw conflict('another piece of this upload is being written');
        busy.add(object.objectKey);
        try {
          const stored = await blobs.storedBytes(object.objectKey);
          const complete = stored === object.size || object.fileId !== null || (await blobs.isClaimed(object.objectKey));
          if (offset !== stored || complete) {
            throw conflict(
              complete ? 'the upload is complete' : `the upload is at ${stored}`,
              offsetHeaders(stored, object.size),
            );
          }
          const piece = await readBody(req, Math.min(MAX_PIECE_BYTES, object.size - offset));
          if (piece.length === 0) throw badRequest('empty piece');
          await blobs.append(object.objectKey, offset, piece);
          sendEmpty(res, 204, offsetHeaders(offset + piece.length, object.size));
        } finally {
          busy.delete(object.objectKey);
        }
      },
    ],
  ];
}
