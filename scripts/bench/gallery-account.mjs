// Run by gallery-account.bench.mjs in a child process of its own (bench.sh turns off fetch, which
// playwright needs).
// Sign-up and log-in through the gallery app in headless Chromium, against the real server
// in-process: sign-up from the button to the recovery phrase on screen (the sensitive Argon2id
// derivation, the keys, SRP set-up, the first log-in), log-in from the button to the first album
// shown (Argon2id again, SRP, the account's keys opened and checked, the albums listed).
// ACCOUNT_BENCH_BASELINE=<dir> adds a second contender: a copy of an earlier tree (its server/,
// js/dist and built app in build-app/), run round by round with this one under the same load.
// A measurement for BENCHMARKS.md, never a test assertion.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { launchChromium } from '../chromium.mjs';
import { median } from './harness.mjs';

const ROUNDS = Number(process.env.ACCOUNT_BENCH_ROUNDS ?? 5);
const SLOW = { timeout: 600_000 };
const HERE = fileURLToPath(new URL('../../', import.meta.url));
const contenders = [{ name: 'this tree', root: HERE, appDir: join(HERE, 'build/app') }];
if (process.env.ACCOUNT_BENCH_BASELINE) {
  const root = resolve(process.env.ACCOUNT_BENCH_BASELINE);
  contenders.push({ name: `baseline (${root})`, root, appDir: join(root, 'build-app') });
}

async function signUp(page, email, password) {
  await page.click('#show-signup');
  await page.fill('#signup-email', email);
  await page.fill('#signup-password', password);
  await page.fill('#signup-confirm', password);
  const t0 = Date.now();
  await page.click('#signup-form button');
  await page.waitForSelector('body[data-screen="phrase"]', SLOW);
  return (Date.now() - t0) / 1000;
}

async function logIn(page, email, password) {
  await page.fill('#login-email', email);
  await page.fill('#login-password', password);
  const t0 = Date.now();
  await page.click('#login-form button');
  await page.waitForFunction(() => document.getElementById('album-title')?.textContent, null, SLOW);
  return (Date.now() - t0) / 1000;
}

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
      const password = `bench password ${r}`;
      let d = await fresh(c);
      const up = await signUp(d.page, email, password);
      await d.context.close();
      d = await fresh(c);
      const inn = await logIn(d.page, email, password);
      await d.context.close();
      if (r >= 0) {
        c.signUp.push(up);
        c.logIn.push(inn);
      }
    }
  }
  const fmt = (xs) => xs.map((x) => x.toFixed(2)).join(', ');
  console.log('## Gallery: sign-up and log-in (Chromium)\n');
  console.log('| contender | sign-up, median | log-in, median | sign-up rounds (s) | log-in rounds (s) |');
  console.log('|---|---|---|---|---|');
  for (const c of contenders) {
    console.log(
      `| ${c.name} | ${median(c.signUp).toFixed(2)} s | ${median(c.logIn).toFixed(2)} s | ${fmt(c.signUp)} | ${fmt(c.logIn)} |`,
    );
  }
  if (contenders.length === 2) {
    const ratio = (key) => median(contenders[0][key].map((x, i) => x / contenders[1][key][i]));
    console.log(
      `\nThis tree / baseline, median of per-round ratios: sign-up ${ratio('signUp').toFixed(3)}, log-in ${ratio('logIn').toFixed(3)}.`,
    );
  }
  console.log(
    `\nThe gallery (build/app) against its server in-process, headless Chromium, ${ROUNDS} rounds after one` +
      ' warm-up, each in fresh browser contexts: sign-up from the button to the recovery phrase (Argon2id' +
      ' sensitive: 16 passes at 256 MiB, keys, SRP set-up, the first log-in), log-in from the button to the' +
      ' first album shown (Argon2id with the same limits, SRP, keys opened, albums listed).',
  );
} finally {
  await browser.close();
  for (const c of servers) {
    await c.server.close();
    rmSync(c.dataDir, { recursive: true, force: true });
  }
}
