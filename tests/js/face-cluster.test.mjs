// Clustering (clusterFaces over the core's batches) against a JavaScript transcription of Ente's
// own (face-reference.mjs: _clusterFaces and clusterBatchLinear of its web client) on seeded
// synthetic faces of known people: the same clusters, in the same order, with the same faces,
// the same changed set, at Ente's batch sizes and with people (cgroups) and rejected faces; the
// people come back; the reference path of the core decides as the fast one; progress and abort.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { core, random, randomInt } from './helpers.mjs';
import { clusterFaces, createFaceWorker, newClusterId, FACE_CLUSTER_BATCH, FACE_CLUSTER_STEP } from '../../js/dist/index.js';
import * as ref from './face-reference.mjs';

const TEMPLATE_LM = ref.TEMPLATE.map(([x, y]) => ({ x: x / 640, y: y / 480 }));

function normalise(v) {
  let s = 0;
  for (const x of v) s += x * x;
  const inv = 1 / Math.sqrt(s);
  return v.map((x) => x * inv);
}

/**
 * `n` faces of `ids` people over files of 1 to 3 faces, each a person's direction plus noise so
 * similarities spread across Ente's thresholds; some blurred or sideways (bad), some too blurred
 * or unsure to cluster at all. Returns { files, personOf }.
 */
function synthetic(n, ids, noise = 0.45) {
  const centres = Array.from({ length: ids }, () => normalise(Array.from({ length: 192 }, () => random() - 0.5)));
  const files = [];
  const personOf = new Map();
  let made = 0,
    fileId = 1;
  while (made < n) {
    const count = Math.min(n - made, randomInt(1, 3));
    const faces = [];
    for (let k = 0; k < count; k++, made++) {
      const person = randomInt(0, ids - 1);
      const spread = noise * (0.6 + random() * 0.8);
      const e = Float32Array.from(
        normalise(centres[person].map((x) => x + (spread / Math.sqrt(192)) * (2 * random() - 1) * Math.sqrt(3))),
      );
      const box = { x: random() * 0.8, y: random() * 0.8, width: 0.1, height: 0.13 };
      const sideways = random() < 0.08;
      const landmarks = TEMPLATE_LM.map((p, i) => ({ x: i === 2 && sideways ? p.x - 0.05 : p.x, y: p.y }));
      const r = random();
      const face = {
        faceID: `${fileId}_${made}`,
        detection: { box, landmarks },
        score: r < 0.05 ? 0.7 : 0.81 + random() * 0.19, // 5% too unsure
        blur: r > 0.97 ? 8 : r > 0.85 ? 20 + random() * 29 : 60 + random() * 2000, // 3% too blurred, 12% bad
        embedding: Array.from(e),
      };
      personOf.set(face.faceID, person);
      faces.push(face);
    }
    // Times with ties (files taken within the same second) and out of order.
    files.push({ fileId, time: randomInt(0, Math.max(1, n / 4)), faces });
    fileId++;
  }
  return { files, personOf };
}

/** Ids in order, for comparing runs (Ente's are random; a run's must not repeat earlier ones). */
const counter = (prefix = 'cluster') => {
  let i = 0;
  return () => `${prefix}_${String(i++).padStart(22, '0')}`;
};

function same(ours, theirs) {
  assert.deepEqual(ours.clusters, theirs.clusters);
  assert.deepEqual([...ours.modifiedClusterIDs].sort(), [...theirs.modified].sort());
}

test("Ente's batches of 10,000 every 7,500: the same clusters as Ente's algorithm on 12,000 faces", async () => {
  const { files, personOf } = synthetic(12_000, 160);
  // 95% of the faces already sit in local clusters (one per person, from an earlier run):
  // the batches then reorder them first, and Ente's loop in JavaScript stays quick enough for a
  // test (the fresh library at these sizes is in the bench; smaller batches are compared below).
  const local = new Map();
  for (const f of files.flatMap((x) => x.faces)) {
    if (random() < 0.95) local.set(personOf.get(f.faceID), [...(local.get(personOf.get(f.faceID)) ?? []), f.faceID]);
  }
  const clusters = [...local].map(([p, faces]) => ({ id: `local_${p}`, faces }));
  const progress = [];
  const ours = await clusterFaces(core, { files, clusters }, { newClusterId: counter(), onProgress: (p) => progress.push(p) });
  const theirs = ref.clusterFaces({ files, clusters }, { newId: counter() });
  same(ours, theirs);
  assert.deepEqual(progress.at(-1), { completed: ours.faces, total: ours.faces });
  assert.equal(progress.length, Math.ceil(ours.faces / FACE_CLUSTER_STEP));
  assert.equal(progress.length, 2, `${ours.faces} faces eligible: two batches`);
  // The people: nearly every cluster is one person, and big people are mostly one cluster.
  const pure = ours.clusters.filter((c) => new Set(c.faces.map((f) => personOf.get(f))).size === 1);
  assert.ok(pure.length / ours.clusters.length > 0.95, `${pure.length} of ${ours.clusters.length} clusters are one person`);
  const largest = new Map();
  for (const c of ours.clusters) {
    const p = personOf.get(c.faces[0]);
    largest.set(p, Math.max(largest.get(p) ?? 0, c.faces.length));
  }
  const perPerson = new Map();
  for (const f of files.flatMap((x) => x.faces))
    if (f.blur > 10 && f.score > 0.8) perPerson.set(personOf.get(f.faceID), (perPerson.get(personOf.get(f.faceID)) ?? 0) + 1);
  const mostlyOne = [...perPerson].filter(([p, n]) => largest.get(p) >= n * 0.5).length;
  assert.ok(mostlyOne / perPerson.size > 0.9, `${mostlyOne} of ${perPerson.size} people mostly in one cluster`);
});

test('people (cgroups) first, newest first; rejected faces never rejoin; local clusters after', async () => {
  for (let round = 0; round < 4; round++) {
    const { files } = synthetic(3000, 40, 0.5);
    // A first run makes clusters; some become people, with faces rejected, some stay local.
    const first = ref.clusterFaces({ files: files.slice(0, 600) }, { newId: counter('earlier') });
    const big = first.clusters.filter((c) => c.faces.length > 3);
    const people = big.slice(0, 6).map((c, i) => ({
      updatedAt: randomInt(1, 3),
      data: {
        assigned: i === 0 ? [c, big[6] ?? c] : [c],
        rejectedFaceIDs: i % 2 ? c.faces.filter(() => random() < 0.3) : [],
      },
    }));
    const local = big.slice(7, 12);
    const input = { files, people, clusters: local };
    const batching = { batch: 1000, step: 750 };
    const ours = await clusterFaces(core, input, { newClusterId: counter(), ...batching });
    const reference = await clusterFaces(core, input, { newClusterId: counter(), ...batching, scalar: true });
    const theirs = ref.clusterFaces(input, { newId: counter(), batchSize: 1000, step: 750 });
    same(ours, theirs);
    same(reference, theirs);
    // A rejected face is in none of its person's clusters.
    for (const p of people) {
      const ids = new Set(p.data.assigned.map((c) => c.id));
      for (const f of p.data.rejectedFaceIDs) for (const c of ours.clusters) if (ids.has(c.id)) assert.ok(!c.faces.includes(f));
    }
    // The caller's people and clusters are left as they were.
    assert.deepEqual(input.clusters, local);
  }
});

test('the worker clusters as the thread does, with progress; abort stops between batches', async () => {
  const { files } = synthetic(4000, 30);
  const w = await createFaceWorker({ detectorModel: null, embedderModel: null });
  try {
    assert.equal(w.indexing, false);
    const progress = [];
    const inWorker = await w.clusterFaces({ files }, { batch: 1000, step: 750, onProgress: (p) => progress.push(p.completed) });
    const inThread = await clusterFaces(core, { files }, { batch: 1000, step: 750 });
    // Random ids differ: compare the faces of each cluster, in order.
    assert.deepEqual(
      inWorker.clusters.map((c) => c.faces),
      inThread.clusters.map((c) => c.faces),
    );
    assert.ok(inWorker.clusters.every((c) => /^cluster_[0-9A-Za-z]{22}$/.test(c.id)));
    assert.deepEqual(
      progress,
      [...progress].sort((a, b) => a - b),
    );
    assert.equal(progress.at(-1), inThread.faces);
    await assert.rejects(w.indexImage(1, new Uint8Array(4), 1, 1), { code: 'BAD_INPUT', message: /no models/ });
  } finally {
    await w.terminate();
  }
  const controller = new AbortController();
  const run = clusterFaces(
    core,
    { files },
    { batch: 500, step: 250, signal: controller.signal, onProgress: () => controller.abort(new Error('stop')) },
  );
  await assert.rejects(run, /stop/);
});

test('cluster ids are Ente\'s: "cluster_" and 22 of [0-9A-Za-z], evenly drawn', () => {
  const counts = new Map();
  for (let i = 0; i < 2000; i++) {
    const id = newClusterId();
    assert.match(id, /^cluster_[0-9A-Za-z]{22}$/);
    for (const ch of id.slice(8)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  }
  assert.equal(counts.size, 62);
  const expected = (2000 * 22) / 62;
  for (const n of counts.values()) assert.ok(Math.abs(n - expected) < expected * 0.25);
});

test('bad input: embeddings of another size, a clusterer used after dispose', async () => {
  const files = [
    {
      fileId: 1,
      time: 1,
      faces: [{ faceID: '1_a', detection: { box: {}, landmarks: [] }, score: 0.9, blur: 100, embedding: [1, 2] }],
    },
  ];
  await assert.rejects(clusterFaces(core, { files }), { code: 'BAD_INPUT' });
  await assert.rejects(clusterFaces(core, {}), { code: 'BAD_INPUT' });
  const c = core.faces.clusterer({
    embeddings: new Float32Array(192),
    dims: 192,
    bad: new Uint8Array(1),
    clusters: Int32Array.of(-1),
    existing: 0,
  });
  c.run(0);
  assert.deepEqual(c.clusters(), Int32Array.of(0));
  c.dispose();
  assert.throws(() => c.run(0), { code: 'BAD_INPUT' });
  assert.equal(FACE_CLUSTER_BATCH, 10_000);
});
