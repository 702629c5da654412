// Collections (albums): create, list (owned and shared with me), share, unshare, public links.
import { ROUTES } from '../../contract/routes.mjs';
import { MAX_NAME_BYTES, SIZES } from '../config.mjs';
import { b64Field, badRequest, emailField, notFound, readJson, sendEmpty, sendJson } from '../http.mjs';
import { randomBytes } from '../secrets.mjs';

const WRAPPED_KEY = SIZES.key + SIZES.mac;
const SEALED_KEY = SIZES.key + SIZES.seal;
const ACCESS_TOKEN_BYTES = 24;

export function collectionRoutes({ store, auth, config, now, access }) {
  const view = async (c, me) => {
    const sharees = await store.sharees(c.id);
    const mine = c.ownerID === me.id;
    return {
      id: c.id,
      owner: { id: c.ownerID, email: c.ownerEmail },
      encryptedKey: mine ? c.encryptedKey : sharees.find((s) => s.id === me.id).encryptedKey,
      keyDecryptionNonce: mine ? c.keyDecryptionNonce : null,
      encryptedName: c.encryptedName,
      nameDecryptionNonce: c.nameDecryptionNonce,
      sharees: sharees.map(({ id, email }) => ({ id, email })),
      updationTime: c.updationTime,
    };
  };

  return [
    [
      ROUTES.createCollection,
      async ({ req, res }) => {
        const user = await auth.requireUser(req);
        const body = await readJson(req, config.maxJsonBytes);
        const id = await store.createCollection({
          ownerID: user.id,
          encryptedKey: b64Field(body, 'encryptedKey', { bytes: WRAPPED_KEY }),
          keyDecryptionNonce: b64Field(body, 'keyDecryptionNonce', { bytes: SIZES.nonce }),
          encryptedName: b64Field(body, 'encryptedName', { min: SIZES.mac, max: MAX_NAME_BYTES }),
          nameDecryptionNonce: b64Field(body, 'nameDecryptionNonce', { bytes: SIZES.nonce }),
          now: now(),
        });
        sendJson(res, 201, { id });
      },
    ],

    [
      ROUTES.collections,
      async ({ req, res }) => {
        const user = await auth.requireUser(req);
        const collections = await store.collectionsOf(user.id);
        sendJson(res, 200, await Promise.all(collections.map((c) => view(c, user))));
      },
    ],

    [
      ROUTES.share,
      async ({ req, res, params }) => {
        const user = await auth.requireUser(req);
        const collection = await access.ownedCollection(user, params.id);
        const body = await readJson(req, config.maxJsonBytes);
        const email = emailField(body);
        const encryptedKey = b64Field(body, 'encryptedKey', { bytes: SEALED_KEY });
        const sharee = await store.userByEmail(email);
        if (!sharee) throw notFound('no account with that email');
        if (sharee.id === user.id) throw badRequest('cannot share with yourself');
        await store.setShare(collection.id, sharee.id, encryptedKey, now());
        sendEmpty(res, 204);
      },
    ],

    [
      ROUTES.unshare,
      async ({ req, res, params }) => {
        const user = await auth.requireUser(req);
        const collection = await access.ownedCollection(user, params.id);
        const email = emailField(await readJson(req, config.maxJsonBytes));
        const sharee = await store.userByEmail(email);
        if (!sharee || !(await store.sharees(collection.id)).some((s) => s.id === sharee.id)) {
          throw notFound('the collection is not shared with that email');
        }
        await store.removeShare(collection.id, sharee.id, now());
        sendEmpty(res, 204);
      },
    ],

    [
      ROUTES.createPublicLink,
      async ({ req, res, params }) => {
        const user = await auth.requireUser(req);
        const collection = await access.ownedCollection(user, params.id);
        let accessToken = collection.publicToken;
        if (!accessToken) {
          accessToken = randomBytes(ACCESS_TOKEN_BYTES).toString('base64url');
          await store.setPublicToken(collection.id, accessToken, now());
        }
        sendJson(res, 200, { accessToken, enableDownload: collection.publicToken ? collection.publicDownload : true });
      },
    ],

    [
      ROUTES.deletePublicLink,
      async ({ req, res, params }) => {
        const user = await auth.requireUser(req);
        const collection = await access.ownedCollection(user, params.id);
        await store.setPublicToken(collection.id, null, now());
        sendEmpty(res, 204);
      },
    ],

    [
      ROUTES.setPublicLinkOptions,
      async ({ req, res, params }) => {
        const user = await auth.requireUser(req);
        const collection = await access.ownedCollection(user, params.id);
        const body = await readJson(req, config.maxJsonBytes);
        if (typeof body.enableDownload !== 'boolean') throw badRequest('enableDownload must be true or false');
        if (!collection.publicToken) throw notFound('the album has no public link');
        await store.setPublicDownload(collection.id, body.enableDownload, now());
        sendEmpty(res, 204);
      },
    ],
  ];
}
