// Collections (albums): create, list (owned and shared with me), rename, share (as viewer or
// collaborator), change a role, unshare, leave, public links (with expiry and a download flag).
// Every change may carry its signed album log entry (`logEntry`), appended in the same
// transaction as the change: both happen or neither (routes/album-log.mjs).
import { ROUTES } from '../../contract/routes.mjs';
import { MAX_NAME_BYTES, SIZES } from '../config.mjs';
import { b64Field, badRequest, emailField, intField, notFound, readJson, sendEmpty, sendJson } from '../http.mjs';
import { randomBytes } from '../secrets.mjs';
import { appendingLog, logEntryField } from './album-log.mjs';

const WRAPPED_KEY = SIZES.key + SIZES.mac;
const SEALED_KEY = SIZES.key + SIZES.seal;
const ACCESS_TOKEN_BYTES = 24;
const ROLES = ['viewer', 'collaborator'];

const roleField = (body, fallback) => {
  const role = body.role ?? fallback;
  if (!ROLES.includes(role)) throw badRequest(`role must be one of ${ROLES.join(', ')}`);
  return role;
};

/** The optional logEntry of a change to `collectionId`. */
const logOf = (body, collectionId) => (body.logEntry === undefined ? undefined : logEntryField(body, collectionId));

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
      sharees: sharees.map(({ id, email, role }) => ({ id, email, role })),
      ...(mine
        ? {
            publicLink: c.publicToken
              ? { accessToken: c.publicToken, expiresAt: c.linkExpiresAt, allowDownload: c.linkAllowDownload }
              : null,
          }
        : {}),
      updationTime: c.updationTime,
    };
  };
  /** The sharee named by `email` of `collection`, or 404. */
  const shareeOf = async (collection, email) => {
    const sharee = await store.userByEmail(email);
    if (!sharee || !(await store.sharees(collection.id)).some((s) => s.id === sharee.id)) {
      throw notFound('the collection is not shared with that email');
    }
    return sharee;
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
      ROUTES.rename,
      async ({ req, res, params }) => {
        const collection = await access.ownedCollection(await auth.requireUser(req), params.id);
        const body = await readJson(req, config.maxJsonBytes, { optional: true });
        const name = {
          encryptedName: b64Field(body, 'encryptedName', { min: SIZES.mac, max: MAX_NAME_BYTES }),
          nameDecryptionNonce: b64Field(body, 'nameDecryptionNonce', { bytes: SIZES.nonce }),
        };
        const log = logOf(body, collection.id);
        await appendingLog(() => store.renameCollection(collection.id, name, now(), log));
        sendEmpty(res, 204);
      },
    ],

    [
      ROUTES.share,
      async ({ req, res, params }) => {
        const user = await auth.requireUser(req);
        const collection = await access.ownedCollection(user, params.id);
        const body = await readJson(req, config.maxJsonBytes, { optional: true });
        const email = emailField(body);
        const encryptedKey = b64Field(body, 'encryptedKey', { bytes: SEALED_KEY });
        const role = roleField(body, 'viewer');
        const log = logOf(body, collection.id);
        const sharee = await store.userByEmail(email);
        if (!sharee) throw notFound('no account with that email');
        if (sharee.id === user.id) throw badRequest('cannot share with yourself');
        await appendingLog(() => store.setShare(collection.id, sharee.id, encryptedKey, now(), role, log));
        sendEmpty(res, 204);
      },
    ],

    [
      ROUTES.role,
      async ({ req, res, params }) => {
        const collection = await access.ownedCollection(await auth.requireUser(req), params.id);
        const body = await readJson(req, config.maxJsonBytes, { optional: true });
        const sharee = await shareeOf(collection, emailField(body));
        const role = roleField(body);
        const log = logOf(body, collection.id);
        await appendingLog(() => store.setRole(collection.id, sharee.id, role, now(), log));
        sendEmpty(res, 204);
      },
    ],

    [
      ROUTES.unshare,
      async ({ req, res, params }) => {
        const collection = await access.ownedCollection(await auth.requireUser(req), params.id);
        const body = await readJson(req, config.maxJsonBytes, { optional: true });
        const sharee = await shareeOf(collection, emailField(body));
        const log = logOf(body, collection.id);
        await appendingLog(() => store.removeShare(collection.id, sharee.id, now(), log));
        sendEmpty(res, 204);
      },
    ],

    [
      ROUTES.leave,
      async ({ req, res, params }) => {
        const user = await auth.requireUser(req);
        const { collection, role } = await access.readableCollection(user, params.id);
        if (role === 'owner') throw badRequest('the owner cannot leave its own album');
        const log = logOf(await readJson(req, config.maxJsonBytes, { optional: true }), collection.id);
        await appendingLog(() => store.removeShare(collection.id, user.id, now(), log));
        sendEmpty(res, 204);
      },
    ],

    [
      ROUTES.createPublicLink,
      async ({ req, res, params }) => {
        const collection = await access.ownedCollection(await auth.requireUser(req), params.id);
        const body = await readJson(req, config.maxJsonBytes, { optional: true });
        const expiresAt = body.expiresAt === undefined ? 0 : intField(body, 'expiresAt', { min: 0 });
        if (body.allowDownload !== undefined && typeof body.allowDownload !== 'boolean')
          throw badRequest('allowDownload must be true or false');
        const allowDownload = body.allowDownload ?? true;
        const log = logOf(body, collection.id);
        const token = collection.publicToken ?? randomBytes(ACCESS_TOKEN_BYTES).toString('base64url');
        await appendingLog(() => store.setPublicLink(collection.id, { token, expiresAt, allowDownload }, now(), log));
        sendJson(res, 200, { accessToken: token });
      },
    ],

    [
      ROUTES.deletePublicLink,
      async ({ req, res, params }) => {
        const collection = await access.ownedCollection(await auth.requireUser(req), params.id);
        const log = logOf(await readJson(req, config.maxJsonBytes, { optional: true }), collection.id);
        await appendingLog(() => store.setPublicLink(collection.id, { token: null }, now(), log));
        sendEmpty(res, 204);
      },
    ],
  ];
}
