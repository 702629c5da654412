// A public link's read-only routes: no account, the collection named by X-Auth-Access-Token.
import { ROUTES } from '../../contract/routes.mjs';
import { readJson, sendJson } from '../http.mjs';
import { sendBlob } from './download.mjs';
import { fileIdsField } from './files.mjs';
import { logPage } from './album-log.mjs';
import { sendFileList } from './listing.mjs';

export function publicRoutes({ store, blobs, config, access }) {
  return [
    [
      ROUTES.publicCollection,
      async ({ req, res }) => {
        const c = await access.publicCollection(req);
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
      ROUTES.publicLog,
      async ({ req, res, query }) => {
        sendJson(res, 200, await logPage(store, (await access.publicCollection(req)).id, query));
      },
    ],

    [
      ROUTES.publicFiles,
      async ({ req, res, query }) => {
        const collection = await access.publicCollection(req);
        await sendFileList(res, store, collection, query, null);
      },
    ],

    [
      ROUTES.publicFileContents,
      async ({ req, res, params }) => {
        const file = await access.publicFile(await access.publicCollection(req), params.id);
        await sendBlob(req, res, blobs, file.file.objectKey);
      },
    ],

    [
      ROUTES.publicThumbnail,
      async ({ req, res, params }) => {
        const file = await access.publicFile(await access.publicCollection(req), params.id);
        await sendBlob(req, res, blobs, file.thumbnail.objectKey);
      },
    ],

    [
      ROUTES.publicMlData,
      async ({ req, res }) => {
        const collection = await access.publicCollection(req);
        const ids = fileIdsField(await readJson(req, config.maxJsonBytes));
        const inside = [];
        for (const id of ids) if (await store.isInCollection(collection.id, id)) inside.push(id);
        sendJson(res, 200, await store.mlDataOf(inside));
      },
    ],
  ];
}
