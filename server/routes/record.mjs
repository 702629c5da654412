// The account record (docs/formats.md, "The account record"): one opaque, versioned document
// per account (its pinned contacts and the album heads it has seen, encrypted under its master
// key). A write names the version it makes, which must follow the stored one (compare-and-swap),
// so two devices never overwrite each other: the second gets 409 and merges.
import { ROUTES } from '../../contract/routes.mjs';
import { MAX_RECORD_BYTES, MAX_RECORD_JSON_BYTES, SIZES } from '../config.mjs';
import { b64Field, conflict, intField, readJson, sendEmpty, sendJson } from '../http.mjs';
import { RecordConflict } from '../store/metadata.mjs';

export function recordRoutes({ store, auth, now }) {
  return [
    [
      ROUTES.record,
      async ({ req, res }) => {
        const user = await auth.requireUser(req);
        sendJson(res, 200, (await store.record(user.id)) ?? { version: 0 });
      },
    ],

    [
      ROUTES.putRecord,
      async ({ req, res }) => {
        const user = await auth.requireUser(req);
        const body = await readJson(req, MAX_RECORD_JSON_BYTES);
        const record = {
          version: intField(body, 'version', { min: 1 }),
          encryptedData: b64Field(body, 'encryptedData', { min: SIZES.mac, max: MAX_RECORD_BYTES, cap: true }),
          decryptionNonce: b64Field(body, 'decryptionNonce', { bytes: SIZES.nonce }),
        };
        try {
          await store.putRecord(user.id, record, now());
        } catch (e) {
          if (e instanceof RecordConflict)
            throw conflict(`the record is at version ${e.version}: read it, merge, write the next`);
          throw e;
        }
        sendEmpty(res, 204);
      },
    ],
  ];
}
