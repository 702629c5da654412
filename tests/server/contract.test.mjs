// The contract is defined once (contract/routes.mjs, contract/limits.mjs) and documented in
// docs/server-api.md: the document's tables, the contract's route table and the routes the
// server really serves are the same set, and the limits the document states are the contract's.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ERROR_CODES, HEADERS, ROUTES } from '../../contract/routes.mjs';
import * as limits from '../../contract/limits.mjs';
import { CIPHER_CHUNK_BYTES } from '../../js/dist/crypto.js';
import { startTestServer } from './helpers.mjs';

const DOC = readFileSync(new URL('../../docs/server-api.md', import.meta.url), 'utf8');
const MiB = 1024 * 1024;

/** "METHOD /path" of every table row whose first cell is a call (a query string left out). */
function documentedRoutes(markdown) {
  const rows = markdown.split('\n').filter((line) => line.startsWith('| `'));
  return rows
    .map((row) => /^\| `(GET|HEAD|POST|PUT|PATCH|DELETE) (\/api\/[^`?\s]*)(?:\?[^`]*)?`/.exec(row))
    .filter(Boolean)
    .map(([, method, path]) => `${method} ${path}`)
    .sort();
}

const contractRoutes = () =>
  Object.values(ROUTES)
    .map((r) => `${r.method} ${r.path}`)
    .sort();

let server;
before(async () => {
  server = await startTestServer();
});
after(() => server?.close());

test("the document's route tables are the contract's routes, each once", () => {
  const documented = documentedRoutes(DOC);
  assert.ok(documented.length > 20, 'the tables were read');
  assert.equal(new Set(documented).size, documented.length, 'no route documented twice');
  assert.deepEqual(documented, contractRoutes());
});

test('the check notices a route the document lost or gained', () => {
  const lost = DOC.replace(/^\| `PUT \/api\/files\/:id\/ml`.*$/m, '');
  assert.notDeepEqual(documentedRoutes(lost), contractRoutes());
  const gained = `${DOC}\n| \`GET /api/files/:id/everything\` | nothing |\n`;
  assert.notDeepEqual(documentedRoutes(gained), contractRoutes());
});

test("the server serves exactly the contract's routes", () => {
  const served = server.testing
    .routes()
    .map((r) => `${r.method} ${r.path}`)
    .sort();
  assert.deepEqual(served, contractRoutes());
});

test("each route's credentials: public-link routes under /api/public, accounts' elsewhere", () => {
  for (const [name, r] of Object.entries(ROUTES)) {
    assert.equal(r.auth === 'link', r.path.startsWith('/api/public/'), name);
  }
  const open = Object.entries(ROUTES)
    .filter(([, r]) => r.auth === 'none')
    .map(([name]) => name)
    .sort();
  assert.deepEqual(open, ['recoveryBegin', 'recoveryComplete', 'signUp', 'srpAttributes', 'srpSession', 'srpVerify']);
});

test("the limits the document states are the contract's", () => {
  const number = (re) => {
    const m = re.exec(DOC);
    assert.ok(m, `the document says ${re}`);
    return m.slice(1).map(Number);
  };
  const [pieceMiB, pieceExtra] = number(/a piece is at most (\d+) MiB \+ (\d+) \(`413`\)/);
  assert.equal(limits.MAX_PIECE_BYTES, pieceMiB * MiB + pieceExtra);
  const [chunkMiB, chunkExtra] = number(
    /one piece per ciphertext chunk of the\s+stream \((\d+) MiB \+ (\d+) bytes, `UPLOAD_PIECE_BYTES`/,
  );
  assert.equal(limits.UPLOAD_PIECE_BYTES, chunkMiB * MiB + chunkExtra);
  assert.equal(limits.UPLOAD_PIECE_BYTES, CIPHER_CHUNK_BYTES);
  assert.ok(limits.UPLOAD_PIECE_BYTES <= limits.MAX_PIECE_BYTES);
  const [objectGiB] = number(/≤ `MAX_OBJECT_BYTES`, default (\d+) GiB/);
  assert.equal(limits.DEFAULT_MAX_OBJECT_BYTES, objectGiB * 1024 * MiB);
  const [mlMiB] = number(/\(≤ (\d+) MiB, else `413`\)/);
  assert.equal(limits.MAX_ML_BYTES, mlMiB * MiB);
  const [ids] = number(/`\{ fileIDs: \[\.\.\.\] \}` \(at most (\d+)\)/);
  assert.equal(limits.MAX_ML_QUERY_IDS, ids);
  const [entityMiB, entityExtra] = number(/an entity is at most (\d+) MiB \+ (\d+) bytes of ciphertext, else `413`/);
  assert.equal(limits.MAX_ENTITY_BYTES, entityMiB * MiB + entityExtra);
  const [diffMax] = number(/at most `n` \(≤ (\d+), the default\) entities/);
  assert.equal(limits.ENTITY_DIFF_MAX, diffMax);
});

test("the error codes and headers the document names are the contract's", () => {
  const codes = /Codes used:\s*([^.]*)\./.exec(DOC)?.[1];
  assert.ok(codes, 'the document lists the error codes');
  assert.deepEqual(
    [...codes.matchAll(/`(\w+)`/g)].map((m) => m[1]),
    [...ERROR_CODES],
  );
  for (const name of Object.values(HEADERS)) assert.ok(DOC.includes(`\`${name}`), `the document names ${name}`);
});
