// Headless Chromium plays an encrypted video through decryptStream and MediaSource while the
// server is still sending it (throttled): playback starts before the download ends, which
// Ente's web client cannot do (it collects the whole video into one Blob first).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { loadCore } from '../../js/dist/index.js';
import { startServer, sendThrottled, launchChromium } from './server.mjs';
import { noiseVideo } from './assets.mjs';

const CHUNK = 4 * 1024 * 1024;

const video = noiseVideo();
const core = await loadCore();
const key = core.generateKey();
const { ciphertext, header } = core.stream.encrypt(video, key);
let sendStarted = 0;
let sendEnded = 0;

let server;
let browser;
before(async () => {
  server = await startServer({
    // About 3 MiB/s: the whole file takes ~4 s, its first 4 MiB chunk ~1.3 s.
    '/video.enc': async (req, res) => {
      sendStarted = Date.now();
      await sendThrottled(res, ciphertext, 64 * 1024, 20);
      sendEnded = Date.now();
    },
  });
  browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
});
after(async () => {
  await browser?.close();
  await server?.close();
});

test('an encrypted video starts playing through the decrypting stream before its download ends', async () => {
  assert.ok(video.length > 2 * CHUNK, `the test video must span several chunks (${video.length} B)`);
  const page = await browser.newPage();
  await page.goto(`${server.url}/`);
  const r = await page.evaluate(
    async ({ header, key }) => {
      const { createCoreWorker } = await import('/js/dist/index.js');
      const type = 'video/webm; codecs="vp8"';
      if (!MediaSource.isTypeSupported(type)) return { unsupported: type };
      const fromHex = (h) => Uint8Array.from(h.match(/../g), (x) => parseInt(x, 16));
      const w = await createCoreWorker();
      const el = document.createElement('video');
      el.muted = true;
      document.body.append(el);
      const ms = new MediaSource();
      el.src = URL.createObjectURL(ms);
      await new Promise((resolve) => ms.addEventListener('sourceopen', resolve, { once: true }));
      const sb = ms.addSourceBuffer(type);
      const t0 = performance.now();
      const at = () => Math.round(performance.now() - t0);
      const result = { appends: [], playing: null, downloadEnd: null, timeAtDownloadEnd: null };
      el.addEventListener('timeupdate', () => {
        if (result.playing === null && el.currentTime > 0) result.playing = at();
      });
      const response = await fetch('/video.enc');
      // Notes when the last ciphertext byte has been read off the network.
      const body = response.body.pipeThrough(
        new TransformStream({
          flush() {
            result.downloadEnd = at();
            result.timeAtDownloadEnd = el.currentTime;
          },
        }),
      );
      const parts = [];
      for await (const chunk of w.decryptStream(body, fromHex(header), fromHex(key))) {
        parts.push(chunk); // kept for the final hash
        sb.appendBuffer(chunk);
        await new Promise((resolve) => sb.addEventListener('updateend', resolve, { once: true }));
        result.appends.push([chunk.length, at()]);
        if (result.appends.length === 1)
          el.play().catch((e) => {
            result.playError = String(e);
          });
      }
      ms.endOfStream();
      await w.terminate();
      const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
      let o = 0;
      for (const p of parts) {
        all.set(p, o);
        o += p.length;
      }
      result.sha = [...new Uint8Array(await crypto.subtle.digest('SHA-256', all))]
        .map((b) => b.toString(16).padStart(2, '0'))
        .join('');
      // Let it keep playing a moment to be sure it really advances.
      await new Promise((resolve) => setTimeout(resolve, 500));
      result.finalTime = el.currentTime;
      result.error = el.error?.message ?? null;
      return result;
    },
    { header: Buffer.from(header).toString('hex'), key: Buffer.from(key).toString('hex') },
  );
  await page.close();

  assert.equal(r.unsupported, undefined, `Chromium lacks ${r.unsupported}`);
  assert.equal(r.error, null);
  assert.equal(r.playError, undefined);
  assert.equal(r.sha, createHash('sha256').update(video).digest('hex'), 'the plaintext is the video');
  assert.deepEqual(r.appends.map(([n]) => n).slice(0, -1), Array(r.appends.length - 1).fill(CHUNK));
  assert.ok(r.playing !== null, 'the video played');
  assert.ok(r.downloadEnd !== null);
  assert.ok(r.playing < r.downloadEnd, `playback began at ${r.playing} ms, the download ended at ${r.downloadEnd} ms`);
  assert.ok(r.timeAtDownloadEnd > 0, 'the video was already playing when the last byte arrived');
  assert.ok(r.finalTime > r.timeAtDownloadEnd);
  assert.ok(sendEnded - sendStarted > 1000, 'the server really was slow');
  console.log(`# video: ${video.length} B, playing at ${r.playing} ms, download ended at ${r.downloadEnd} ms`);
});
