// Resumable uploads: an object is created with its size (within the account's quota), filled by
// PATCH pieces at the offset the server reports (each written to its last byte and made durable
// before it is acknowledged), and becomes readable only when a file record claims it
// (files.mjs). Only the account that created an object sees it.
//
// One piece at a time per upload, on every instance: a PATCH holds the object's lock in the
// shared database and renews it as bytes arrive. A holder that has shown no sign of life for
// `uploadLockStaleMs` is taken over by the next PATCH (a client resuming after its connection
// died need not wait for the old request to time out); the old one then finds its lock gone and
// stores nothing. A body that stops arriving for `bodyIdleTimeoutMs` is dropped.
import { ROUTES } from '../../contract/routes.mjs';
import { MAX_PIECE_BYTES } from '../config.mjs';
import {
  badRequest,
  conflict,
  HttpError,
  intField,
  notFound,
  readBody,
  readJson,
  sendEmpty,
  sendJson,
  tooLarge,
} from '../http.mjs';
import { randomKey } from '../secrets.mjs';
import { QuotaExceeded } from '../store/metadata.mjs';

const OBJECT_KEY = /^[0-9a-f]{32}$/;
const OFFSET = /^(0|[1-9]\d{0,15})$/;
const TOUCH_EVERY_MS = 1000;

export function uploadRoutes({ store, blobs, auth, config, now }) {
  const ownObject = async (user, objectKey) => {
    const object = OBJECT_KEY.test(objectKey) && (await store.object(objectKey));
    if (!object || object.ownerId !== user.id) throw notFound('no such upload');
    return object;
  };
  const offsetHeaders = (offset, size) => ({ 'upload-offset': String(offset), 'upload-length': String(size) });

  return [
    [
      ROUTES.createUpload,
      async ({ req, res }) => {
        const user = await auth.requireUser(req);
        const body = await readJson(req, config.maxJsonBytes);
        if (Number.isSafeInteger(body.size) && body.size > config.maxObjectBytes) {
          throw tooLarge(`size is over the ${config.maxObjectBytes}-byte limit`);
        }
        const size = intField(body, 'size', { min: 1, max: config.maxObjectBytes });
        const objectKey = randomKey();
        try {
          await store.createObject(objectKey, user.id, size, now(), config.quotaBytes || Number.MAX_SAFE_INTEGER);
        } catch (e) {
          if (e instanceof QuotaExceeded) throw new HttpError(413, 'quota_exceeded', e.message);
          throw e;
        }
        sendJson(res, 201, { objectKey });
      },
    ],

    [
      ROUTES.uploadOffset,
      async ({ req, res, params }) => {
        const user = await auth.requireUser(req);
        const object = await ownObject(user, params.objectKey);
        sendEmpty(res, 200, offsetHeaders(await blobs.storedBytes(object.objectKey), object.size));
      },
    ],

    [
      ROUTES.uploadPiece,
      async ({ req, res, params }) => {
        const user = await auth.requireUser(req);
        const object = await ownObject(user, params.objectKey);
        const header = req.headers['upload-offset'];
        if (typeof header !== 'string' || !OFFSET.test(header)) throw badRequest('Upload-Offset must be a byte offset');
        const offset = Number(header);
        const key = object.objectKey;
        const lockId = randomKey();
        let piece;
        if (!(await store.lockObjects([key], lockId, now(), now() - config.uploadLockStaleMs))) {
          // Held by a request that is alive, or was until lately (an instance that died holding
          // it): retrying after the stale time always gets it.
          throw conflict('another piece of this upload is being written', {
            'retry-after': String(Math.ceil(config.uploadLockStaleMs / 1000)),
          });
        }
        try {
          const stored = await blobs.storedBytes(key);
          const complete = stored === object.size || object.fileId !== null || (await blobs.isClaimed(key));
          if (offset !== stored || complete) {
            throw conflict(
              complete ? 'the upload is complete' : `the upload is at ${stored}`,
              offsetHeaders(stored, object.size),
            );
          }
          let touched = now();
          piece = await readBody(req, Math.min(MAX_PIECE_BYTES, object.size - offset), {
            idleMs: config.bodyIdleTimeoutMs,
            onData() {
              if (now() - touched < TOUCH_EVERY_MS) return;
              touched = now();
              store.touchLock(key, lockId, touched).catch(() => {});
            },
          });
          if (piece.length === 0) throw badRequest('empty piece');
          if (!(await store.touchLock(key, lockId, now()))) {
            throw conflict('a newer request took this upload over; ask HEAD for the offset');
          }
          await blobs.append(key, offset, piece, object.size);
        } finally {
          // Before the answer: the client's next piece must find the lock free.
          await store.unlockObjects([key], lockId);
        }
        sendEmpty(res, 204, offsetHeaders(offset + piece.length, object.size));
      },
    ],
  ];
}
