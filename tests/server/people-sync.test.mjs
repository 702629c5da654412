// People on a second device without running a model: one device indexes the faces of generated
// photos of known people (the demo models, scripts/synthetic-faces.mjs), stores them in each
// file's ML data beside nothing else, clusters them and names the clusters as people (cgroup
// entities); a second device of the same account reads the faces from the ML data and the people
// from the entities, clusters, and lists the same people with the same photos.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import jpeg from 'jpeg-js';
import {
  loadCore,
  createFaceIndexer,
  clusterFaces,
  nameCluster,
  reconcileClusters,
  people as peopleList,
} from '../../js/dist/index.js';
import { people as cast, photo } from '../../scripts/synthetic-faces.mjs';
import { client, core, libraryOf, login, signup, startTestServer } from './helpers.mjs';

const MODELS = new URL('../../build/models/faces/', import.meta.url).pathname;
const CAST = cast(4, 31);
const PHOTOS = 12;
let server, alice, full, indexer;

before(async () => {
  server = await startTestServer();
  alice = await signup(server.url, 'alice@example.org', 'pw');
  full = await loadCore();
  indexer = await createFaceIndexer(full, {
    detectorModel: `${MODELS}face_detector_demo.onnx`,
    embedderModel: `${MODELS}face_embedder_demo.onnx`,
    numThreads: 1,
  });
});
after(async () => {
  await indexer?.dispose();
  await server?.close();
});

/** Photo i: one or two of the cast, drawn where the generator says (the ground truth). */
const drawn = Array.from({ length: PHOTOS }, (_, i) =>
  photo({ width: 640, height: 480, faces: i % 3 === 0 ? [i % 4, (i + 1) % 4] : [i % 4], cast: CAST, seed: 500 + i }),
);

/** Which of the cast each found face is: the drawn face its box overlaps most. */
function personOf(p, face) {
  const b = face.detection.box;
  const overlap = (d) => {
    const [x0, y0] = [d.box.x / p.width, d.box.y / p.height];
    const [x1, y1] = [x0 + d.box.width / p.width, y0 + d.box.height / p.height];
    return (
      Math.max(0, Math.min(x1, b.x + b.width) - Math.max(x0, b.x)) * Math.max(0, Math.min(y1, b.y + b.height) - Math.max(y0, b.y))
    );
  };
  return p.faces.reduce((best, d) => (overlap(d) > overlap(best) ? d : best)).person;
}

test('faces indexed on one device: a second device lists the same people and photos from ML data and entities', async () => {
  // The first device: upload, index each photo's faces, store them as its ML data.
  const phone = await login(server.url, alice.email, 'pw');
  const library = libraryOf(server.url, alice, phone.token);
  const album = await library.createAlbum('Friends');
  const files = [];
  const truth = new Map(); // faceID -> person
  for (const [i, p] of drawn.entries()) {
    const contents = jpeg.encode({ data: p.rgba, width: p.width, height: p.height }, 85).data;
    const file = await library.upload(album, {
      contents: [new Uint8Array(contents)],
      size: contents.length,
      thumbnail: new Uint8Array(contents.subarray(0, 1000)),
      meta: { title: `p${i}.jpg`, creationTime: 1_000_000 + i, fileType: 0 },
    });
    const faceIndex = await indexer.indexImage(file.id, p.rgba, p.width, p.height);
    assert.equal(faceIndex.faces.length, p.faces.length, `every drawn face of photo ${i} found`);
    for (const face of faceIndex.faces) truth.set(face.faceID, personOf(p, face));
    await client.putMlData(core, library.api, file, { faces: faceIndex });
    files.push({ fileId: file.id, time: file.meta.creationTime, faces: faceIndex.faces });
  }

  // It clusters them and names each cluster after the person in it.
  const { clusters } = await clusterFaces(full, { files });
  const named = clusters.filter((c) => c.faces.length > 0);
  assert.equal(named.length, CAST.length, 'one cluster a person');
  const key = await client.openEntityKey(core, library.api, alice.masterKey);
  const nameOf = new Map();
  for (const c of named) {
    const who = new Set(c.faces.map((f) => truth.get(f)));
    assert.equal(who.size, 1, 'each cluster is one person');
    const name = `Person ${[...who][0]}`;
    nameOf.set([...who][0], name);
    await client.savePerson(core, library.api, key, nameCluster(name, c));
  }

  // The second device: no model, only the server's ML data and entities.
  const laptop = await login(server.url, alice.email, 'pw');
  const other = libraryOf(server.url, { ...alice, masterKey: laptop.masterKey, secretKey: laptop.secretKey }, laptop.token);
  const [otherAlbum] = await other.loadAlbums();
  const listed = await other.loadFiles(otherAlbum);
  const known = [];
  for await (const { file, faces } of client.fileFaces(core, other.api, listed)) {
    known.push({ fileId: file.id, time: file.meta.creationTime, faces: faces.faces });
  }
  assert.equal(known.length, PHOTOS, "every photo's faces from its ML data");
  const laptopKey = await client.openEntityKey(core, other.api, laptop.masterKey);
  const { people: cgroups } = await client.pullPeople(core, other.api, laptopKey);
  const result = await clusterFaces(full, { files: known, people: cgroups });
  assert.equal(result.modifiedClusterIDs.size, 0, 'every face already in its person');
  const { changed, localClusters } = reconcileClusters(result, cgroups);
  assert.deepEqual(changed, []);
  const list = peopleList({ files: known, cgroups, clusters: localClusters });
  assert.deepEqual(list.map((p) => p.name).sort(), [...nameOf.values()].sort());
  for (const person of list) {
    const who = Number(person.name.split(' ')[1]);
    const expected = files
      .filter((f) => f.faces.some((face) => truth.get(face.faceID) === who))
      .map((f) => f.fileId)
      .sort((a, b) => a - b);
    assert.deepEqual(
      [...person.fileIds].sort((a, b) => a - b),
      expected,
      `${person.name}'s photos`,
    );
  }
});
