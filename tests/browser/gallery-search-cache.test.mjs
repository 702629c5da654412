// The gallery keeps its search index on the device between log-ins (issue 23): a compact index
// in IndexedDB, sealed with a key wrapped under the master key, with a cursor per album. Counted
// in requests against the real server: a second log-in on the same device asks the server only
// for the ML data changed since its last sync (none here), never for every file's ML data,
// yet finds the photos; a second tab, while the first holds the index, searches from memory;
// another device, with no local index, fetches all of it once; a lost wrapped key starts the
// local index anew. The album's files as opened are kept beside it: a log-in on the same device
// lists only the records changed since and opens none.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { colourPhoto } from './assets.mjs';
import { screenshot } from './server.mjs';
import { gallerySuite, logIn, openDevice, searchFor, searchReady, signUp, SLOW, thumbnailsShown } from './gallery-helpers.mjs';

const env = gallerySuite('search-cache');
const ACCOUNT = { email: 'cache@example.com', password: 'correct horse battery' };
const PHOTOS = [
  ['red-1', 'red'],
  ['blue-1', 'blue'],
  ['red-2', '0xe01010'], // another red: the same bytes twice would be skipped as already in the library
  ['green-1', 'green'],
];

/** The page's ML data requests and the number of entries each answer carried. */
function mlLog(page) {
  const log = [];
  page.on('response', async (res) => {
    const url = new URL(res.url());
    const changes = /^\/api\/collections\/\d+\/ml$/.test(url.pathname);
    if (!changes && url.pathname !== '/api/files/ml') return;
    const body = await res.json().catch(() => null);
    // People read the same changes route with a cursor of their own, asking for pages of LISTING_PAGE_MAX
    // (app/src/people.ts through client FaceFeed); search asks for the server's default page.
    if (changes)
      log.push({ route: 'changes', who: url.searchParams.has('limit') ? 'people' : 'search', entries: body?.entries?.length });
    else log.push({ route: 'by id', entries: body?.length });
  });
  return log;
}

/** Where the page's album log requests started (`since`: 0 reads the whole log). */
function logStarts(page) {
  const starts = [];
  page.on('request', (req) => {
    const url = new URL(req.url());
    if (/^\/api\/collections\/\d+\/log$/.test(url.pathname)) starts.push(Number(url.searchParams.get('since') ?? 0));
  });
  return starts;
}

/** The page's album file listings: `full` (every record) or `changes` (only those after a cursor). */
function listings(page) {
  const asked = [];
  page.on('request', (req) => {
    const url = new URL(req.url());
    if (/^\/api\/collections\/\d+\/files$/.test(url.pathname)) asked.push(url.searchParams.has('after') ? 'changes' : 'full');
  });
  return asked;
}

const status = (page) => page.textContent('#search-status');
// Search's requests: the People view (issue 27) reads its faces from the same route at each log-in
// (it keeps no faces on the device), and those requests are not search's.
const searchRequests = (log) => log.filter((e) => e.who === 'search').map(({ route, entries }) => ({ route, entries }));
/** People's ML data requests: their own cursor over the changes route, and any by file id. */
const peopleRequests = (log) => log.filter((e) => e.who !== 'search');

/** The local index's root record (docs/formats.md: which snapshot generation is the saved one). */
function indexRoot(page) {
  return page.evaluate(async () => {
    const name = (await indexedDB.databases()).map((d) => d.name).find((n) => /^cipherlens-index-\d+$/.test(n));
    const db = await new Promise((resolve, reject) => {
      const req = indexedDB.open(name);
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    const bytes = await new Promise((resolve, reject) => {
      const req = db.transaction('pages').objectStore('pages').get('root');
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    db.close();
    return JSON.parse(new TextDecoder().decode(bytes));
  });
}

test('a second log-in on the same device searches from its local index, fetching only what changed', {
  timeout: 300_000,
}, async () => {
  const { page, context } = await openDevice(env.browser, `${env.server.url}/`);
  await page.waitForSelector('body[data-screen="login"]');
  await signUp(page, ACCOUNT);
  await page.click('#phrase-done');
  await searchReady(page);
  await page.setInputFiles(
    '#add-input',
    PHOTOS.map(([name, colour]) => ({ name: `${name}.jpg`, mimeType: 'image/jpeg', buffer: colourPhoto(colour) })),
  );
  await thumbnailsShown(page, PHOTOS.length);
  await page.waitForFunction(
    (n) => document.getElementById('search-status').textContent.includes(`${n} indexed here`),
    PHOTOS.length,
    SLOW,
  );
  assert.equal(await status(page), `Search ready: 0 photos from ML data, ${PHOTOS.length} indexed here`);
  // The faces found here go into the same ML data entries, after search moved its cursors: the
  // app moves them past its own writes again, so the next log-in fetches nothing.
  await page.waitForFunction(
    (n) => document.getElementById('people-status')?.textContent.includes(`${n} indexed here`),
    PHOTOS.length,
    SLOW,
  );

  // Log out and in again on this device.
  const savedBefore = await indexRoot(page);
  await page.click('#lock-button');
  await page.waitForSelector('body[data-screen="login"]', SLOW);
  const log = mlLog(page);
  const starts = logStarts(page);
  await logIn(page, ACCOUNT);
  await page.waitForSelector('body[data-screen="gallery"]', SLOW);
  await searchReady(page);
  // The album's verified log was kept on this device (app/src/log-cache.ts, when its files were
  // last listed): only the entries after it are read.
  assert.ok(starts.length > 0 && starts.every((since) => since > 0), `log read from ${starts}`);
  assert.equal(
    await status(page),
    `Search ready: ${PHOTOS.length} photos from this device's index, 0 photos from ML data, 0 indexed here`,
  );
  assert.deepEqual(searchRequests(log), [{ route: 'changes', entries: 0 }], 'one album asked for its changes, none came');
  // Nothing changed, so the local index was not saved again (at 100,000 photos that was 0.3 s).
  assert.ok(savedBefore.generation >= 1, JSON.stringify(savedBefore));
  assert.deepEqual(await indexRoot(page), savedBefore);
  assert.deepEqual((await searchFor(page, 'red')).slice(0, 2).sort(), ['red-1.jpg', 'red-2.jpg']);
  await screenshot(page, 'gallery-search-from-local-index');
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, 'gallery-search-from-local-index-phone');
  await page.setViewportSize({ width: 1200, height: 850 });

  // This tab's people come from the ML data (found at upload): nothing is written while the
  // other tab and the other device read it.
  await page.waitForFunction(
    (n) => document.getElementById('people-status')?.textContent.includes(`${n} photos from ML data, 0 indexed here`),
    PHOTOS.length,
    SLOW,
  );
  // People keep no faces on the device: a log-in reads them all again, in one page of changes for
  // the album (not per photo, and nothing by file id).
  for (let t = 0; t < 200 && peopleRequests(log).length === 0; t++) await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(peopleRequests(log), [{ route: 'changes', who: 'people', entries: PHOTOS.length }]);

  // A second tab of this device while the first holds the local index (a Web Lock): it searches
  // from memory, built from the ML data, and leaves the first tab's index alone.
  const tab = await context.newPage();
  const tabLog = mlLog(tab);
  await tab.goto(`${env.server.url}/`);
  // A new tab unlocks with this device's key once the first tab kept it (issue 25), else logs in.
  await tab.waitForSelector('body[data-screen="login"], body[data-screen="unlock"]', SLOW);
  if (await tab.$('body[data-screen="unlock"]')) {
    await tab.fill('#unlock-password', ACCOUNT.password);
    await tab.click('#unlock-button');
  } else await logIn(tab, ACCOUNT);
  await tab.waitForSelector('body[data-screen="gallery"]', SLOW);
  await searchReady(tab);
  assert.equal(await status(tab), `Search ready: ${PHOTOS.length} photos from ML data, 0 indexed here`);
  assert.deepEqual(searchRequests(tabLog), [{ route: 'changes', entries: PHOTOS.length }]);
  await tab.close();

  // Another device: no local index, every photo's ML data fetched once (through the changes route).
  const other = await openDevice(env.browser, `${env.server.url}/`);
  const otherLog = mlLog(other.page);
  const otherStarts = logStarts(other.page);
  await other.page.waitForSelector('body[data-screen="login"]');
  await logIn(other.page, ACCOUNT);
  await other.page.waitForSelector('body[data-screen="gallery"]', SLOW);
  await searchReady(other.page);
  assert.equal(await status(other.page), `Search ready: ${PHOTOS.length} photos from ML data, 0 indexed here`);
  assert.deepEqual(searchRequests(otherLog), [{ route: 'changes', entries: PHOTOS.length }]);
  assert.equal(otherStarts[0], 0, 'a new device reads the whole log');
  assert.deepEqual((await searchFor(other.page, 'red')).slice(0, 2).sort(), ['red-1.jpg', 'red-2.jpg']);
  await other.context.close();

  // The wrapped key is lost on this device: a new key, the old index does not open and starts
  // anew from the ML data; the log-in after that searches from the new local index.
  await page.click('#lock-button');
  await page.waitForSelector('body[data-screen="login"]', SLOW);
  await page.evaluate(async () => {
    for (const { name } of await indexedDB.databases()) {
      if (name.startsWith('cipherlens-index-key-'))
        await new Promise((resolve, reject) => {
          const r = indexedDB.deleteDatabase(name);
          r.onsuccess = resolve;
          r.onerror = reject;
        });
    }
  });
  log.length = 0;
  const listed = listings(page);
  await logIn(page, ACCOUNT);
  await page.waitForSelector('body[data-screen="gallery"]', SLOW);
  await searchReady(page);
  assert.equal(await status(page), `Search ready: ${PHOTOS.length} photos from ML data, 0 indexed here`);
  // The library's key went with it: its file pages do not open, the album is listed in full.
  assert.ok(listed.includes('full'), `listed ${listed}`);
  assert.deepEqual(searchRequests(log), [{ route: 'changes', entries: PHOTOS.length }]);
  await page.click('#lock-button');
  await page.waitForSelector('body[data-screen="login"]', SLOW);
  log.length = 0;
  listed.length = 0;
  await logIn(page, ACCOUNT);
  await page.waitForSelector('body[data-screen="gallery"]', SLOW);
  await searchReady(page);
  assert.equal(
    await status(page),
    `Search ready: ${PHOTOS.length} photos from this device's index, 0 photos from ML data, 0 indexed here`,
  );
  assert.deepEqual(searchRequests(log), [{ route: 'changes', entries: 0 }]);
  // The album's files as opened were kept (app/src/log-cache.ts, sealed file pages): this log-in
  // asks only for the records changed since (none), opens none, and shows them all.
  assert.deepEqual(listed, ['changes'], 'one listing of the changes since the cursor, no full listing');
  await thumbnailsShown(page, PHOTOS.length);

  assert.deepEqual(page.errors, []);
  await context.close();
});
