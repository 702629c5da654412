// The lying-server suite in Chromium, through the app: the built gallery served by the real
// server behind the lying proxy (tests/server/lying-proxy.mjs), which is the page's origin. The
// accounts and albums are set up with the client library in Node (Argon2 at interactive limits,
// so logging in is quick); the people then use the app, and each lie shows its plain-words
// message (or refuses the action) while the honest views show none. The same attacks, and more
// variants, run in Node: tests/server/lying-server.test.mjs.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { startGalleryServer } from '../../server/app.mjs';
import { b64, client, clientOptions, core, unb64 } from '../server/helpers.mjs';
import { startLyingProxy } from '../server/lying-proxy.mjs';
import { launchChromium, screenshot } from './server.mjs';
import { APP_DIR, logIn, openDevice, SLOW, searchReady, thumbnailsShown } from './gallery-helpers.mjs';

const { trust } = client;
const PASSWORD = 'pw for the lies';
let server;
let proxy;
let browser;
let dataDir;
const options = () => clientOptions(proxy.url);
const photo = (shade, w = 64, h = 48) => jpeg.encode({ width: w, height: h, data: Buffer.alloc(w * h * 4, shade) }, 80).data;
const s = {};

async function person(name) {
  const { session } = await client.signUp(options(), `${name}@example.test`, PASSWORD);
  const keeper = new client.RecordKeeper(session, client.memoryDeviceStore());
  const library = client.Library.of(session, keeper);
  await library.loadAlbums();
  return { session, keeper, library, sharing: new client.Sharing(session, library, keeper), email: `${name}@example.test` };
}

async function upload(library, album, shade, title, thumbnail = photo(shade, 32, 24)) {
  const bytes = photo(shade);
  return library.upload(album, {
    contents: [bytes],
    size: bytes.length,
    thumbnail,
    meta: { title, creationTime: shade, fileType: 0 },
  });
}

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'gallery-lies-'));
  server = await startGalleryServer({ dataDir, port: 0, appDir: APP_DIR });
  proxy = await startLyingProxy(server.url);
  browser = await launchChromium();
  for (const name of ['alice', 'bob', 'mallory']) s[name] = await person(name);
  s.holidays = await s.alice.library.createAlbum('Holidays');
  for (const [shade, title] of [
    [40, 'dune.jpg'],
    [90, 'sea.jpg'],
    [140, 'sky.jpg'],
  ])
    await upload(s.alice.library, s.holidays, shade, title);
  const prepared = await s.alice.sharing.prepare(s.bob.email);
  await s.alice.sharing.share(s.holidays, prepared, { role: 'collaborator', compared: true });
});
afterEach(() => proxy?.clear()); // a failed test leaves no lie behind
after(async () => {
  await browser?.close();
  await proxy?.close();
  await server?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** `who` logged in to the app on a new device (browser context), Holidays shown. */
async function appOf(who, { album = 'Holidays' } = {}) {
  const d = await openDevice(browser, `${proxy.url}/`);
  await d.page.waitForSelector('body[data-screen="login"]');
  await logIn(d.page, { email: who.email, password: PASSWORD });
  await d.page.waitForSelector('body[data-screen="gallery"]', SLOW);
  await d.page.waitForFunction(() => document.querySelectorAll('#album-list button').length > 0, null, SLOW);
  if (album) await show(d.page, album);
  return d;
}

async function show(page, album) {
  await page.click(`#album-list button:has-text("${album}")`);
  await page.waitForFunction((t) => document.getElementById('album-title').textContent === t, album, SLOW);
  await page.waitForFunction(() => document.querySelector('#grid') || document.querySelector('#empty'), null, SLOW);
}

/**
 * Lists Mallory's album `album` to everyone but Mallory as owned by `owner`, its key sealed to
 * `to` (never a share anyone signed), with its log and files as the server has them for
 * Mallory. Returns what undoes the listing.
 */
async function listedAs(album, owner, to) {
  const listed = (await proxy.upstream('GET', '/api/collections', s.mallory.session.token)).json.find((c) => c.id === album.id);
  const forged = {
    ...listed,
    owner: { id: owner.session.id, email: owner.email },
    encryptedKey: b64(core.box.seal(album.key, to.session.identity.boxPublicKey)),
    keyDecryptionNonce: null,
    sharees: [],
    publicLink: undefined,
  };
  const undo = proxy.rewrite('GET', '/api/collections', (list, { headers }) =>
    headers['x-auth-token'] && headers['x-auth-token'] !== s.mallory.session.token ? [...list, forged] : list,
  );
  for (const part of ['log', 'files']) {
    const path = `/api/collections/${album.id}/${part}`;
    proxy.lie('GET', path, ({ query }) => proxy.upstream('GET', `${path}?${query}`, s.mallory.session.token));
  }
  return undo;
}

const findings = (page) => page.$$eval('#album-findings p', (ps) => ps.map((p) => p.textContent));
const waitFinding = (page, re) =>
  page
    .waitForFunction((src) => new RegExp(src).test(document.getElementById('album-findings')?.textContent ?? ''), re.source, SLOW)
    .catch(async (e) => {
      await screenshot(page, 'lies-failed');
      throw new Error(`${e.message}; the findings: ${JSON.stringify(await findings(page))}`);
    });

test('honest: Alice and Bob see Holidays with nothing found; Bob, a collaborator, may add', { timeout: 300_000 }, async () => {
  for (const who of [s.alice, s.bob]) {
    const { page, context } = await appOf(who);
    await thumbnailsShown(page, 3);
    assert.deepEqual(await findings(page), []);
    assert.equal(await page.isVisible('#add-button'), true);
    assert.equal(await page.isVisible('#album-readonly'), false);
    assert.deepEqual(page.errors, []);
    if (who === s.bob) await screenshot(page, 'lies-01-honest-shared');
    await context.close();
  }
});

test("the server's own public key for Alice at log-in: refused, nothing opened", { timeout: 300_000 }, async () => {
  const undo = proxy.rewrite('POST', '/api/srp/verify', (json) => ({
    ...json,
    keyAttributes: { ...json.keyAttributes, publicKey: b64(s.mallory.session.identity.boxPublicKey) },
  }));
  const { page, context } = await openDevice(browser, `${proxy.url}/`);
  await page.waitForSelector('body[data-screen="login"]');
  await logIn(page, { email: s.alice.email, password: PASSWORD });
  await page.waitForSelector('#error:not([hidden])', SLOW);
  assert.match(await page.textContent('#error'), /keys that are not this account's own: nothing was opened or sent/);
  assert.equal(await page.getAttribute('body', 'data-screen'), 'login');
  await screenshot(page, 'lies-02-own-identity');
  undo();
  await context.close();
});

test('a forged "own" album: shown read-only with why, and dropping photos on it uploads nothing', {
  timeout: 300_000,
}, async () => {
  const forged = await s.mallory.library.createAlbum('Backup');
  await listedAs(forged, s.alice, s.alice);
  const { page, context } = await appOf(s.alice, { album: 'Backup' });
  await waitFinding(page, /as yours, but you did not create it: it is shown read-only, and nothing you add goes into it/);
  assert.equal(await page.isVisible('#album-readonly'), true);
  assert.equal(await page.isVisible('#add-button'), false);
  const dataTransfer = await page.evaluateHandle(
    (b64text) => {
      const dt = new DataTransfer();
      dt.items.add(new File([Uint8Array.from(atob(b64text), (c) => c.charCodeAt(0))], 'secret.jpg', { type: 'image/jpeg' }));
      return dt;
    },
    Buffer.from(photo(5)).toString('base64'),
  );
  const uploads = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && /^\/api\/(uploads|files)$/.test(new URL(r.url()).pathname)) uploads.push(r.url());
  });
  await page.dispatchEvent('#drop', 'drop', { dataTransfer });
  await page.waitForTimeout(1000);
  assert.deepEqual(uploads, [], 'nothing uploaded');
  await screenshot(page, 'lies-03-forged-own-album');
  proxy.clear();
  await context.close();
});

test('files withheld, or changed in transit, with the others shown; one changed thumbnail never stops search', {
  timeout: 300_000,
}, async () => {
  const real = (await proxy.upstream('GET', `/api/collections/${s.holidays.id}/files`, s.alice.session.token)).json;
  proxy.rewrite('GET', `/api/collections/${s.holidays.id}/files`, (list) => list.filter((f) => f.id !== real[0].id));
  let { page, context } = await appOf(s.bob);
  await waitFinding(page, /The server left out 1 photo of “Holidays”\./);
  await thumbnailsShown(page, 2);
  await screenshot(page, 'lies-04-withheld');
  await context.close();
  proxy.clear();
  // One thumbnail's bytes changed: its tile shows none, the album says so, search stays on.
  proxy.lie('GET', `/api/files/${real[1].id}/thumbnail`, async () => {
    const t = await proxy.upstream('GET', `/api/files/${real[1].id}/thumbnail`, s.bob.session.token);
    const bytes = t.bytes.slice();
    bytes[20] ^= 1;
    return { ...t, bytes };
  });
  ({ page, context } = await appOf(s.bob));
  await waitFinding(page, /a thumbnail in “Holidays” that is not the photo's own; it is not shown/);
  await page.waitForSelector(`#grid figure.broken[data-file-id="${real[1].id}"]`, SLOW);
  await thumbnailsShown(page, 3).catch(() => {}); // the two others load; the broken one never does
  assert.equal(await page.$$eval('#grid img', (imgs) => imgs.filter((i) => i.naturalWidth > 0).length), 2);
  await searchReady(page);
  assert.doesNotMatch(await page.getAttribute('#search-input', 'placeholder'), /unavailable/);
  await screenshot(page, 'lies-05-thumbnail');
  await context.close();
  proxy.clear();
});

test("a collaborator's pixel-bomb thumbnail is refused from its header: the page stays small, search stays on", {
  timeout: 300_000,
}, async () => {
  const png = PNG.sync.write(Object.assign(new PNG({ width: 8, height: 8 }), { data: Buffer.alloc(8 * 8 * 4, 9) }));
  png.writeUInt32BE(20000, 16);
  png.writeUInt32BE(20000, 20);
  const bobsAlbum =
    s.bob.library.albums.get(s.holidays.id) ?? (await s.bob.library.loadAlbums(), s.bob.library.albums.get(s.holidays.id));
  const bomb = await upload(s.bob.library, bobsAlbum, 7, 'bomb.png', png);
  const { page, context } = await appOf(s.alice);
  await page.waitForSelector(`#grid figure.broken[data-file-id="${bomb.id}"]`, SLOW);
  await searchReady(page);
  const heap = await page.evaluate(() => performance.memory?.usedJSHeapSize ?? 0);
  assert.ok(heap < 512 * 1024 * 1024, `the page's heap stays small (${heap} bytes)`);
  assert.deepEqual(page.errors, []);
  await context.close();
  await s.alice.library.loadAlbums();
  const file = (await s.alice.library.loadFiles(s.alice.library.albums.get(s.holidays.id))).find((f) => f.id === bomb.id);
  await s.alice.library.removeFile(s.alice.library.albums.get(s.holidays.id), file);
});

test('a rolled-back album, and a forked one: each said with when Bob saw the newer one', { timeout: 300_000 }, async () => {
  const path = `/api/collections/${s.holidays.id}/log`;
  const oldLog = await proxy.upstream('GET', `${path}?since=0`, s.bob.session.token);
  const oldFiles = await proxy.upstream('GET', `/api/collections/${s.holidays.id}/files`, s.bob.session.token);
  await upload(s.alice.library, s.holidays, 180, 'new.jpg');
  // Bob sees the new photo (his account record remembers the head)...
  let { page, context } = await appOf(s.bob);
  await thumbnailsShown(page, 4).catch(async (e) => {
    await screenshot(page, 'lies-failed');
    throw e;
  });
  await context.close();
  // ...then the server answers with the old log and listing.
  proxy.lie('GET', path, ({ query }) => ({
    ...oldLog,
    json: { ...oldLog.json, entries: oldLog.json.entries.filter((e) => e.seq >= Number(query.get('since') ?? 0)) },
  }));
  proxy.lie('GET', `/api/collections/${s.holidays.id}/files`, () => oldFiles);
  ({ page, context } = await appOf(s.bob));
  await waitFinding(page, /The server showed an older version of “Holidays” than you saw on .* UTC \(change \d+ of \d+\)/);
  assert.equal(await page.isVisible('#album-readonly'), true);
  await screenshot(page, 'lies-06-rollback');
  await context.close();
  proxy.clear();
  // A fork: at the head Bob saw, another entry Alice signed (the server kept it from Bob).
  const real = (await proxy.upstream('GET', `${path}?since=0`, s.bob.session.token)).json.entries;
  const last = real.at(-1);
  const prev = real.at(-2);
  const other = await trust.signEntry(
    core,
    {
      albumId: s.holidays.id,
      seq: last.seq,
      prev: await trust.entryHash(unb64(prev.entry), unb64(prev.signature)),
      time: Date.now(),
      authorAccountId: s.alice.session.id,
      authorKey: s.alice.session.identity.signing.publicKey,
      op: 'rename',
      nameHash: new Uint8Array(32),
    },
    s.alice.session.identity.signing.secretKey,
  );
  const forked = [...real.slice(0, -1), { seq: last.seq, entry: b64(other.bytes), signature: b64(other.signature) }];
  proxy.lie('GET', path, ({ query }) => ({
    status: 200,
    json: { entries: forked.filter((e) => e.seq >= Number(query.get('since') ?? 0)), more: false },
  }));
  ({ page, context } = await appOf(s.bob));
  await waitFinding(page, /The server showed a different history of “.*” than the one you saw on/);
  await screenshot(page, 'lies-07-fork');
  await context.close();
  proxy.clear();
});

test("sharing: the server's own identity for a pinned contact is a warning, and nothing is shared", {
  timeout: 300_000,
}, async () => {
  const mallory = s.mallory.session.identity;
  const forged = await trust.signIdentity(core, s.bob.email, mallory.boxPublicKey, mallory.signing.secretKey);
  proxy.rewrite('GET', '/api/users/public-key', (json) => ({
    ...json,
    publicKey: b64(mallory.boxPublicKey),
    signingPublicKey: b64(mallory.signing.publicKey),
    identitySignature: b64(forged),
  }));
  const { page, context } = await appOf(s.alice);
  const shares = [];
  page.on('request', (r) => r.url().includes('/share') && shares.push(r.url()));
  await page.click('#share-button');
  await page.fill('#share-email', ' BOB@Example.test');
  await page.click('#share-form button');
  await page.waitForSelector('#share-error:not([hidden])', SLOW);
  assert.match(
    await page.textContent('#share-error'),
    /now gives a different key than the one you verified before for bob@example\.test.*nothing was shared/,
  );
  assert.deepEqual(shares, []);
  await screenshot(page, 'lies-08-contact-changed');
  // Bob's own keys, but another account's id for his address: the pin is by account too.
  proxy.clear();
  proxy.rewrite('GET', '/api/users/public-key', (json) => ({ ...json, id: s.mallory.session.id }));
  await page.fill('#share-email', 'bob@example.test ');
  await page.click('#share-form button');
  await page.waitForFunction(
    () => /another account than the one you verified before/.test(document.getElementById('share-error')?.textContent ?? ''),
    null,
    SLOW,
  );
  assert.match(await page.textContent('#share-error'), /for bob@example\.test.*nothing was shared/);
  assert.deepEqual(shares, []);
  await context.close();
  proxy.clear();
});

test('a public link checks the album against its owner key: a photo the server adds is found', { timeout: 300_000 }, async () => {
  const url = await s.alice.sharing.setLink(s.holidays, proxy.url);
  const stranger = (await proxy.upstream('GET', `/api/collections/${s.holidays.id}/files`, s.alice.session.token)).json[0];
  const other = await s.mallory.library.createAlbum('Other');
  const injected = await upload(s.mallory.library, other, 60, 'planted.jpg');
  const planted = (await proxy.upstream('GET', `/api/collections/${other.id}/files`, s.mallory.session.token)).json.find(
    (f) => f.id === injected.id,
  );
  proxy.rewrite('GET', '/api/public/files', (list) => [...list, planted]);
  const { page, context } = await openDevice(browser, url);
  await page.waitForSelector('body[data-screen="public"]');
  await page.waitForSelector('#public-findings', SLOW);
  assert.match(await page.textContent('#public-findings'), /from another album in “Holidays”; it is hidden/);
  assert.equal((await page.$$eval('#public-grid figure', (f) => f.length)) >= 1, true);
  assert.equal(await page.$(`#public-grid figure[data-file-id="${planted.id}"]`), null, 'the planted photo is not shown');
  assert.ok(stranger);
  await screenshot(page, 'lies-09-public-link');
  await context.close();
  proxy.clear();
});

test('an album "shared by" Alice that she never shared, and a photo of another album moved in: said, read-only, hidden', {
  timeout: 300_000,
}, async () => {
  // Mallory's album, listed (to anyone but Mallory) as shared by Alice: its key sealed to Bob, no share she signed.
  const forged = await s.mallory.library.createAlbum('From Alice');
  await upload(s.mallory.library, forged, 30, 'bait.jpg');
  const undoListing = await listedAs(forged, s.alice, s.bob);
  // And one of Alice's photos of another album listed inside Holidays.
  const work = await s.alice.library.createAlbum('Work');
  const moved = await upload(s.alice.library, work, 200, 'desk.jpg');
  const movedRecord = (await proxy.upstream('GET', `/api/collections/${work.id}/files`, s.alice.session.token)).json.find(
    (f) => f.id === moved.id,
  );
  proxy.rewrite('GET', `/api/collections/${s.holidays.id}/files`, (list) => [
    ...list,
    { ...movedRecord, collectionID: s.holidays.id },
  ]);
  let { page, context } = await appOf(s.bob, { album: 'From Alice' });
  await waitFinding(
    page,
    /“From Alice” is shown as shared by alice@example\.test, but alice@example\.test never signed that share/,
  );
  assert.equal(await page.isVisible('#album-readonly'), true);
  assert.equal(await page.isVisible('#add-button'), false);
  assert.equal(await page.textContent('#album-info'), 'shown as shared by alice@example.test (no share they signed for you)');
  await screenshot(page, 'lies-10-unsigned-share');
  // Bob is no member of Work: to him the moved photo is one nobody in Holidays added.
  await show(page, 'Holidays');
  await waitFinding(page, /The server showed 1 photo in “Holidays” that nobody in the album added; it is hidden\./);
  assert.deepEqual(page.errors, []);
  await context.close();
  undoListing();
  // Alice, who owns both albums, is told where it came from.
  ({ page, context } = await appOf(s.alice));
  await waitFinding(page, /The server showed 1 photo from another album in “Holidays”; it is hidden\./);
  assert.equal(await page.$(`#grid figure[data-file-id="${moved.id}"]`), null, 'the moved photo is not shown');
  assert.deepEqual(page.errors, []);
  await screenshot(page, 'lies-11-moved-in');
  await context.close();
  proxy.clear();
});
