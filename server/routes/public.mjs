// A public link's read-only routes: no account, the collection named by X-Auth-Access-Token.
import { readJson, sendJson } from '../http.mjs';
import { fileView } from './access.mjs';
import { sendBlob } from './download.mjs';
import { fileIdsField } from './files.mjs';
import { logPage } from './album-log.mjs';

export function publicRoutes({ store, blobs, config, access }) {
  return [
    [
      'GET',
      '/api/public/collection',
      async ({ req, res }) => {
        const c = access.publicCollection(req);
        sendJson(res, 200, {
          id: c.id,
          encryptedName: c.encryptedName,
          nameDecryptionNonce: c.nameDecryptionNonce,
          expiresAt: c.linkExpiresAt,
          allowDownload: c.linkAllowDownload,
        });
      },
    ],

    [
      'GET',
      '/api/public/log',
      async ({ req, res, query }) => {
        sendJson(res, 200, logPage(store, access.publicCollection(req).id, query));
      },
    ],

    [
      'GET',
      '/api/public/files',
      async ({ req, res }) => {
        const collection = access.publicCollection(req);
        sendJson(res, 200, store.filesIn(collection.id).map(fileView));
      },
    ],

    [
      'GET',
      '/api/public/files/:id/file',
      async ({ req, res, params }) => {
        const file = access.publicFile(access.publicCollection(req), params.id);
        await sendBlob(req, res, blobs, file.file.objectKey);
      },
    ],

    [
      'GET',
      '/api/public/files/:id/thumbnail',
      async ({ req, res, params }) => {
        const file = access.publicFile(access.publicCollection(req), params.id);
        await sendBlob(req, res, blobs, file.thumbnail.objectKey);
      },
    ],

    [
      'POST',
      '/api/public/files/ml',
      async ({ req, res }) => {
        const collection = access.publicCollection(req);
        const ids = fileIdsField(await readJson(req, config.maxJsonBytes));
        const inside = ids.filter((id) => store.file(id)?.collectionID === collection.id);
        sendJson(res, 200, store.mlDataOf(inside));
      },
    ],
  ];
}
