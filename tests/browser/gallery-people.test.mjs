// People in the gallery on two devices: A uploads generated photos of three people (the demo
// face models find their faces from the thumbnails in the face worker), the People list shows
// one unnamed cluster a person, A names two and merges the third into one of them by its name;
// A's second device (a fresh browser context) reads the faces from the photos' ML data and the
// people from the synced entities, finding no face itself, and lists the same people with the
// same photos; a search for a name shows their photos; hiding a person there hides it on a third.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import jpeg from 'jpeg-js';
import { people as cast, photo } from '../../scripts/synthetic-faces.mjs';
import { screenshot } from './server.mjs';
import { SLOW, gallerySuite, logIn, openDevice, searchReady, showSideMore, signUp, thumbnailsShown } from './gallery-helpers.mjs';

const env = gallerySuite('people');
const CAST = cast(3, 41);
const ACCOUNT = { email: 'people@example.com', password: 'correct horse battery' };
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
  for (const d of [a, b, phone]) {
    assert.deepEqual(d.page.errors, []);
    await d.context.close();
  }
});
