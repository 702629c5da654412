// A public link's read-only routes: no account, the collection named by X-Auth-Access-Token.
import { ROUTES } from '../../contract/routes.mjs';
import { readJson, sendJson } from '../http.mjs';
import { fileView } from './access.mjs';
import { sendBlob } from './download.mjs';
import { fileIdsField } from './files.mjs';

export function publicRoutes({ store, blobs, config, access }) {
  return [
    [
      ROUTES.publicCollection,
      async ({ req, res }) => {
        const { id, encryptedName, nameDecryptionNonce } = access.publicCollection(req);
        sendJson(res, 200, { id, encryptedName, nameDecryptionNonce });
      },
    ],

    [
      ROUTES.publicFiles,
      async ({ req, res }) => {
        const collection = access.publicCollection(req);
        sendJson(
          res,
          200,
          store.filesIn(collection.id).map((f) => fileView(f, null)),
        );
      },
    ],

    [
      ROUTES.publicFileContents,
      async ({ req, res, params }) => {
        const file = access.publicFile(access.publicCollection(req), params.id);
        await sendBlob(req, res, blobs, file.file.objectKey);
      },
    ],

    [
      ROUTES.publicThumbnail,
      async ({ req, res, params }) => {
        const file = access.publicFile(access.publicCollection(req), params.id);
        await sendBlob(req, res, blobs, file.thumbnail.objectKey);
      },
    ],

    [
      ROUTES.publicMlData,
      async ({ req, res }) => {
        const collection = access.publicCollection(req);
        const ids = fileIdsField(await readJson(req, config.maxJsonBytes));
        const inside = ids.filter((id) => store.isInCollection(collection.id, id));
        sendJson(res, 200, store.mlDataOf(inside));
      },
    ],
  ];
}
