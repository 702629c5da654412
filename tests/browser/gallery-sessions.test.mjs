// Staying signed in, in a browser whose profile is kept on disk (so closing and launching it again
// is a real restart): a reload reopens the gallery with no Argon2 (no derivation thread, no SRP
// worker, no log-in request) and no key in storage in plaintext; a new tab, and the restarted
// browser, unlock with the password through this device's key (one Argon2 at interactive limits)
// or a full log-in; the app locks after the idle time; a session ended elsewhere (the account
// recovered on another device) shows the dialog and returns to log-in with nothing kept.
import { after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCryptoCore } from '../../js/dist/crypto.js';
import * as client from '../../build/client/index.mjs';
import { launchPersistent } from '../../scripts/chromium.mjs';
import { screenshot } from './server.mjs';
import { deviceKept, gallerySuite, signUp, SLOW, watchContext, watchPage, scenario } from './gallery-helpers.mjs';

const A = { email: 'sam@example.com', password: 'long enough password' };
const env = gallerySuite('sessions');
const profile = mkdtempSync(join(tmpdir(), 'gallery-profile-'));

const step = scenario({ timeout: 240_000 });

let browser; // the persistent context (one browser profile)
let page;
let phrase;

const open = async (url = `${env.server.url}/`) => {
  const p = watchPage(await browser.newPage());
  await p.goto(url);
  return p;
};
const launch = async () => {
  browser = await launchPersistent(profile, { viewport: { width: 1200, height: 850 } });
  await watchContext(browser);
};
// The browser first: it still writes to its profile while it runs.
after(async () => {
  await browser?.close();
  rmSync(profile, { recursive: true, force: true, maxRetries: 5 });
});

const galleryShown = (p) =>
  p.waitForFunction(
    () => document.body.dataset.screen === 'gallery' && document.getElementById('album-title')?.textContent !== '',
    null,
    SLOW,
  );
/** Crypto threads started beyond the pool's own (`pool`: 2 when the page loaded meanwhile): each runs one Argon2. */
const argon2Threads = (p, pool) => p.workers.filter((w) => w === 'crypto-worker.js').length - pool;
const srpRequests = (p) => p.sent.filter((r) => r.split('\n')[0].includes('/api/srp/')).length;
const marks = (p, from, to) =>
  p.evaluate(
    ([a, b]) => {
      const at = (n) => performance.getEntriesByName(`cipherlens:${n}`)[0]?.startTime;
      return at(b) - at(a);
    },
    [from, to],
  );

/** Everything the page keeps in storage, as text (localStorage, sessionStorage, IndexedDB). */
const storedText = (p) =>
  p.evaluate(async () => {
    const parts = [JSON.stringify({ ...localStorage }), JSON.stringify({ ...sessionStorage })];
    for (const { name } of await indexedDB.databases()) {
      const db = await new Promise((ok, ko) => {
        const r = indexedDB.open(name);
        r.onsuccess = () => ok(r.result);
        r.onerror = () => ko(r.error);
      });
      for (const table of db.objectStoreNames) {
        const values = await new Promise((ok) => {
          const r = db.transaction(table).objectStore(table).getAll();
          r.onsuccess = () => ok(r.result);
        });
        parts.push(
          JSON.stringify(values, (_, v) => (v instanceof Uint8Array || v instanceof ArrayBuffer ? [...new Uint8Array(v)] : v)),
        );
        for (const v of values) if (v instanceof CryptoKey) parts.push(`CryptoKey extractable=${v.extractable}`);
      }
      db.close();
    }
    return parts.join('\n');
  });

step('sign up: the account opens and the keys are kept only wrapped', async () => {
  await launch();
  page = await open();
  await page.waitForSelector('body[data-screen="login"]');
  phrase = await signUp(page, A);
  await page.click('#phrase-done');
  await galleryShown(page);
  await deviceKept(page); // before the reload, which would cut its Argon2 short
  // The master key never appears in storage; the device's wrapping key is not extractable.
  const stored = await storedText(page);
  assert.match(stored, /CryptoKey extractable=false/);
  assert.doesNotMatch(stored, /masterKey|secretKey|"token"/);
});

step('a reload stays signed in: no Argon2, no SRP, no log-in', async () => {
  page.workers.length = 0;
  page.sent.length = 0;
  const t0 = Date.now();
  await page.reload();
  await galleryShown(page);
  const ms = Date.now() - t0;
  assert.equal(argon2Threads(page, 2), 0, 'no derivation thread started');
  assert.ok(!page.workers.includes('srp-worker.js'), 'no SRP worker started');
  assert.equal(srpRequests(page), 0, 'no log-in request');
  const reopen = await marks(page, 'resume-start', 'resume-end');
  console.log(`# reload to the gallery: ${ms} ms (reopening the kept session: ${reopen.toFixed(0)} ms)`);
  await screenshot(page, 'sessions-01-reloaded');
});

step('a new tab unlocks with this device key (Argon2id, 64 MiB, 2 passes) or a full log-in', async () => {
  const tab = await open();
  await tab.waitForSelector('body[data-screen="unlock"]', SLOW);
  assert.equal(await tab.textContent('#unlock-email'), A.email);
  await screenshot(tab, 'sessions-02-unlock');
  await tab.fill('#unlock-password', 'not the password');
  await tab.click('#unlock-button');
  await tab.waitForSelector('#error:not([hidden])', SLOW);
  assert.match(await tab.textContent('#error'), /Wrong password/);
  tab.workers.length = 0;
  await tab.fill('#unlock-password', A.password);
  await tab.click('#unlock-button');
  await tab.waitForFunction(() => /64 MiB, 2 passes/.test(document.getElementById('busy-label').textContent), null, SLOW);
  await galleryShown(tab);
  assert.equal(argon2Threads(tab, 0), 1, 'one derivation: the local key');
  assert.equal(srpRequests(tab), 0, 'the kept session, no new log-in');
  console.log(`# new tab, unlock with the device key: ${(await marks(tab, 'unlock-start', 'unlock-end')).toFixed(0)} ms`);
  await tab.close();

  const full = await open();
  await full.waitForSelector('body[data-screen="unlock"]', SLOW);
  await full.fill('#unlock-password', A.password);
  await full.click('#unlock-full');
  await full.waitForFunction(() => /256 MiB, 16 passes/.test(document.getElementById('busy-label').textContent), null, SLOW);
  await galleryShown(full);
  assert.ok(srpRequests(full) > 0, 'a full log-in (SRP)');
  await full.close();
});

step('a restarted browser unlocks with the password', async () => {
  await browser.close();
  await launch();
  page = await open();
  await page.waitForSelector('body[data-screen="unlock"]', SLOW);
  await page.fill('#unlock-password', A.password);
  await page.click('#unlock-button');
  await galleryShown(page);
  assert.deepEqual(page.errors, []);
});

step('the app locks after the idle time, and unlocks again', async () => {
  await page.selectOption('#lock-after', '1');
  await page.clock.install();
  await page.clock.fastForward('02:00');
  await page.waitForSelector('body[data-screen="unlock"]', SLOW);
  await screenshot(page, 'sessions-03-locked');
  // Locked: a reload does not reopen the gallery.
  await page.reload();
  await page.waitForSelector('body[data-screen="unlock"]', SLOW);
  await page.fill('#unlock-password', A.password);
  await page.click('#unlock-button');
  await galleryShown(page);
  await page.selectOption('#lock-after', '15');
});

step('a session ended by a recovery elsewhere shows the dialog, then log-in', async () => {
  const core = await loadCryptoCore();
  const options = { baseUrl: env.server.url, crypto: core, srp: client.localSrp, kdf: 'interactive' };
  await client.recover(options, A.email, phrase.join(' '), 'a brand new password');
  // The next request this tab makes (here: the focus check for new albums) is answered 401.
  await page.evaluate(() => window.dispatchEvent(new Event('focus')));
  await page.waitForSelector('#session-ended[open]', SLOW);
  await screenshot(page, 'sessions-04-ended');
  await page.click('#session-ended-ok');
  await page.waitForSelector('body[data-screen="login"]');
  assert.equal(await page.inputValue('#login-email'), A.email);
  // Nothing kept opens the ended session: a reload asks for a log-in.
  await page.reload();
  await page.waitForSelector('body[data-screen="login"]', SLOW);
  assert.deepEqual(page.errors, []);
});
