// Face indexing end to end with the small demo models (build/models/faces, made by
// scripts/gen-face-models.mjs) on generated photos of known people (scripts/synthetic-faces.mjs):
// every face is found where it was drawn, one person's faces embed alike and different people's
// apart, in the thread (createFaceIndexer) and in a worker (createFaceWorker); encoded files,
// bad files and whole libraries with progress; the result through Ente's ML data and back; and
// clustering those faces gives back the people.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import jpeg from 'jpeg-js';
import { core, randomInt } from './helpers.mjs';
import {
  createFaceIndexer,
  createFaceWorker,
  clusterFaces,
  faceData,
  withFaces,
  FACE_INDEX_VERSION,
} from '../../js/dist/index.js';
import { people, photo } from '../../scripts/synthetic-faces.mjs';
import { garbage } from './index-files-helpers.mjs';
import { hostileTable } from './hostile-table.mjs';
import * as ref from './face-reference.mjs';

const record = hostileTable(import.meta.url);
const MODELS = new URL('../../build/models/faces/', import.meta.url).pathname;
const OPTIONS = {
  detectorModel: `${MODELS}face_detector_demo.onnx`,
  embedderModel: `${MODELS}face_embedder_demo.onnx`,
  numThreads: 1,
};
const CAST = people(8, 21);
const dot = (a, b) => a.reduce((s, x, i) => s + x * b[i], 0);

/** Generated photos of 1 to 3 of the cast, in assorted sizes. */
function photos(n, seed0 = 1) {
  return Array.from({ length: n }, (_, i) => {
    const seed = seed0 + i;
    const [width, height] = [
      [1024, 768],
      [800, 1000],
      [640, 480],
      [1600, 1200],
      [300, 200],
    ][seed % 5];
    const count = 1 + (seed % 3);
    return photo({
      width,
      height,
      faces: Array.from({ length: count }, (_, k) => (seed * 3 + k) % CAST.length),
      cast: CAST,
      seed,
      minSize: 0.12,
      maxSize: 0.4,
    });
  });
}

const iou = (a, b) => {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  const i = Math.max(0, w) * Math.max(0, h);
  return i / (a.width * a.height + b.width * b.height - i);
};

/** Matches found faces to drawn ones (IoU of boxes); returns [{ person, face }] and fails on a miss. */
function matchFaces(p, faceIndex) {
  assert.equal(faceIndex.faces.length, p.faces.length, 'one face found per face drawn');
  return p.faces.map((drawn) => {
    const truth = {
      x: drawn.box.x / p.width,
      y: drawn.box.y / p.height,
      width: drawn.box.width / p.width,
      height: drawn.box.height / p.height,
    };
    const best = faceIndex.faces.reduce((a, f) => (iou(f.detection.box, truth) > iou(a.detection.box, truth) ? f : a));
    assert.ok(iou(best.detection.box, truth) >= 0.8, `IoU ${iou(best.detection.box, truth)}`);
    return { person: drawn.person, face: best };
  });
}

let indexer;
let worker;
before(async () => {
  indexer = await createFaceIndexer(core, OPTIONS);
  worker = await createFaceWorker(OPTIONS);
});
after(async () => {
  await indexer?.dispose();
  await worker?.terminate();
});

test('the demo models find every drawn face and tell its person apart, in the thread and in a worker', async () => {
  const found = [];
  for (const p of photos(12, randomInt(1, 1000))) {
    const fileId = randomInt(1, 2 ** 40);
    const inThread = await indexer.indexImage(fileId, p.rgba, p.width, p.height);
    const inWorker = await worker.indexImage(fileId, p.rgba, p.width, p.height);
    assert.deepEqual(inWorker, inThread);
    assert.deepEqual([inThread.width, inThread.height], [p.width, p.height]);
    for (const { person, face } of matchFaces(p, inThread)) {
      assert.equal(face.faceID, ref.faceId(fileId, face.detection.box));
      assert.ok(face.score > 0.8 && face.blur > 10, `eligible for clustering: score ${face.score}, blur ${face.blur}`);
      assert.equal(face.detection.landmarks.length, 5);
      assert.equal(face.embedding.length, 192);
      found.push({ person, e: face.embedding });
    }
  }
  let same = 1,
    different = -1;
  for (let i = 0; i < found.length; i++) {
    for (let j = i + 1; j < found.length; j++) {
      const s = dot(found[i].e, found[j].e);
      if (found[i].person === found[j].person) same = Math.min(same, s);
      else different = Math.max(different, s);
    }
  }
  // Ente clusters at 0.76: one person's faces well above it, different people's well below.
  assert.ok(same > 0.9, `same person: lowest similarity ${same}`);
  assert.ok(different < 0.6, `different people: highest similarity ${different}`);
});

test('encoded files: a JPEG through indexFile, a file that is no image as BAD_INPUT', async () => {
  const p = photos(1, 40)[0];
  const bytes = new Uint8Array(jpeg.encode({ data: p.rgba, width: p.width, height: p.height }, 92).data);
  for (const api of [indexer, worker]) {
    const { faceIndex, decoded, timings } = await api.indexFile(9, bytes);
    assert.deepEqual(decoded, { width: p.width, height: p.height });
    matchFaces(p, faceIndex);
    for (const k of ['decode', 'letterbox', 'detect', 'align', 'embed']) assert.ok(timings[k] >= 0, k);
    await assert.rejects(api.indexFile(10, garbage()), { name: 'CoreError', code: 'BAD_INPUT' });
    assert.equal((await api.indexFile(11, bytes)).faceIndex.faces.length, p.faces.length, 'and the next file indexes');
  }
  record(
    'faces indexFile (thread and worker)',
    '5,000 bytes that are no image',
    { name: 'CoreError', code: 'BAD_INPUT' },
    'the next file indexes normally',
  );
});

test('indexFiles: every file with its faces in the progress, bad files reported and skipped', async () => {
  const ps = photos(6, 60);
  const files = ps.map((p, i) => ({
    fileId: i + 1,
    bytes: new Uint8Array(jpeg.encode({ data: p.rgba, width: p.width, height: p.height }, 90).data),
  }));
  files.splice(3, 0, { fileId: 99, bytes: garbage() });
  for (const api of [indexer, worker]) {
    const progress = [];
    const result = await api.indexFiles(files, { onProgress: (x) => progress.push(x) });
    assert.equal(result.indexed, 6);
    assert.deepEqual(
      result.failed.map((f) => [f.fileId, f.error.code]),
      [[99, 'BAD_INPUT']],
    );
    const indexed = progress.filter((x) => x.status === 'indexed');
    assert.deepEqual(
      indexed.map((x) => x.fileId),
      [1, 2, 3, 4, 5, 6],
    );
    indexed.forEach((x, i) => matchFaces(ps[i], x.faceIndex));
    await assert.rejects(api.indexFiles(files, { persist: () => {}, key: new Uint8Array(32) }), { code: 'BAD_INPUT' });
  }
});

test("the faces go into Ente's ML data beside CLIP, encrypted, and come back the same", async () => {
  const p = photos(1, 80)[0];
  const faceIndex = await indexer.indexImage(5, p.rgba, p.width, p.height);
  const data = withFaces(
    { clip: { version: 1, client: 'x', embedding: [1, 0] }, extra: { kept: true } },
    faceIndex,
    'cipherlens/test',
  );
  const fileKey = core.generateKey();
  const enc = await core.mlData.encrypt(data, fileKey);
  const back = await core.mlData.decrypt(enc.encryptedData, enc.decryptionHeader, fileKey);
  assert.deepEqual(back.extra, { kept: true });
  assert.deepEqual(back.clip, data.clip);
  const read = faceData(back);
  assert.equal(read.version, FACE_INDEX_VERSION);
  assert.equal(read.client, 'cipherlens/test');
  assert.deepEqual({ width: read.width, height: read.height, faces: read.faces }, faceIndex);
});

test('clustering the indexed faces gives back the people', async () => {
  const ps = photos(30, 200);
  const files = [];
  for (const [i, p] of ps.entries()) {
    files.push({
      fileId: i + 1,
      time: 1000 - i,
      faces: (await worker.indexImage(i + 1, p.rgba, p.width, p.height)).faces,
      drawn: p,
    });
  }
  const personOf = new Map();
  for (const f of files)
    for (const { person, face } of matchFaces(f.drawn, { faces: f.faces })) personOf.set(face.faceID, person);
  for (const result of [await clusterFaces(core, { files }), await worker.clusterFaces({ files })]) {
    const clusters = result.clusters.filter((c) => c.faces.length > 0);
    assert.equal(result.faces, personOf.size);
    // Each cluster is one person, and each person one cluster.
    const people = clusters.map((c) => new Set(c.faces.map((f) => personOf.get(f))));
    assert.ok(people.every((s) => s.size === 1));
    assert.equal(new Set(people.map((s) => [...s][0])).size, clusters.length);
  }
});
