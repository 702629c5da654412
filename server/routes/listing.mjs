// A collection's file list, read from the database a page at a time so that no request holds
// the event loop or memory for a whole large album. Shapes (docs/server-api.md):
//   no parameters        the whole list as one JSON array (the original shape), written page by page;
//   ?limit=              the first page: { files, next } with `next` the cursor of the following page
//                        (null at the end), ordered by update time then id;
//   ?sinceTime= | after= the changes after a time (ms) or a cursor: { files, removed, next }, the
//                        members and the files that left, in one order (update time, then id), so one
//                        cursor pages both; 410 when removals after the cursor were pruned.
import { LISTING_PAGE_MAX } from '../config.mjs';
import { badRequest, COMMON_HEADERS, gone, sendJson } from '../http.mjs';
import { fileView } from './access.mjs';

const CURSOR = /^(\d{1,16})-([1-9]\d{0,15})$/;
const LIMIT = /^[1-9]\d{0,5}$/;
const TIME = /^\d{1,16}$/;

function parseCursor(text) {
  const m = CURSOR.exec(text);
  if (!m) throw badRequest('after must be a cursor from an earlier page');
  return { time: Number(m[1]), id: Number(m[2]) };
}
/** The cursor of the page that follows an entry with this update time and id. */
export const cursorOf = (updationTime, id) => `${updationTime}-${id}`;

/** `?limit=&after=` of a paged listing: limit in [1, LISTING_PAGE_MAX] (default the most), after a cursor or null. */
export function pageQuery(query) {
  const limitText = query.get('limit') ?? String(LISTING_PAGE_MAX);
  if (!LIMIT.test(limitText)) throw badRequest(`limit must be an integer in [1, ${LISTING_PAGE_MAX}]`);
  const limit = Math.min(Number(limitText), LISTING_PAGE_MAX);
  const after = query.has('after') ? parseCursor(query.get('after')) : null;
  return { limit, after };
}

/** `?sinceTime=<ms>` as a cursor: after every change at that time (ids never reach MAX_SAFE_INTEGER). */
function sinceTimeCursor(query) {
  const text = query.get('sinceTime');
  if (!TIME.test(text) || !Number.isSafeInteger(Number(text))) throw badRequest('sinceTime must be a time in ms');
  return { time: Number(text), id: Number.MAX_SAFE_INTEGER };
}

/** Whether a removal the upkeep pruned (the latest at `through`) comes after `cursor`. */
const prunedAfter = (cursor, through) =>
  through !== null && (cursor.time < through || (cursor.time === through && cursor.id < Number.MAX_SAFE_INTEGER));

/** One page of the changes after `cursor`: { files, removed, next }. */
async function sendChanges(res, store, collection, cursor, limit, viewer) {
  if (prunedAfter(cursor, collection.removalsPrunedThrough)) {
    throw gone('the album changed too long ago for this cursor: list it in full');
  }
  const rows = await store.fileChanges(collection.id, cursor, limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  sendJson(res, 200, {
    files: page.filter((r) => !r.removed).map((f) => fileView(f, viewer)),
    removed: page.filter((r) => r.removed).map((r) => ({ id: r.id, updationTime: r.updationTime })),
    next: rows.length > limit ? cursorOf(last.updationTime, last.id) : null,
  });
}

/**
 * `collection`: the store's row (its id and removalsPrunedThrough); `viewer`: the signed-in
 * user's id (their own files' magic metadata is theirs to see), or null.
 */
export async function sendFileList(res, store, collection, query, viewer) {
  const collectionId = collection.id;
  if (query.has('sinceTime') || query.has('after')) {
    if (query.has('sinceTime') && query.has('after')) throw badRequest('give sinceTime or after, not both');
    const { limit, after } = pageQuery(query);
    return sendChanges(res, store, collection, after ?? sinceTimeCursor(query), limit, viewer);
  }
  if (query.has('limit')) {
    const { limit } = pageQuery(query);
    const page = await store.filesPage(collectionId, null, limit + 1);
    const files = page.slice(0, limit);
    const last = files[files.length - 1];
    const next = page.length > limit ? cursorOf(last.updationTime, last.id) : null;
    return sendJson(res, 200, { files: files.map((f) => fileView(f, viewer)), next });
  }
  const first = await store.filesPage(collectionId, null, LISTING_PAGE_MAX);
  res.writeHead(200, {
    ...COMMON_HEADERS,
    'cache-control': 'no-store',
    'content-type': 'application/json; charset=utf-8',
  });
  let page = first;
  let separator = '[';
  while (page.length > 0) {
    const text = page.map((f) => JSON.stringify(fileView(f, viewer))).join(',');
    const ok = res.write(separator + text);
    separator = ',';
    if (page.length < LISTING_PAGE_MAX) break;
    if (!ok) await new Promise((resolve) => res.once('drain', resolve));
    page = await store.filesPage(collectionId, { time: page.at(-1).updationTime, id: page.at(-1).id }, LISTING_PAGE_MAX);
  }
  res.end(separator === '[' ? '[]' : ']');
}
