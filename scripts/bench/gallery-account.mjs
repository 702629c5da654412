// Run by gallery-account.bench.mjs in a child process of its own (bench.sh turns off fetch, which
// playwright needs).
// Sign-up and log-in through the gallery app in headless Chromium, against the real server
// in-process: sign-up from the button to the recovery phrase on screen (the sensitive Argon2id
// derivation, the keys, SRP set-up, the first log-in), log-in from the button to the first album
// shown (Argon2id again, SRP, the account's keys opened and checked, the albums listed). Each is
// also split where the busy line leaves the Argon2id step: the derivation is the same code in
// every contender and most of the time (and of the noise on a loaded machine); what follows it is
// where the contenders differ.
// ACCOUNT_BENCH_BASELINE=<name>=<dir>[,<name>=<dir>...] adds contenders: copies of earlier trees
// (each with its server/, js/dist and built app in build-app/), run round by round with this one
// under the same load. A measurement for BENCHMARKS.md, never a test assertion.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { launchChromium } from '../chromium.mjs';
import { median } from './harness.mjs';

const ROUNDS = Number(process.env.ACCOUNT_BENCH_ROUNDS ?? 5);
const SLOW = { timeout: 600_000 };
const PASSWORD = 'bench password';
const HERE = fileURLToPath(new URL('../../', import.meta.url));
const contenders = [{ name: 'this tree', root: HERE, appDir: join(HERE, 'build/app') }];
for (const spec of (process.env.ACCOUNT_BENCH_BASELINE ?? '').split(',').filter(Boolean)) {
  const [name, dir] = spec.includes('=') ? spec.split('=') : ['baseline', spec];
  const root = resolve(dir);
  contenders.push({ name, root, appDir: join(root, 'build-app') });
}

/** Records when the busy line's label changes (page time), to split a flow at the Argon2 step. */
function watchBusyLine() {
  window.busyMarks = [];
  new MutationObserver(() => {
    const label = document.getElementById('busy-label')?.textContent ?? '';
    if (label && window.busyMarks.at(-1)?.label !== label) window.busyMarks.push({ at: performance.now(), label });
  }).observe(document, { subtree: true, childList: true, characterData: true });
}

/** Seconds of the whole flow, and of what follows the Argon2id step. */
async function timed(page, start, done) {
  const t0 = await page.evaluate(() => performance.now());
  await start();
  await done();
  const t1 = await page.evaluate(() => performance.now());
  const marks = await page.evaluate(() => window.busyMarks);
  const argon = marks.findIndex((m) => /Argon2id/.test(m.label));
  const after = marks.slice(argon + 1).find((m) => m.at >= t0);
  return { total: (t1 - t0) / 1000, afterKdf: after ? (t1 - after.at) / 1000 : Number.NaN };
}

const signUp = (page, email) =>
  timed(
    page,
    async () => {
      await page.click('#show-signup');
      await page.fill('#signup-email', email);
      await page.fill('#signup-password', PASSWORD);
      await page.fill('#signup-confirm', PASSWORD);
      await page.click('#signup-form button');
    },
    () => page.waitForSelector('body[data-screen="phrase"]', SLOW),
  );

const logIn = (page, email) =>
  timed(
    page,
    async () => {
      await page.fill('#login-email', email);
      await page.fill('#login-password', PASSWORD);
      await page.click('#login-form button');
    },
    () => page.waitForFunction(() => document.getElementById('album-title')?.textContent, null, SLOW),
  );

const browser = await launchChromium();
const servers = [];
try {
  for (const c of contenders) {
    c.dataDir = mkdtempSync(join(tmpdir(), 'gallery-account-bench-'));
    const { startGalleryServer } = await import(pathToFileURL(join(c.root, 'server/app.mjs')).href);
    c.server = await startGalleryServer({ dataDir: c.dataDir, port: 0, appDir: c.appDir });
    servers.push(c);
    c.signUp = [];
    c.logIn = [];
  }
  const fresh = async (c) => {
    const context = await browser.newContext({ viewport: { width: 1200, height: 850 } });
    await context.addInitScript(watchBusyLine);
    const page = await context.newPage();
    await page.goto(`${c.server.url}/`);
    await page.waitForSelector('body[data-screen="login"]', SLOW);
    return { context, page };
  };
  // Round -1 is the warm-up (the browser's and the server's caches), not counted.
  for (let r = -1; r < ROUNDS; r++) {
    for (let k = 0; k < contenders.length; k++) {
      const c = contenders[(r + 1 + k) % contenders.length];
      const email = `bench-${r + 1}@example.com`;
      let d = await fresh(c);
      const up = await signUp(d.page, email);
      await d.context.close();
      d = await fresh(c);
      const inn = await logIn(d.page, email);
      await d.context.close();
      if (r >= 0) {
        c.signUp.push(up);
        c.logIn.push(inn);
      }
    }
  }
  const s = (x) => x.toFixed(2);
  const med = (c, flow, part) => median(c[flow].map((x) => x[part]));
  console.log('## Gallery: sign-up and log-in (Chromium)\n');
  console.log('| contender | sign-up | of which after Argon2id | log-in | of which after Argon2id |');
  console.log('|---|---|---|---|---|');
  for (const c of contenders) {
    const cells = ['signUp', 'logIn'].flatMap((f) => [`${s(med(c, f, 'total'))} s`, `${s(med(c, f, 'afterKdf'))} s`]);
    console.log(`| ${c.name} | ${cells.join(' | ')} |`);
  }
  for (const other of contenders.slice(1)) {
    const ratio = (flow, part) => median(contenders[0][flow].map((x, i) => x[part] / other[flow][i][part])).toFixed(3);
    const diff = (flow, part) => median(contenders[0][flow].map((x, i) => x[part] - other[flow][i][part])).toFixed(3);
    console.log(
      `\nThis tree against ${other.name}, medians of per-round ratios (whole / after Argon2id): sign-up ` +
        `${ratio('signUp', 'total')} / ${ratio('signUp', 'afterKdf')}, log-in ${ratio('logIn', 'total')} / ` +
        `${ratio('logIn', 'afterKdf')}; medians of per-round differences after Argon2id: sign-up ` +
        `${diff('signUp', 'afterKdf')} s, log-in ${diff('logIn', 'afterKdf')} s.`,
    );
  }
  console.log('\nRounds (whole flow, s):');
  for (const c of contenders) {
    console.log(
      `- ${c.name}: sign-up ${c.signUp.map((x) => s(x.total)).join(', ')}; log-in ${c.logIn.map((x) => s(x.total)).join(', ')}`,
    );
  }
  console.log(
    `\nThe gallery (build/app) against its server in-process, headless Chromium, ${ROUNDS} rounds after one` +
      ' warm-up, the contenders in an order that rotates each round, each flow in a fresh browser context:' +
      ' sign-up from the button to the recovery phrase (Argon2id sensitive: 16 passes at 256 MiB, keys, SRP' +
      " set-up, the first log-in), log-in from the button to the first album shown (Argon2id with the account's" +
      ' limits, SRP, keys opened and checked, albums listed). "After Argon2id" starts where the busy line' +
      ' leaves the derivation step.',
  );
} finally {
  await browser.close();
  for (const c of servers) {
    await c.server.close();
    rmSync(c.dataDir, { recursive: true, force: true });
  }
}
