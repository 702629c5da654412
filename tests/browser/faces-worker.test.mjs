// Faces in headless Chromium under the strict CSP: the page draws generated photos of known people
// (scripts/synthetic-faces.mjs), encodes them as JPEG with the browser's own encoder and hands
// them to createFaceWorker with the small demo models; the worker decodes (createImageBitmap),
// detects, aligns and embeds; each face comes back where it was drawn, the faces go through
// Ente's ML data, and clustering them in a second worker (no models: a device that only reads
// ML data) gives back the people.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserSuite } from './server.mjs';

const env = browserSuite();

test('worker: faces indexed from JPEGs, through ML data, clustered back into the people', async () => {
  const page = await env.browser.newPage();
  try {
    await page.goto(`${env.url}/`);
    const result = await page.evaluate(async () => {
      const { createFaceWorker, loadCore, withFaces, faceData } = await import('/js/dist/index.js');
      const { people, photo } = await import('/scripts/synthetic-faces.mjs');
      const cast = people(4, 11);
      const drawn = [];
      const files = [];
      for (let i = 0; i < 8; i++) {
        const p = photo({ width: 900, height: 600, faces: [i % 4, (i + 1) % 4], cast, seed: 100 + i });
        const canvas = new OffscreenCanvas(p.width, p.height);
        canvas.getContext('2d').putImageData(new ImageData(new Uint8ClampedArray(p.rgba.buffer), p.width, p.height), 0, 0);
        files.push({ fileId: i + 1, blob: await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.9 }) });
        drawn.push(p.faces.map((f) => ({ person: f.person, x: f.box.x / p.width, y: f.box.y / p.height })));
      }
      const faces = await createFaceWorker({
        ortUrl: '/node_modules/onnxruntime-web/dist/ort.wasm.min.mjs',
        numThreads: 1,
        baseUrl: '/build/models/faces/',
        cache: false,
        detectorModel: 'face_detector_demo.onnx',
        embedderModel: 'face_embedder_demo.onnx',
      });
      const indexed = [];
      const run = await faces.indexFiles(files, { onProgress: (p) => p.faceIndex && indexed.push([p.fileId, p.faceIndex]) });
      await faces.terminate();
      // Through Ente's ML data (encrypted with each file's key) as another device reads it.
      const core = await loadCore();
      const fromMlData = [];
      for (const [fileId, faceIndex] of indexed) {
        const key = core.generateKey();
        const enc = await core.mlData.encrypt(withFaces({}, faceIndex, 'test'), key);
        const data = await core.mlData.decrypt(enc.encryptedData, enc.decryptionHeader, key);
        fromMlData.push({ fileId, time: fileId, faces: faceData(data).faces });
      }
      const reader = await createFaceWorker({ detectorModel: null, embedderModel: null });
      const clustered = await reader.clusterFaces({ files: fromMlData });
      await reader.terminate();
      return { indexed: run.indexed, drawn, found: fromMlData, clusters: clustered.clusters };
    });
    assert.equal(result.indexed, 8);
    // Every drawn face found near where it was drawn; its person known from there.
    const personOf = new Map();
    for (const { fileId, faces } of result.found) {
      const drawn = result.drawn[fileId - 1];
      assert.equal(faces.length, drawn.length);
      for (const d of drawn) {
        const f = faces.find((x) => Math.abs(x.detection.box.x - d.x) < 0.02 && Math.abs(x.detection.box.y - d.y) < 0.02);
        assert.ok(f, `file ${fileId}: a face at ${d.x}, ${d.y}`);
        personOf.set(f.faceID, d.person);
      }
    }
    // Four people, four clusters, each one person's.
    const clusters = result.clusters.map((c) => new Set(c.faces.map((f) => personOf.get(f))));
    assert.equal(clusters.length, 4);
    assert.ok(clusters.every((s) => s.size === 1));
    assert.equal(new Set(clusters.map((s) => [...s][0])).size, 4);
  } finally {
    await page.close();
  }
});
