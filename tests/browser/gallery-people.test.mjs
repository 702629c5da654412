// People in the gallery on two devices: A uploads generated photos of three people (the demo
// face models find their faces from the thumbnails in the face worker), the People list shows
// one unnamed cluster a person, A names two and merges the third into one of them by its name;
// A's second device (a fresh browser context) reads the faces from the photos' ML data and the
// people from the synced entities, finding no face itself, and lists the same people with the
// same photos; a search for a name shows their photos; hiding a person there hides it on a third.
// A shares the album with C: C's People view clusters A's photos from their ML data (C downloads
// no face model and writes no ML data), and the people C names are C's, not A's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import jpeg from 'jpeg-js';
import { people as cast, photo } from '../../scripts/synthetic-faces.mjs';
import { screenshot } from './server.mjs';
import { SLOW, gallerySuite, logIn, openDevice, searchReady, showSideMore, signUp, thumbnailsShown } from './gallery-helpers.mjs';

const env = gallerySuite('people');
const CAST = cast(3, 41);
const ACCOUNT = { email: 'people@example.com', password: 'correct horse battery' };
const SHAREE = { email: 'sharee@example.com', password: 'staple battery horse' };
/** The face models' files (the demo ones the gallery uses): a device that runs no model never fetches them. */
const MODEL_FILES = ['face_detector_demo.onnx', 'face_embedder_demo.onnx'];
const modelsFetched = (page) =>
  MODEL_FILES.filter((f) => page.sent.some((r) => r.split('\n')[0].endsWith(`/models/${f}`))).sort();
/** What the second test takes over from the first: A's device and the people A's account lists. */
const shared = {};
/** Photo i of person i % 3, and every third photo also the next person: 3, 5 and 2 photos each. */
const PHOTOS = Array.from({ length: 7 }, (_, i) => {
  const faces = i % 3 === 0 ? [i % 3, (i + 1) % 3] : [i % 3];
  const p = photo({ width: 640, height: 480, faces, cast: CAST, seed: 900 + i, minSize: 0.25, maxSize: 0.45 });
  const buffer = Buffer.from(jpeg.encode({ data: p.rgba, width: p.width, height: p.height }, 90).data);
  return { name: `photo-${i}.jpg`, mimeType: 'image/jpeg', buffer, faces };
});
const photosOf = (person) =>
  PHOTOS.filter((p) => p.faces.includes(person))
    .map((p) => p.name)
    .sort();
/** What each person's cluster is named: the third is named as the first, so it merges into her. */
const NAMES = ['Ann', 'Ben', 'ann'];
const union = (...lists) => [...new Set(lists.flat())].sort();

/** The People list as [name, photo count] rows. */
const peopleRows = (page) =>
  page.$$eval('#people-list li.person', (rows) =>
    rows.map((r) => [
      r.querySelector('.album-link').firstChild.textContent,
      Number.parseInt(r.querySelector('small').textContent, 10),
    ]),
  );
const gridTitles = async (page) => (await page.$$eval('#grid figcaption .title', (els) => els.map((e) => e.textContent))).sort();
const peopleStatus = (page, re) =>
  page.waitForFunction(
    (source) => new RegExp(source).test(document.getElementById('people-status').textContent),
    re.source,
    SLOW,
  );

test('people found on one device, named, and seen on a second device from ML data and entities', SLOW, async () => {
  const a = await openDevice(env.browser, `${env.server.url}/`);
  await a.page.waitForSelector('body[data-screen="login"]');
  await signUp(a.page, ACCOUNT);
  await a.page.click('#phrase-done');
  await searchReady(a.page);
  await peopleStatus(a.page, /^People: 0 photos from ML data, 0 indexed here/);

  await a.page.setInputFiles(
    '#add-input',
    PHOTOS.map(({ name, mimeType, buffer }) => ({ name, mimeType, buffer })),
  );
  await thumbnailsShown(a.page, PHOTOS.length);
  await peopleStatus(a.page, new RegExp(`indexed here.*|${PHOTOS.length} indexed here`));
  await a.page.waitForFunction(() => document.querySelectorAll('#people-list li.person').length === 3, null, SLOW);
  // The device that found the faces downloaded the models (the count below is not blind to them).
  assert.deepEqual(modelsFetched(a.page), MODEL_FILES);
  const found = await peopleRows(a.page);
  assert.deepEqual(
    found.map(([name]) => name),
    ['Unnamed', 'Unnamed', 'Unnamed'],
  );
  assert.deepEqual(found.map(([, n]) => n).sort(), [2, 3, 5]);
  await screenshot(a.page, 'gallery-people-found');

  // Name each cluster after the person whose photos it shows (the third merges into Ann).
  for (let k = 0; k < 3; k++) {
    const row = a.page.locator('#people-list li.person', { hasText: 'Unnamed' }).first();
    await row.locator('.album-link').click();
    await a.page.waitForFunction(
      () => /photos? of Unnamed/.test(document.getElementById('results-status').textContent),
      null,
      SLOW,
    );
    const titles = await gridTitles(a.page);
    const who = [0, 1, 2].find((p) => JSON.stringify(photosOf(p)) === JSON.stringify(titles));
    assert.notEqual(who, undefined, `a cluster is one person's photos: ${titles}`);
    await row.locator('.name-button').click();
    await row.locator('input[name="name"]').fill(NAMES[who]);
    await row.locator('.person-form button').click();
    await a.page.waitForFunction(
      (left) => document.querySelectorAll('#people-list li[data-person=""]').length === left,
      2 - k,
      SLOW,
    );
  }
  const merged = union(photosOf(0), photosOf(2));
  assert.deepEqual((await peopleRows(a.page)).sort(), [
    ['Ann', merged.length],
    ['Ben', photosOf(1).length],
  ]);

  // The merged-in face of photo-2 is not Ann: taken out, it never rejoins her (a cluster of its own).
  const annRow = a.page.locator('#people-list li.person', { hasText: 'Ann' });
  await annRow.locator('.person-faces summary').click();
  assert.deepEqual((await annRow.locator('.person-faces li span').allTextContents()).sort(), merged);
  await screenshot(a.page, 'gallery-people-faces');
  await annRow.locator('.person-faces li', { hasText: 'photo-2.jpg' }).locator('.remove-face').click();
  await a.page.waitForFunction(() => document.querySelectorAll('#people-list li.person').length === 3, null, SLOW);
  const ann = merged.filter((t) => t !== 'photo-2.jpg');
  const named = (await peopleRows(a.page)).sort();
  assert.deepEqual(named, [
    ['Ann', ann.length],
    ['Ben', photosOf(1).length],
    ['Unnamed', 1],
  ]);
  await screenshot(a.page, 'gallery-people-named');

  // A second device of the account: no face found there, the same people.
  const b = await openDevice(env.browser, `${env.server.url}/`);
  await b.page.waitForSelector('body[data-screen="login"]');
  await logIn(b.page, ACCOUNT);
  await b.page.waitForSelector('body[data-screen="gallery"]', SLOW);
  await searchReady(b.page);
  await peopleStatus(b.page, new RegExp(`^People: ${PHOTOS.length} photos from ML data, 0 indexed here`));
  await b.page.waitForFunction(() => document.querySelectorAll('#people-list li.person').length === 3, null, SLOW);
  assert.deepEqual((await peopleRows(b.page)).sort(), named);
  assert.deepEqual(modelsFetched(b.page), [], 'the second device downloads no face model');
  await b.page.locator('#people-list li.person', { hasText: 'Ben' }).locator('.album-link').click();
  await b.page.waitForFunction(() => /photos? of Ben/.test(document.getElementById('results-status').textContent), null, SLOW);
  assert.deepEqual(await gridTitles(b.page), photosOf(NAMES.indexOf('Ben')));
  await screenshot(b.page, 'gallery-people-second-device');

  // Search by a person's name: Ann's photos, the merged cluster's included, the removed face's not.
  await b.page.fill('#search-input', 'ann');
  await b.page.press('#search-input', 'Enter');
  await b.page.waitForFunction(() => /photos? of Ann/.test(document.getElementById('results-status').textContent), null, SLOW);
  assert.deepEqual(await gridTitles(b.page), ann);

  // Hiding Ben there hides him on a third device (the phone layout).
  await b.page.locator('#people-list li.person', { hasText: 'Ben' }).locator('.hide-button').click();
  await b.page.waitForFunction(() => document.querySelectorAll('#people-list li.person').length === 2, null, SLOW);
  const phone = await openDevice(env.browser, `${env.server.url}/`, { viewport: { width: 390, height: 844 } });
  await phone.page.waitForSelector('body[data-screen="login"]');
  await logIn(phone.page, ACCOUNT);
  await phone.page.waitForSelector('body[data-screen="gallery"]', SLOW);
  await peopleStatus(phone.page, /^People: /);
  assert.deepEqual(await peopleRows(phone.page), [
    ['Ann', ann.length],
    ['Unnamed', 1],
  ]);
  await showSideMore(phone.page);
  await screenshot(phone.page, 'gallery-people-phone');
  for (const d of [b, phone]) {
    assert.deepEqual(d.page.errors, []);
    await d.context.close();
  }
  // A's own list, as the phone showed it (Ben hidden).
  Object.assign(shared, {
    a,
    people: [
      ['Ann', ann.length],
      ['Unnamed', 1],
    ],
  });
});

test("a sharee's People view: the owner's faces from their ML data, no model run, the sharee's own names", SLOW, async (t) => {
  const { a, people: ownersPeople } = shared;
  if (!a) return t.skip('the first test failed');
  const c = await openDevice(env.browser, `${env.server.url}/`);
  try {
    await c.page.waitForSelector('body[data-screen="login"]');
    await signUp(c.page, SHAREE);
    await c.page.click('#phrase-done');
    await c.page.waitForSelector('body[data-screen="gallery"]', SLOW);

    // A shares the album the photos are in (after comparing verification IDs).
    await a.page.click('#album-list button:has-text("My photos")');
    await a.page.waitForFunction(() => document.getElementById('album-title').textContent === 'My photos', null, SLOW);
    await a.page.click('#share-button');
    await a.page.fill('#share-email', SHAREE.email);
    await a.page.click('#share-form button');
    await a.page.waitForSelector('#share-verify:not([hidden])', SLOW);
    await a.page.click('#share-confirm');
    await a.page.waitForSelector('#share-done:not([hidden])', SLOW);
    await a.page.click('#share-dialog form[method="dialog"] button');

    // C's app lists the shared album once it loads again; its people come from A's ML data.
    await c.page.reload();
    await c.page.waitForSelector('body[data-screen="gallery"]', SLOW);
    await c.page.waitForSelector('#album-list button:has-text("shared by")', SLOW);
    await peopleStatus(c.page, new RegExp(`^People: ${PHOTOS.length} photos from ML data, 0 indexed here`));
    await c.page.waitForFunction(() => document.querySelectorAll('#people-list li.person').length === 3, null, SLOW);
    const rows = await peopleRows(c.page);
    assert.deepEqual(
      rows.map(([name]) => name),
      ['Unnamed', 'Unnamed', 'Unnamed'],
      "A's names are A's: C sees clusters",
    );
    assert.deepEqual(rows.map(([, n]) => n).sort(), [2, 3, 5]);
    assert.deepEqual(modelsFetched(c.page), [], 'the sharee downloads no face model');
    const mlWrites = c.page.sent.filter((r) => /\/api\/files\/\d+\/ml$/.test(r.split('\n')[0]));
    assert.deepEqual(mlWrites, [], 'the sharee writes no ML data');
    await screenshot(c.page, 'gallery-people-sharee');
    await c.page.setViewportSize({ width: 390, height: 844 });
    await showSideMore(c.page);
    await screenshot(c.page, 'gallery-people-sharee-phone');
    await c.page.setViewportSize({ width: 1200, height: 850 });

    // Each cluster is one person's photos; C names Ben's "Zoe", a person of C's account only.
    const ben = c.page
      .locator('#people-list li.person')
      .filter({ has: c.page.locator('small', { hasText: `${photosOf(1).length} photo` }) });
    await ben.locator('.album-link').click();
    await c.page.waitForFunction(
      () => /photos? of Unnamed/.test(document.getElementById('results-status').textContent),
      null,
      SLOW,
    );
    assert.deepEqual(await gridTitles(c.page), photosOf(1));
    await ben.locator('.name-button').click();
    await ben.locator('input[name="name"]').fill('Zoe');
    await ben.locator('.person-form button').click();
    await c.page.waitForFunction(() => document.querySelectorAll('#people-list li[data-person=""]').length === 2, null, SLOW);
    assert.deepEqual((await peopleRows(c.page)).sort(), [
      ['Unnamed', photosOf(2).length],
      ['Unnamed', photosOf(0).length],
      ['Zoe', photosOf(1).length],
    ]);
    await c.page.fill('#search-input', 'zoe');
    await c.page.press('#search-input', 'Enter');
    await c.page.waitForFunction(() => /photos? of Zoe/.test(document.getElementById('results-status').textContent), null, SLOW);
    assert.deepEqual(await gridTitles(c.page), photosOf(1));
    await thumbnailsShown(c.page, photosOf(1).length);
    await screenshot(c.page, 'gallery-people-sharee-named');

    // A, loading again, lists A's own people: C's name is not among them.
    await a.page.reload();
    await a.page.waitForSelector('body[data-screen="gallery"]', SLOW);
    await peopleStatus(a.page, /^People: /);
    await a.page.waitForFunction(
      (n) => document.querySelectorAll('#people-list li.person').length === n,
      ownersPeople.length,
      SLOW,
    );
    assert.deepEqual((await peopleRows(a.page)).sort(), ownersPeople);
    for (const d of [a, c]) assert.deepEqual(d.page.errors, []);
  } finally {
    await c.context.close();
    await a.context.close();
  }
});
