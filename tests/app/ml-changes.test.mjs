// The client's reading of an album's ML data changes (client/src/library/ml-data.ts clipChanges,
// GET /api/collections/:id/ml) against a lying server (a fake fetch): pages are followed by their
// cursors; an entry for a file this album did not list is not believed and the cursor to keep
// stops before it (a later sync that lists the file fetches it again); ML data that does not open
// with the file's key is skipped; a malformed cursor or a page that repeats is refused rather than
// followed for ever. People's FaceFeed reads faces from the same pages with a cursor per album.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as client from '../../build/client/index.mjs';
import { loadCryptoCore } from '../../js/dist/crypto.js';

const { createApi, clipChanges, putClipEmbedding, putMlData, FaceFeed } = client;
const crypto = await loadCryptoCore();
const ALBUM = 7;

/** A file of the album (id, key) and its ML data as its owner stores it. */
async function fileWithMl(id, collectionID = ALBUM) {
  const file = { id, collectionID, key: crypto.generateKey() };
  const embedding = Float32Array.from({ length: 512 }, (_, i) => Math.sin(id + i));
  let body;
  await putClipEmbedding(crypto, { putMlData: async (_, b) => (body = b) }, file, embedding);
  return { file, embedding, entry: { fileID: id, ...wire(body) } };
}
const wire = (b) => ({ encryptedData: client.toB64(b.encryptedData), decryptionHeader: client.toB64(b.decryptionHeader) });

/** An api whose mlChanges route answers `pages` in turn, recording the `after` asked with. */
function serverOf(pages) {
  const asked = [];
  const fetch = async (url) => {
    const u = new URL(url);
    assert.equal(u.pathname, `/api/collections/${ALBUM}/ml`);
    asked.push(u.searchParams.get('after'));
    const body = pages.shift();
    return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
  };
  return { asked, api: createApi({ baseUrl: 'http://server', fetch }, { token: 't' }) };
}
const page = (entries, next, more) => ({ entries: entries.map(([e, t]) => ({ ...e, updationTime: t })), next, more });

async function collect(api, files, cursor) {
  const out = [];
  for await (const p of clipChanges(crypto, api, ALBUM, new Map(files.map((f) => [f.id, f])), cursor)) out.push(p);
  return out;
}

test('pages are followed by their cursors; every listed file with ML data that opens is found', async () => {
  const [a, b, c] = await Promise.all([fileWithMl(1), fileWithMl(2), fileWithMl(3)]);
  const { asked, api } = serverOf([
    page(
      [
        [a.entry, 100],
        [b.entry, 100],
      ],
      '100-2',
      true,
    ),
    page([[c.entry, 105]], '105-3', false),
  ]);
  const pages = await collect(api, [a.file, b.file, c.file], '90-9');
  assert.deepEqual(asked, ['90-9', '100-2']);
  assert.deepEqual(
    pages.flatMap((p) => p.found.map((f) => f.file.id)),
    [1, 2, 3],
  );
  const got = pages.at(-1).found[0].embedding; // as stored: normalised
  let dot = 0,
    gg = 0,
    cc = 0;
  for (let i = 0; i < 512; i++) [dot, gg, cc] = [dot + got[i] * c.embedding[i], gg + got[i] ** 2, cc + c.embedding[i] ** 2];
  assert.ok(dot / Math.sqrt(gg * cc) > 0.9999, "c's embedding");
  assert.deepEqual(
    pages.map((p) => p.cursor),
    ['100-2', '105-3'],
  );
  // Nothing changed: the same cursor is kept.
  const quiet = serverOf([page([], '105-3', false)]);
  assert.deepEqual(
    (await collect(quiet.api, [a.file], '105-3')).map((p) => [p.found.length, p.cursor]),
    [[0, '105-3']],
  );
});

test('an entry for a file the album did not list is not believed, and the kept cursor stops before it', async () => {
  const [a, stranger, other, c] = await Promise.all([fileWithMl(1), fileWithMl(50), fileWithMl(60, ALBUM + 1), fileWithMl(3)]);
  const { api } = serverOf([
    page(
      [
        [a.entry, 100],
        [stranger.entry, 101],
      ],
      '101-50',
      true,
    ),
    page(
      [
        [other.entry, 102],
        [c.entry, 103],
      ],
      '103-3',
      false,
    ),
  ]);
  // The file of another album is known here, but not as this album's.
  const pages = await collect(api, [a.file, other.file, c.file], null);
  assert.deepEqual(
    pages.flatMap((p) => p.found.map((f) => f.file.id)),
    [1, 3],
  );
  assert.deepEqual(
    pages.map((p) => p.cursor),
    ['100-1', '100-1'],
  );
});

test('ML data that does not open with the file key is skipped; the cursor moves on', async () => {
  const [a, b] = await Promise.all([fileWithMl(1), fileWithMl(2)]);
  const swapped = { ...b.entry, fileID: 1 }; // b's ML data served as a's
  const { api } = serverOf([
    page(
      [
        [swapped, 100],
        [b.entry, 101],
      ],
      '101-2',
      false,
    ),
  ]);
  const pages = await collect(api, [a.file, b.file], null);
  assert.deepEqual(
    pages[0].found.map((f) => f.file.id),
    [2],
  );
  assert.equal(pages[0].cursor, '101-2');
  assert.equal(pages[0].received, 2);
});

test('a malformed cursor or a page that repeats is refused', async () => {
  const a = await fileWithMl(1);
  for (const [lie, message] of [
    [page([[a.entry, 100]], '../x', false), /malformed/],
    [page([[a.entry, 100]], '90-9', true), /repeated/],
    [page([], null, true), /repeated/],
  ]) {
    const { api } = serverOf([lie, lie, lie]);
    await assert.rejects(collect(api, [a.file], '90-9'), message);
  }
});

/** A file of the album with faces in its ML data (one face, its faceID naming the file). */
async function fileWithFaces(id) {
  const file = { id, collectionID: ALBUM, key: crypto.generateKey() };
  const face = {
    faceID: `${id}_10_10_50_50`,
    detection: { box: { x: 0.1, y: 0.1, width: 0.4, height: 0.4 }, landmarks: Array(5).fill({ x: 0.3, y: 0.3 }) },
    score: 0.9,
    blur: 40,
    embedding: Array.from({ length: 192 }, (_, i) => Math.cos(id + i) / Math.sqrt(96)),
  };
  let body;
  await putMlData(crypto, { putMlData: async (_, b) => (body = b) }, file, { faces: { width: 100, height: 100, faces: [face] } });
  return { file, entry: { fileID: id, ...wire(body) } };
}

test("FaceFeed: faces under another file's key or of a file not listed are not believed; the next pull asks from before the unlisted one", async () => {
  const [a, b, c, d] = await Promise.all([fileWithFaces(1), fileWithFaces(2), fileWithFaces(3), fileWithFaces(4)]);
  const swapped = { ...a.entry, fileID: 2 }; // a's faces served as b's
  const { asked, api } = serverOf([
    page(
      [
        [a.entry, 100],
        [swapped, 101],
        [c.entry, 102], // not listed yet (uploaded since the listing)
        [d.entry, 103],
      ],
      '103-4',
      false,
    ),
    page(
      [
        [c.entry, 102],
        [d.entry, 103],
      ],
      '103-4',
      false,
    ),
  ]);
  const feed = new FaceFeed(crypto, api, 500);
  const first = await feed.pull([a.file, b.file, d.file]);
  assert.deepEqual(
    first.map(({ file, faces }) => [file.id, faces.faces[0].faceID]),
    [
      [1, '1_10_10_50_50'],
      [4, '4_10_10_50_50'],
    ],
  );
  // c listed now: the feed asks from just before it, and still knows a, b and d as the album's.
  const second = await feed.pull([c.file]);
  assert.deepEqual(
    second.map(({ file }) => file.id),
    [3, 4],
  );
  assert.deepEqual(asked, [null, '101-2']);
});

test('an opener (the gallery hands pages to its search worker) gets only entries of listed files, each with its listed file; the next page is asked for while one opens', async () => {
  const [a, stranger, other, c] = await Promise.all([fileWithMl(1), fileWithMl(50), fileWithMl(60, ALBUM + 1), fileWithMl(3)]);
  const { asked, api } = serverOf([
    page(
      [
        [a.entry, 100],
        [stranger.entry, 101],
        [other.entry, 102],
      ],
      '102-60',
      true,
    ),
    page([[c.entry, 103]], '103-3', false),
  ]);
  const batches = [];
  const open = async (batch) => {
    batches.push({ ids: batch.map(({ entry, file }) => [entry.fileID, file.id]), askedBefore: asked.length });
    // What the search worker answers: the entry that opens gives its embedding, the others none.
    return batch.map(({ file }) => (file.id === 3 ? undefined : Float32Array.of(file.id)));
  };
  const files = new Map([a.file, other.file, c.file].map((f) => [f.id, f]));
  const pages = [];
  for await (const p of clipChanges(crypto, api, ALBUM, files, null, undefined, open)) pages.push(p);
  assert.deepEqual(
    batches.map((b) => b.ids),
    [[[1, 1]], [[3, 3]]],
    'the stranger and the other album’s file never reach the opener',
  );
  assert.equal(batches[0].askedBefore, 2, 'page 2 was asked for before page 1 opened');
  assert.deepEqual(
    pages.map((p) => p.found.map((f) => [f.file.id, [...f.embedding]])),
    [[[1, [1]]], []],
  );
  assert.deepEqual(
    pages.map((p) => p.cursor),
    ['100-1', '100-1'],
  );
});
