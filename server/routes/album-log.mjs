// Album logs (docs/formats.md, "Signed album logs"): the server keeps each album's signed
// entries opaquely and in order. It reads only an entry's album, sequence number and previous
// hash (contract/album-log.mjs) and appends it only at the head; it verifies no signature and
// folds nothing: clients do, and compare what the server lists with it.
import { ROUTES } from '../../contract/routes.mjs';
import { LOG_SIGNATURE_BYTES, MAX_LOG_ENTRY_BYTES, MAX_LOG_PAGE, readLogEntryHead } from '../../contract/album-log.mjs';
import { b64Field, badRequest, conflict, objectField, readJson, sendJson } from '../http.mjs';
import { sha256 } from '../secrets.mjs';
import { LogConflict } from '../store/metadata.mjs';

/** A signed entry `{ entry, signature }` read: { albumId, seq, prev, entry, signature, hash } (prev and hash in hex). */
function readEntry(part, name) {
  const entry = b64Field(part, 'entry', { max: MAX_LOG_ENTRY_BYTES });
  const signature = b64Field(part, 'signature', { bytes: LOG_SIGNATURE_BYTES });
  const bytes = Buffer.from(entry, 'base64');
  const head = readLogEntryHead(bytes);
  if (!head) throw badRequest(`${name} is not an album log entry`);
  const hash = sha256(Buffer.concat([bytes, Buffer.from(signature, 'base64')]));
  return {
    albumId: head.albumId,
    seq: head.seq,
    prev: Buffer.from(head.prev).toString('hex'),
    entry,
    signature,
    hash: hash.toString('hex'),
  };
}

/**
 * The signed entry `{ entry, signature }` of a request (body.logEntry, or the body itself), for
 * album `collectionId`: { seq, prev, entry, signature, hash } as the store keeps it.
 */
export function logEntryField(body, collectionId, name = 'logEntry') {
  const { albumId, ...log } = readEntry(name ? objectField(body, name) : body, name || 'the body');
  if (albumId !== collectionId) throw badRequest(`${name || 'the entry'} belongs to another album`);
  return log;
}

/**
 * The signed entries `logEntries: [{ entry, signature }]` of an organising request (none if
 * absent), each for one of `albumIds`, at most `max`: [{ collectionId, seq, prev, entry,
 * signature, hash }] in the order given (the store appends each album's in that order).
 */
export function logEntriesField(body, albumIds, max) {
  const list = body.logEntries;
  if (list === undefined) return [];
  if (!Array.isArray(list) || list.length > max) throw badRequest(`logEntries must be an array of at most ${max} entries`);
  return list.map((part, i) => {
    if (part === null || typeof part !== 'object' || Array.isArray(part)) throw badRequest(`logEntries[${i}] must be an object`);
    const { albumId, ...log } = readEntry(part, `logEntries[${i}]`);
    if (!albumIds.includes(albumId)) throw badRequest(`logEntries[${i}] belongs to an album this change does not touch`);
    return { collectionId: albumId, ...log };
  });
}

/** Runs a store change that appends a log entry; one that does not extend the head answers 409. */
export async function appendingLog(change) {
  try {
    return await change();
  } catch (e) {
    if (e instanceof LogConflict) throw conflict('the log moved on: read it again and sign the next entry');
    throw e;
  }
}

/** `?since=<seq>` (default 0). */
function sinceParam(query) {
  const text = query.get('since') ?? '0';
  if (!/^\d{1,15}$/.test(text)) throw badRequest('since must be a sequence number');
  return Number(text);
}

export const logPage = async (store, collectionId, query) => {
  const rows = await store.logFrom(collectionId, sinceParam(query), MAX_LOG_PAGE);
  return { entries: rows.map(({ seq, entry, signature }) => ({ seq, entry, signature })), more: rows.length === MAX_LOG_PAGE };
};

export function albumLogRoutes({ store, auth, config, access }) {
  return [
    [
      ROUTES.log,
      async ({ req, res, params, query }) => {
        const { collection } = await access.readableCollection(await auth.requireUser(req), params.id);
        sendJson(res, 200, await logPage(store, collection.id, query));
      },
    ],

    [
      ROUTES.appendLog,
      async ({ req, res, params }) => {
        const { collection } = await access.readableCollection(await auth.requireUser(req), params.id);
        const log = logEntryField(await readJson(req, config.maxJsonBytes), collection.id, '');
        await appendingLog(() => store.appendLog(collection.id, log));
        sendJson(res, 201, { seq: log.seq, hash: Buffer.from(log.hash, 'hex').toString('base64') });
      },
    ],
  ];
}
