// The "face" entry of Ente's ML data against Ente's own readers: its web client's Zod schema
// (ml-data.ts: RemoteFaceIndex, RemoteCLIPIndex, ParsedRemoteMLData, with zod itself) and a
// transcription of its mobile client's fromJson (file_data.dart, face.dart, box.dart); the JSON
// cipherlens writes is the JSON Ente's web client writes, byte for byte; fixtures in the forms
// Ente's clients write (mobile's key order, flags, "xMin", placeholder faces, desktop's empty
// list) read back; other keys are kept; malformed entries are BAD_INPUT.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { core, random, randomInt } from './helpers.mjs';
import { faceData, withFaces, packMlData, unpackMlData, MISSING_BLUR } from '../../js/dist/index.js';
import { hostileTable } from './hostile-table.mjs';

const record = hostileTable(import.meta.url);

// ---- Ente web's schema (web/packages/new/photos/services/ml/ml-data.ts), as zod objects.
const nullToUndefined = (v) => (v === null ? undefined : v);
const RemoteFaceIndex = z.object({
  version: z.number(),
  client: z.string(),
  width: z.number(),
  height: z.number(),
  faces: z.array(
    z.object({
      faceID: z.string(),
      detection: z.object({
        box: z.object({ x: z.number(), y: z.number(), width: z.number(), height: z.number() }),
        landmarks: z.array(z.object({ x: z.number(), y: z.number() })),
      }),
      score: z.number(),
      blur: z.number(),
      embedding: z.array(z.number()),
    }),
  ),
});
const RemoteCLIPIndex = z.object({ version: z.number(), client: z.string(), embedding: z.array(z.number()) });
const RawRemoteMLData = z.looseObject({});
const ParsedRemoteMLData = z.object({
  face: RemoteFaceIndex.nullish().transform(nullToUndefined),
  clip: RemoteCLIPIndex.nullish().transform(nullToUndefined),
});
const webRead = (json) => {
  const raw = RawRemoteMLData.parse(JSON.parse(json));
  const parsed = ParsedRemoteMLData.safeParse(raw);
  return { raw, parsed: parsed.success ? parsed.data : undefined };
};

// ---- Ente mobile's reader (file_data.dart RemoteFaceEmbedding.fromJson and what it calls).
const asDouble = (v) => (typeof v === 'number' ? v : null);
function mobileRead(json) {
  const asInt = (v, what) => {
    if (!Number.isInteger(v)) throw new Error(`${what} is not an int`);
    return v;
  };
  const face = (f) => {
    const fileID = Number.parseInt(f.faceID.split('_')[0], 10);
    const box = f.detection.box;
    return {
      faceID: f.faceID,
      fileID,
      embedding: f.embedding.map(Number),
      score:
        asDouble(f.score) ??
        (() => {
          throw new Error('score');
        })(),
      detection: {
        box: {
          x: asDouble(box.x) ?? asDouble(box.xMin),
          y: asDouble(box.y) ?? asDouble(box.yMin),
          width: asDouble(box.width),
          height: asDouble(box.height),
        },
        landmarks: f.detection.landmarks.map((l) => ({ x: l.x, y: l.y })),
      },
      blur: asDouble(f.blur) ?? 10000,
    };
  };
  return {
    faces: json.faces.map(face),
    version: asInt(json.version, 'version'),
    client: json.client,
    height: asInt(json.height, 'height'),
    width: asInt(json.width, 'width'),
    flags: json.flags ?? 0,
  };
}

/** A face index as the indexer makes it: float32 values, relative boxes. */
function faceIndex(n, fileId = 7) {
  const faces = Array.from({ length: n }, () => {
    const box = { x: random() * 0.8, y: random() * 0.8, width: 0.05 + random() * 0.15, height: 0.05 + random() * 0.15 };
    const e = Float32Array.from({ length: 192 }, () => random() - 0.5);
    return {
      faceID: core.faces.faceId(fileId, box),
      detection: {
        box,
        landmarks: Array.from({ length: 5 }, () => ({ x: box.x + random() * box.width, y: box.y + random() * box.height })),
      },
      score: Math.fround(0.5 + random() / 2),
      blur: random() * 3000,
      embedding: Array.from(e),
    };
  });
  return { width: randomInt(1, 8000), height: randomInt(1, 8000), faces };
}

test("what cipherlens writes is what Ente's web client writes, byte for byte, and both Ente readers read it", async () => {
  for (const n of [0, 1, 5]) {
    const fi = faceIndex(n);
    const raw = { clip: { version: 1, client: 'io.ente.photos.desktop/1.7.0', embedding: [0.1, 0.2] }, other: { kept: [1, 2] } };
    const ours = withFaces(raw, fi, 'io.ente.photos.desktop/1.7.0');
    // Ente web's upsert: the raw data, with { version, client, ...faceIndex } as "face".
    const ente = { ...raw, face: { version: 1, client: 'io.ente.photos.desktop/1.7.0', ...fi } };
    assert.equal(JSON.stringify(ours), JSON.stringify(ente));
    // Through gzip and back, then Ente's two readers.
    const json = new TextDecoder().decode(
      await new Response(new Blob([await packMlData(ours)]).stream().pipeThrough(new DecompressionStream('gzip'))).arrayBuffer(),
    );
    const web = webRead(json);
    assert.ok(web.parsed, 'Ente web parses it');
    assert.deepEqual(web.parsed.face, ente.face);
    assert.deepEqual(web.raw.other, { kept: [1, 2] });
    const mobile = mobileRead(JSON.parse(json).face);
    assert.equal(mobile.faces.length, n);
    assert.deepEqual(
      mobile.faces.map((f) => f.fileID),
      Array(n).fill(7),
    );
    assert.deepEqual(await unpackMlData(await packMlData(ours)), ours);
  }
});

test("the forms Ente's clients write read back: mobile's order, flags, xMin, placeholders, desktop's empty list", () => {
  const fi = faceIndex(2, 42);
  // Mobile's toJson: faces, version, client, height, width, flags; a face: faceID, embedding,
  // detection, score, blur; older boxes with xMin/yMin.
  const mobileFace = (f, i) => ({
    faceID: f.faceID,
    embedding: f.embedding,
    detection: {
      box:
        i === 0
          ? { xMin: f.detection.box.x, yMin: f.detection.box.y, width: f.detection.box.width, height: f.detection.box.height }
          : f.detection.box,
      landmarks: f.detection.landmarks,
    },
    score: f.score,
    ...(i === 1 ? {} : { blur: f.blur }), // a face without blur: mobile reads 10000
  });
  const placeholder = (score) => ({
    faceID: '42_0_0_0_0',
    embedding: [],
    detection: { box: { x: 0, y: 0, width: 0, height: 0 }, landmarks: [] },
    score,
    blur: 0,
  });
  const mobile = {
    face: {
      faces: [...fi.faces.map(mobileFace), placeholder(0)],
      version: 1,
      client: 'io.ente.photos/0.9.0',
      height: fi.height,
      width: fi.width,
      flags: 1,
      note: 'x',
    },
  };
  const read = faceData(mobile);
  assert.equal(read.flags, 1);
  assert.equal(read.client, 'io.ente.photos/0.9.0');
  assert.equal(read.faces.length, 2, 'the placeholder face reads as no face');
  assert.deepEqual(read.faces[0].detection.box, fi.faces[0].detection.box);
  assert.equal(read.faces[1].blur, MISSING_BLUR);
  assert.deepEqual(read.faces[1].embedding, fi.faces[1].embedding);
  // Mobile's "no face" (one placeholder, score 0 or -1 on error) and desktop's (faces: []).
  for (const face of [
    { faces: [placeholder(0)], version: 1, client: 'io.ente.photos/0.9.0', height: 10, width: 20 },
    { faces: [placeholder(-1)], version: 1, client: 'io.ente.photos/0.9.0', height: 10, width: 20 },
    { version: 1, client: 'io.ente.photos.desktop/1.7.0', width: 20, height: 10, faces: [] },
  ]) {
    assert.deepEqual(faceData({ face }).faces, []);
    assert.ok(webRead(JSON.stringify({ face })).parsed, 'Ente web reads it too');
  }
  // Versions: absent or null is none; older than wanted is ignored; newer is used.
  assert.equal(faceData({}), undefined);
  assert.equal(faceData({ face: null }), undefined);
  assert.equal(faceData({ face: { ...mobile.face, version: 0 } }), undefined);
  assert.equal(faceData({ face: { ...mobile.face, version: 2 } }).version, 2);
  assert.equal(faceData({ face: { ...mobile.face, version: 2 } }, { minVersion: 3 }), undefined);
  // The raw entry stays as it came (its "note" included) when the data is written back untouched.
  assert.equal(JSON.parse(JSON.stringify(mobile)).face.note, 'x');
});

test('withFaces keeps the other keys and their order, stores float32 values, refuses a bad index', () => {
  const fi = faceIndex(1);
  fi.faces[0].embedding = fi.faces[0].embedding.map((x) => x + 1e-12);
  const data = withFaces({ a: 1, face: { old: true }, clip: { version: 1, client: 'c', embedding: [1] }, z: [2] }, fi, 'me');
  assert.deepEqual(Object.keys(data), ['a', 'face', 'clip', 'z']);
  assert.ok(data.face.faces[0].embedding.every((x) => Math.fround(x) === x));
  const bad = (mutate) => {
    const copy = structuredClone(fi);
    mutate(copy);
    return copy;
  };
  for (const b of [
    bad((f) => f.faces[0].embedding.pop()),
    bad((f) => (f.faces[0].score = 'high')),
    bad((f) => delete f.faces[0].detection),
    bad((f) => (f.width = Number.NaN)),
  ]) {
    assert.throws(() => withFaces({}, b, 'me'), { name: 'CoreError', code: 'BAD_INPUT' });
  }
  assert.throws(() => withFaces({}, fi, 5), { code: 'BAD_INPUT' });
});

test('malformed face entries from a sharer are BAD_INPUT, not a crash or a half-read index', async () => {
  const good = withFaces({}, faceIndex(2), 'x').face;
  const cases = [
    ['an embedding of 191 numbers', (f) => f.faces[1].embedding.pop()],
    ['an embedding holding a string', (f) => (f.faces[0].embedding[5] = '0.1')],
    ['faces that is an object', (f) => (f.faces = { 0: f.faces[0] })],
    ['a face without a detection', (f) => delete f.faces[0].detection],
    ['a landmark without y', (f) => delete f.faces[0].detection.landmarks[2].y],
    ['a version that is a string', (f) => (f.version = '1')],
    ['a faceID that is a number', (f) => (f.faces[0].faceID = 7)],
  ];
  for (const [what, mutate] of cases) {
    const face = structuredClone(good);
    mutate(face);
    assert.throws(() => faceData({ face }), { name: 'CoreError', code: 'BAD_INPUT' }, what);
    // Through encrypted ML data as a sharer would send it: decrypts, then the read refuses.
    const key = core.generateKey();
    const enc = await core.mlData.encrypt({ face }, key);
    const back = await core.mlData.decrypt(enc.encryptedData, enc.decryptionHeader, key);
    assert.throws(() => core.mlData.faceData(back), { code: 'BAD_INPUT' });
  }
  record(
    'mlData.faceData',
    'authentic ML data with a malformed face entry (7 kinds: lengths, types, missing keys)',
    { name: 'CoreError', code: 'BAD_INPUT' },
    'nothing of the entry is returned',
  );
  assert.throws(() => faceData({ face: 'yes' }), { code: 'BAD_INPUT' });
  assert.throws(() => faceData([]), { code: 'BAD_INPUT' });
});
