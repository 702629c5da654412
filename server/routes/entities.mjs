// Ente's user entities: per account, one key per entity type (wrapped by the master key, stored
// once and never replaced) and entities of that type as opaque ciphertext, pulled by diff.
// People are "cgroup" entities (js/src/search/people.ts); the server sees none of their content.
import { ROUTES } from '../../contract/routes.mjs';
import { ENTITY_DIFF_MAX, ENTITY_TYPE, MAX_ENTITY_BYTES, MAX_ENTITY_JSON_BYTES, SIZES } from '../config.mjs';
import { b64Field, badRequest, conflict, notFound, readJson, sendEmpty, sendJson, stringField } from '../http.mjs';
import { randomKey } from '../secrets.mjs';

const ENTITY_ID = /^[a-z][a-z_]{0,31}_[0-9a-f]{32}$/;

const typeField = (obj) => stringField(obj, 'type', { max: 32, pattern: ENTITY_TYPE });
const typeParam = (query) => typeField({ type: query.get('type') ?? undefined });
const idParam = (id) => {
  if (typeof id !== 'string' || !ENTITY_ID.test(id)) throw notFound();
  return id;
};
const entityBody = (body) => ({
  encryptedData: b64Field(body, 'encryptedData', { max: MAX_ENTITY_BYTES, cap: true }),
  header: b64Field(body, 'header', { bytes: SIZES.streamHeader }),
});
/** A non-negative integer of a query, or `fallback` when absent. */
function queryInt(query, name, fallback, max = Number.MAX_SAFE_INTEGER) {
  const text = query.get(name);
  if (text === null) return fallback;
  if (!/^\d{1,16}$/.test(text) || Number(text) > max) throw badRequest(`${name} must be an integer in [0, ${max}]`);
  return Number(text);
}

export function entityRoutes({ store, auth, config, now }) {
  const micros = () => now() * 1000;
  return [
    [
      ROUTES.entityKey,
      async ({ req, res, query }) => {
        const user = await auth.requireUser(req);
        const key = await store.entityKey(user.id, typeParam(query));
        if (!key) throw notFound('no key for this entity type yet');
        sendJson(res, 200, key);
      },
    ],
    [
      ROUTES.createEntityKey,
      async ({ req, res }) => {
        const user = await auth.requireUser(req);
        const body = await readJson(req, config.maxJsonBytes);
        const type = typeField(body);
        const encryptedKey = b64Field(body, 'encryptedKey', { bytes: SIZES.wrappedKey });
        const header = b64Field(body, 'header', { bytes: SIZES.nonce });
        if (!(await store.createEntityKey(user.id, type, encryptedKey, header, now())))
          throw conflict('this entity type already has a key (it is never replaced)');
        sendEmpty(res, 204);
      },
    ],
    [
      ROUTES.createEntity,
      async ({ req, res }) => {
        const user = await auth.requireUser(req);
        const body = await readJson(req, MAX_ENTITY_JSON_BYTES);
        const type = typeField(body);
        const { encryptedData, header } = entityBody(body);
        if (!(await store.entityKey(user.id, type))) throw conflict('store this entity type’s key first');
        const entity = await store.createEntity(user.id, { id: `${type}_${randomKey()}`, type, encryptedData, header }, micros());
        sendJson(res, 201, entity);
      },
    ],
    [
      ROUTES.updateEntity,
      async ({ req, res, params }) => {
        const user = await auth.requireUser(req);
        const id = idParam(params.id);
        const { encryptedData, header } = entityBody(await readJson(req, MAX_ENTITY_JSON_BYTES));
        const entity = await store.updateEntity(user.id, id, encryptedData, header, micros());
        if (!entity) throw notFound();
        sendJson(res, 200, entity);
      },
    ],
    [
      ROUTES.deleteEntity,
      async ({ req, res, params }) => {
        const user = await auth.requireUser(req);
        if (!(await store.deleteEntity(user.id, idParam(params.id), micros()))) throw notFound();
        sendEmpty(res, 204);
      },
    ],
    [
      ROUTES.entityDiff,
      async ({ req, res, query }) => {
        const user = await auth.requireUser(req);
        const type = typeParam(query);
        const sinceTime = queryInt(query, 'sinceTime', 0);
        const limit = queryInt(query, 'limit', ENTITY_DIFF_MAX, ENTITY_DIFF_MAX) || ENTITY_DIFF_MAX;
        sendJson(res, 200, { diff: await store.entityDiff(user.id, type, sinceTime, limit) });
      },
    ],
  ];
}
