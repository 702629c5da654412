// Run by gallery-unlock.bench.mjs in a child process of its own (bench.sh turns off fetch, which
// playwright needs).
// How long the gallery takes to open again, by the way it opens: a reload (the tab's kept session
// reopened: no Argon2, no SRP), a new tab unlocked with this device's key (Argon2id at Ente's
// interactive limits) and a full log-in (the account's sensitive Argon2id and SRP); and what a
// resumed upload costs on this device (the file hashed to recognise it, its stream re-encrypted
// up to the server's offset). The page runs in headless Chromium against the real server, the
// account made through the app (Ente's sensitive limits). A measurement for BENCHMARKS.md.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCryptoCore, CHUNK_BYTES } from '../../js/dist/crypto.js';
import { startGalleryServer } from '../../server/app.mjs';
import { launchChromium } from '../chromium.mjs';
import { median } from './harness.mjs';

const ROUNDS = 3;
const RESUME_MIB = 256;
const APP_DIR = fileURLToPath(new URL('../../build/app/', import.meta.url));
const SLOW = { timeout: 600_000 };
const PASSWORD = 'bench password, long enough';

const dataDir = mkdtempSync(join(tmpdir(), 'gallery-unlock-bench-'));
const server = await startGalleryServer({ dataDir, port: 0, appDir: APP_DIR });
const browser = await launchChromium();
const shown = (p) =>
  p.waitForFunction(
    () => document.body.dataset.screen === 'gallery' && document.getElementById('album-title')?.textContent !== '',
    null,
    SLOW,
  );
const rows = [];
const row = (what, ms, note) =>
  rows.push(`| ${what} | ${(median(ms) / 1000).toFixed(2)} s | ${ms.map((m) => (m / 1000).toFixed(2)).join(', ')} | ${note} |`);
try {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${server.url}/`);
  await page.click('#show-signup');
  await page.fill('#signup-email', 'bench@example.com');
  await page.fill('#signup-password', PASSWORD);
  await page.fill('#signup-confirm', PASSWORD);
  await page.click('#signup-form button');
  await page.waitForSelector('body[data-screen="phrase"]', SLOW);
  await page.click('#phrase-done');
  await shown(page);

  const reload = [];
  const unlock = [];
  const full = [];
  for (let r = 0; r < ROUNDS; r++) {
    let t0 = Date.now();
    await page.reload();
    await shown(page);
    reload.push(Date.now() - t0);
    for (const [button, times] of [
      ['#unlock-button', unlock],
      ['#unlock-full', full],
    ]) {
      const tab = await context.newPage();
      await tab.goto(`${server.url}/`);
      await tab.waitForSelector('body[data-screen="unlock"]', SLOW);
      await tab.fill('#unlock-password', PASSWORD);
      t0 = Date.now();
      await tab.click(button);
      await shown(tab);
      times.push(Date.now() - t0);
      await tab.close();
    }
  }
  row(
    "reload (the tab's kept session reopened)",
    reload,
    'no Argon2, no SRP: AES-GCM open, sealed token opened, `GET /users/me`',
  );
  row(
    "new tab: Unlock (this device's key)",
    unlock,
    'Argon2id 64 MiB × 2 passes, master and secret key unwrapped, the same session',
  );
  row('new tab: Log in in full', full, "Argon2id 256 MiB × 16 passes (the account's), SRP (4096-bit) with the server");
  await context.close();
} finally {
  await browser.close();
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
}

// A resumed upload, on this device: the picked file hashed (Ente's BLAKE2b, to recognise it), and
// its stream re-made from the header up to the server's offset (encrypted, not sent).
const core = await loadCryptoCore();
const data = core.randomBytes(CHUNK_BYTES);
const key = core.generateKey();
const { header } = core.stream.encrypt(data.subarray(0, 16), key);
const hashMs = [];
const encMs = [];
for (let r = 0; r < ROUNDS; r++) {
  let t0 = performance.now();
  const hasher = core.hash.createHasher();
  for (let i = 0; i < RESUME_MIB / 4; i++) hasher.update(data);
  hasher.digest();
  hashMs.push(performance.now() - t0);
  t0 = performance.now();
  const enc = core.stream.createEncryptor(key, header);
  for (let i = 0; i < RESUME_MIB / 4; i++) enc.update(data);
  enc.final();
  encMs.push(performance.now() - t0);
}
const rate = (ms) => `${((RESUME_MIB / median(ms)) * 1000).toFixed(0)} MiB/s`;

console.log(`## Gallery: opening again, and resuming an upload (Chromium)

| how it opens | median | rounds | what runs |
|---|---|---|---|
${rows.join('\n')}

From the click (or the reload) until the album shows, ${ROUNDS} rounds, headless Chromium against the
server in-process; the account was made through the app with Ente's sensitive limits.

| resuming an upload of ${RESUME_MIB} MiB (Node, one thread) | median | rate |
|---|---|---|
| hashing the picked file (BLAKE2b-512, Ente's file hash) | ${(median(hashMs) / 1000).toFixed(2)} s | ${rate(hashMs)} |
| re-encrypting its stream from the header (what the server has is not sent) | ${(median(encMs) / 1000).toFixed(2)} s | ${rate(encMs)} |

A resumed upload re-makes the stream from its header (\`stream.createEncryptor(key, header)\`: the
same key, header and plaintext give the same ciphertext) and sends only the bytes past the server's
offset; the whole file is hashed first to make sure it is the same file. Both run at several hundred
MiB/s, far above an upload link: resuming 900 MiB of a 1 GiB video costs seconds of CPU, against
minutes of upload saved.`);
