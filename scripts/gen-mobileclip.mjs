// Generates same-shape stand-ins for Ente's MobileCLIP-S2 models: the real architecture, random
// weights (no real weights can be had here). Their inference cost is the real models' cost, so
// they serve the bench and the tests; their embeddings mean nothing.
//
//   node scripts/gen-mobileclip.mjs [outDir] [--force]     (default build/models/mobileclip)
//
// Writes, plus manifest.json (bytes, parameters, generator hash):
//   mobileclip_s2_image.onnx       input float32 [1,3,256,256] -> output float32 [1,512]
//   mobileclip_s2_image_rgba.onnx  input uint8 [height,width,4] -> output float32 [512]
//                                  (Ente desktop's form: resize + crop + /255 inside the graph)
//   mobileclip_s2_image_int8.onnx  the float graph with its 1x1 convolutions dynamically
//                                  quantised (a speed knob for the wasm backend, not Ente's)
//   mobileclip_s2_image_int8_static.onnx  the same with static activation quantisation: each
//                                  1x1 convolution's input quantised with a fixed scale and zero
//                                  point calibrated on generated photos (QuantizeLinear instead of
//                                  DynamicQuantizeLinear: no min/max pass over every activation)
//   mobileclip_s2_text.onnx        input int32 [1,77] -> output float32 [1,512]
//   mobileclip_s2_text_int8.onnx   the same, dynamically quantised as Ente ships it
//   mobileclip_s2_text_int8_eot.onnx  the same graph rewritten so that its last layer computes
//                                  only the EOT position, the one the output is pooled from (keys
//                                  and values still from every token): the same function with 7%
//                                  fewer multiply-adds; a rewrite a deployer would run on Ente's file
// Cached: when manifest.json records this file's hash (and the onnx-proto version) and every file
// has its recorded size, nothing is regenerated. Weights are seeded per tensor name: every build
// writes byte-identical files.
//
// Why emit ONNX directly instead of exporting a PyTorch definition with Debian's python3-torch:
// that package is 1.13, whose exporter stops at opset 17 while Ente's models are opset 18 (Resize
// with keep_aspect_ratio_policy, Split with num_outputs, ReduceMean with axes as an input); it
// adds a large install to a fresh machine's set-up for no gain in fidelity, since the graph below
// uses the ops torch.onnx.export emits for these modules (Conv with the BatchNorms folded in,
// GELU as Div/Erf/Add/Mul/Mul, LayerNormalization, MatMul + Add for Linear) and leaves fusions to
// ONNX Runtime at session creation, as with an exported model. Generation costs about 8 s of CPU
// and writes ~650 MB.
//
// Architecture (apple/ml-mobileclip mobileclip/models/mci.py, configs/mobileclip_s2.json):
// image: MCi2 = FastViT, layers [4,12,24,4], widths [80,160,320,640], MLP ratio 3, token mixers
//   RepMixer x3 then attention (head_dim 32, 20 heads), RepCPE 7x7 before stage 4, SE in the
//   last two downsamplings; in its re-parameterised inference form (MobileOne and RepMixer
//   branches folded into single convolutions; the attention blocks keep their BatchNorm);
//   head conv_exp (3x3, 640 -> 1280, grouped, SE) then GlobalPool2D: mean + [1280,512] matrix.
// text: "base" transformer, 12 pre-norm layers, width 512, 8 heads, FFN 2048, GELU, no causal
//   mask (causal_masking false), learnt positions, final LayerNorm, the EOT token (argmax id)
//   projected by [512,512].
// int8: what onnxruntime's quantize_dynamic emits (IntegerOps, per tensor, int8 weights): every
//   MatMul becomes DynamicQuantizeLinear (uint8 activations) + MatMulInteger + Cast + Mul by the
//   product of the scales (both operands quantised dynamically where B is not a constant), and
//   the token embedding's Gather reads an int8 table followed by DequantizeLinear.
// int8 image (ours, a speed knob): the 1x1 convolutions as DynamicQuantizeLinear + ConvInteger
//   (uint8 weights with zero point 128: ORT's CPU ConvInteger takes uint8) + Cast + Mul + Add.
// Random weights are scaled as a trained network's would be, not as at initialisation: layer
//   scales 0.05..0.15 (not 1e-5), folded RepMixer/RepCPE kernels near identity, He-scaled convs,
//   so activations stay in range through all 44 blocks and quantisation is tested on real ranges.
// Only ops onnxruntime-web's wasm backend runs (opset 18, IR 8, like Ente's *_opset18 models).
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync, readFileSync, existsSync, statSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { onnx } = require('onnx-proto');
const T = onnx.TensorProto.DataType;
const A = onnx.AttributeProto.AttributeType;

export const FILES = {
  imageFloat: 'mobileclip_s2_image.onnx',
  imageRgba: 'mobileclip_s2_image_rgba.onnx',
  imageInt8: 'mobileclip_s2_image_int8.onnx',
  imageInt8Static: 'mobileclip_s2_image_int8_static.onnx',
  text: 'mobileclip_s2_text.onnx',
  textInt8: 'mobileclip_s2_text_int8.onnx',
  textInt8Eot: 'mobileclip_s2_text_int8_eot.onnx',
};
/** Parameter counts the stand-ins must reach (MobileCLIP paper, table of model sizes). */
export const TARGET_PARAMS = { image: 35.7e6, text: 63.4e6 };

// ---- deterministic random weights
function seedOf(name) {
  let h = 0x811c9dc5; // FNV-1a
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
/** n normals (mean 0, given std) from a xorshift32 stream seeded by the tensor's name. */
export function randn(name, n, std = 1, mean = 0) {
  let s = seedOf(name) || 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    const u1 = ((s >>> 0) + 1) / 4294967297;
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    const u2 = (s >>> 0) / 4294967296;
    const r = Math.sqrt(-2 * Math.log(u1)) * std;
    out[i] = mean + r * Math.cos(2 * Math.PI * u2);
    if (i + 1 < n) out[i + 1] = mean + r * Math.sin(2 * Math.PI * u2);
  }
  return out;
}
function uniform(name, n, lo, hi) {
  let s = seedOf(name) || 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = lo + ((s >>> 0) / 4294967296) * (hi - lo);
  }
  return out;
}

// ---- graph builder
const dim = (d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d });
export const valueInfo = (name, elemType, shape) => ({
  name,
  type: { tensorType: { elemType, shape: { dim: shape.map(dim) } } },
});
function attr(name, v) {
  if (typeof v === 'string') return { name, type: A.STRING, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: A.INTS, ints: v };
  if (Number.isInteger(v) && !Object.is(v, -0)) return { name, type: A.INT, i: v };
  return { name, type: A.FLOAT, f: v };
}
const ELEM = {
  [T.FLOAT]: Float32Array,
  [T.INT64]: BigInt64Array,
  [T.INT8]: Int8Array,
  [T.UINT8]: Uint8Array,
  [T.INT32]: Int32Array,
};

/** An ONNX graph under construction (also used by gen-face-models.mjs). */
export class Graph {
  constructor() {
    this.nodes = [];
    this.inits = [];
    this.names = new Set();
    this.consts = new Map();
    this.n = 0;
  }
  /** A fresh value name. */
  v(hint) {
    return `${hint}_${this.n++}`;
  }
  init(name, dataType, dims, typed) {
    if (this.names.has(name)) throw new Error(`initializer ${name} twice`);
    this.names.add(name);
    this.inits.push({ name, dataType, dims, rawData: new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength) });
    return name;
  }
  /** A named float weight: normals(std) or given data. */
  w(name, dims, std, mean = 0) {
    const n = dims.reduce((a, b) => a * b, 1);
    return this.init(name, T.FLOAT, dims, randn(name, n, std, mean));
  }
  f(name, dims, data) {
    return this.init(name, T.FLOAT, dims, data);
  }
  /** Shared small constants (scalars and shape vectors). */
  c(dataType, values, dims = [values.length]) {
    const key = `${dataType}:${dims}:${values}`;
    if (!this.consts.has(key)) {
      const Ctor = ELEM[dataType];
      const typed = dataType === T.INT64 ? BigInt64Array.from(values.map(BigInt)) : Ctor.from(values);
      this.consts.set(key, this.init(`const_${this.consts.size}`, dataType, dims, typed));
    }
    return this.consts.get(key);
  }
  i64(...values) {
    return this.c(T.INT64, values);
  }
  scalar(x) {
    return this.c(T.FLOAT, [x], []);
  }
  op(opType, inputs, attrs = {}, nOut = 1) {
    const outputs = Array.from({ length: nOut }, () => this.v(opType));
    this.nodes.push({
      opType,
      input: inputs,
      output: outputs,
      name: outputs[0],
      attribute: Object.entries(attrs).map(([k, v]) => attr(k, v)),
    });
    return nOut === 1 ? outputs[0] : outputs;
  }
  /** Renames the last node's output (graph outputs get fixed names). */
  name(value, as) {
    for (const node of this.nodes) {
      node.output = node.output.map((o) => (o === value ? as : o));
      node.input = node.input.map((i) => (i === value ? as : i));
    }
    return as;
  }
  model(name, inputs, outputs, producerName = 'cipherlens gen-mobileclip') {
    const m = onnx.ModelProto.create({
      irVersion: 8,
      producerName,
      opsetImport: [{ domain: '', version: 18 }],
      graph: { name, node: this.nodes, initializer: this.inits, input: inputs, output: outputs },
    });
    return onnx.ModelProto.encode(m).finish();
  }
  /** Parameters: elements of every float or 8-bit initializer of rank >= 1 (int64 ones are shapes,
   *  scalars are constants such as GELU's or quantisation scales and zero points). */
  params() {
    let n = 0;
    for (const t of this.inits) {
      if (t.dataType === T.INT64 || t.dims.length === 0) continue;
      n += t.dims.reduce((a, b) => a * b, 1);
    }
    return n;
  }
}

// ---- shared pieces
/** GELU as torch.onnx.export writes it (exact erf form); ORT fuses it into one Gelu kernel. */
function gelu(g, x) {
  const e = g.op('Erf', [g.op('Div', [x, g.scalar(Math.SQRT2)])]);
  return g.op('Mul', [g.op('Mul', [x, g.op('Add', [e, g.scalar(1)])]), g.scalar(0.5)]);
}

function conv(g, x, name, { cin, cout, k, stride = 1, groups = 1, pad = k >> 1, gain = 2, weight }) {
  const fanIn = (cin / groups) * k * k;
  const W = weight ?? g.w(`${name}.weight`, [cout, cin / groups, k, k], Math.sqrt(gain / fanIn));
  const B = g.w(`${name}.bias`, [cout], 0.02);
  const attrs = { group: groups, kernel_shape: [k, k], pads: [pad, pad, pad, pad], strides: [stride, stride] };
  if (g.quantConv && k === 1 && groups === 1 && !weight) return convInteger(g, x, name, W, B, cout, attrs);
  if (k === 1 && groups === 1 && !weight) g.pointwiseInputs?.set(name, x);
  return g.op('Conv', [x, W, B], attrs);
}

/**
 * quantize_dynamic's form of a Conv (here only the 1x1 ones, ~97% of MCi2's multiply-adds):
 * DynamicQuantizeLinear (uint8) + ConvInteger with a uint8 weight (ORT's CPU ConvInteger takes
 * uint8 weights) + Cast + Mul by the scales + Add bias.
 */
function convInteger(g, x, name, W, B, cout, attrs) {
  const t = g.inits.find((i) => i.name === W);
  g.inits.splice(g.inits.indexOf(t), 1);
  g.names.delete(W);
  const w = new Float32Array(t.rawData.buffer.slice(t.rawData.byteOffset, t.rawData.byteOffset + t.rawData.byteLength));
  let max = 0;
  for (const v of w) max = Math.max(max, Math.abs(v));
  const scale = max / 127;
  const wq = new Uint8Array(w.length);
  for (let i = 0; i < w.length; i++) wq[i] = 128 + Math.max(-127, Math.min(127, Math.round(w[i] / scale)));
  const Wq = g.init(`${name}.weight_quantized`, T.UINT8, t.dims, wq);
  const S = g.f(`${name}.weight_scale`, [], Float32Array.of(scale));
  const Z = g.init(`${name}.weight_zero_point`, T.UINT8, [], Uint8Array.of(128));
  const [xq, xs, xz] = g.ranges ? staticQuantize(g, x, name) : g.op('DynamicQuantizeLinear', [x], {}, 3);
  const y = g.op('Cast', [g.op('ConvInteger', [xq, Wq, xz, Z], attrs)], { to: T.FLOAT });
  const bias = g.op('Reshape', [B, g.i64(1, cout, 1, 1)]);
  return g.op('Add', [g.op('Mul', [y, g.op('Mul', [xs, S])]), bias]);
}

/**
 * Static activation quantisation: uint8 with the scale and zero point calibrated for this
 * convolution's input (calibrate() below), widened by ACTIVATION_MARGIN for photos unlike the
 * calibration set (values beyond the range saturate).
 */
const ACTIVATION_MARGIN = 1.25;
function staticQuantize(g, x, name) {
  const range = g.ranges.get(name);
  if (!range) throw new Error(`no calibration range for ${name}`);
  const lo = Math.min(0, range[0]) * ACTIVATION_MARGIN;
  const hi = Math.max(0, range[1]) * ACTIVATION_MARGIN;
  const scale = (hi - lo) / 255 || 1;
  const zp = Math.max(0, Math.min(255, Math.round(-lo / scale)));
  const S = g.f(`${name}.input_scale`, [], Float32Array.of(scale));
  const Z = g.init(`${name}.input_zero_point`, T.UINT8, [], Uint8Array.of(zp));
  return [g.op('QuantizeLinear', [x, S, Z]), S, Z];
}

/** A folded depthwise conv close to identity (RepMixer and RepCPE fold x + f(x) into one kernel). */
function identityDw(g, name, c, k) {
  const w = randn(`${name}.weight`, c * k * k, 0.05);
  const centre = (k * k) >> 1;
  for (let ch = 0; ch < c; ch++) w[ch * k * k + centre] += 1;
  return g.f(`${name}.weight`, [c, 1, k, k], w);
}

// ---- MCi2 image encoder
const MCI2 = {
  layers: [4, 12, 24, 4],
  dims: [80, 160, 320, 640],
  mlpRatio: 3,
  seDown: [false, false, true, true],
  headDim: 32,
  clsRatio: 2,
};
const EMBED = 512;

const layerScale = (g, name, c) => g.f(name, [c, 1, 1], uniform(name, c, 0.05, 0.15));

/** mobileone.SEBlock: avg pool, 1x1 reduce (c/16), ReLU, 1x1 expand, sigmoid, scale. */
function seBlock(g, x, name, c) {
  const rd = Math.floor(c * 0.0625);
  let s = g.op('GlobalAveragePool', [x]);
  s = g.op('Relu', [conv(g, s, `${name}.reduce`, { cin: c, cout: rd, k: 1 })]);
  s = g.op('Sigmoid', [conv(g, s, `${name}.expand`, { cin: rd, cout: c, k: 1, gain: 1 })]);
  return g.op('Mul', [x, s]);
}

/** timm SqueezeExcite(rd_ratio 0.25), used by ReparamLargeKernelConv. */
function timmSe(g, x, name, c) {
  const rd = Math.max(8, Math.floor(c * 0.25 + 4) - (Math.floor(c * 0.25 + 4) % 8));
  let s = g.op('ReduceMean', [x, g.i64(2, 3)], { keepdims: 1 });
  s = g.op('Relu', [conv(g, s, `${name}.fc1`, { cin: c, cout: rd, k: 1 })]);
  s = g.op('Sigmoid', [conv(g, s, `${name}.fc2`, { cin: rd, cout: c, k: 1, gain: 1 })]);
  return g.op('Mul', [x, s]);
}

/** Re-parameterised MobileOneBlock: conv (+ SE) + GELU. */
function mobileOne(g, x, name, opts, useSe = false) {
  let y = conv(g, x, `${name}.reparam_conv`, opts);
  if (useSe) y = seBlock(g, y, `${name}.se`, opts.cout);
  return gelu(g, y);
}

/** ConvFFN: depthwise 7x7 (its BatchNorm folded), 1x1 expand, GELU, 1x1 project. */
function convFfn(g, x, name, c, ratio) {
  let y = conv(g, x, `${name}.conv`, { cin: c, cout: c, k: 7, groups: c, gain: 1 });
  y = gelu(g, conv(g, y, `${name}.fc1`, { cin: c, cout: c * ratio, k: 1 }));
  return conv(g, y, `${name}.fc2`, { cin: c * ratio, cout: c, k: 1, gain: 1 });
}

function repMixerBlock(g, x, name, c, ratio) {
  // token mixer: x + ls * (mixer(x) - norm(x)), folded into one depthwise 3x3 conv
  x = conv(g, x, `${name}.token_mixer.reparam_conv`, {
    cin: c,
    cout: c,
    k: 3,
    groups: c,
    weight: identityDw(g, `${name}.token_mixer.reparam_conv`, c, 3),
  });
  const y = convFfn(g, x, `${name}.convffn`, c, ratio);
  return g.op('Add', [x, g.op('Mul', [layerScale(g, `${name}.layer_scale`, c), y])]);
}

/** MHSA on a [1,C,H,W] map: tokens = H*W, qkv without bias, proj with bias. */
function mhsa(g, x, name, c, hw) {
  const heads = c / MCI2.headDim;
  const n = hw * hw;
  const t = g.op('Transpose', [g.op('Reshape', [x, g.i64(1, c, n)])], { perm: [0, 2, 1] }); // [1,N,C]
  const qkv = g.op('MatMul', [t, g.w(`${name}.qkv.weight`, [c, 3 * c], Math.sqrt(1 / c))]);
  const r = g.op('Transpose', [g.op('Reshape', [qkv, g.i64(1, n, 3, heads, MCI2.headDim)])], { perm: [2, 0, 3, 1, 4] });
  const [q, k, v] = g.op('Split', [r], { axis: 0, num_outputs: 3 }, 3).map((p) => g.op('Squeeze', [p, g.i64(0)]));
  const qs = g.op('Mul', [q, g.scalar(MCI2.headDim ** -0.5)]);
  const attn = g.op('Softmax', [g.op('MatMul', [qs, g.op('Transpose', [k], { perm: [0, 1, 3, 2] })])], { axis: -1 });
  let o = g.op('Transpose', [g.op('MatMul', [attn, v])], { perm: [0, 2, 1, 3] }); // [1,N,h,d]
  o = g.op('Reshape', [o, g.i64(1, n, c)]);
  o = g.op('Add', [
    g.op('MatMul', [o, g.w(`${name}.proj.weight`, [c, c], Math.sqrt(1 / c))]),
    g.w(`${name}.proj.bias`, [c], 0.02),
  ]);
  return g.op('Reshape', [g.op('Transpose', [o], { perm: [0, 2, 1] }), g.i64(1, c, hw, hw)]);
}

function attentionBlock(g, x, name, c, ratio, hw) {
  const bn = g.op(
    'BatchNormalization',
    [
      x,
      g.w(`${name}.norm.weight`, [c], 0.1, 1),
      g.w(`${name}.norm.bias`, [c], 0.1),
      g.w(`${name}.norm.running_mean`, [c], 0.1),
      g.f(`${name}.norm.running_var`, [c], uniform(`${name}.norm.running_var`, c, 0.8, 1.5)),
    ],
    { epsilon: 1e-5 },
  );
  x = g.op('Add', [x, g.op('Mul', [layerScale(g, `${name}.layer_scale_1`, c), mhsa(g, bn, `${name}.token_mixer`, c, hw)])]);
  return g.op('Add', [x, g.op('Mul', [layerScale(g, `${name}.layer_scale_2`, c), convFfn(g, x, `${name}.convffn`, c, ratio)])]);
}

/** FastViT PatchEmbed: ReparamLargeKernelConv (7x7/2, groups = cin, SE, GELU) + 1x1 MobileOneBlock. */
function patchEmbed(g, x, name, cin, cout, useSe) {
  let y = conv(g, x, `${name}.proj.0.lkb_reparam`, { cin, cout, k: 7, stride: 2, groups: cin });
  if (useSe) y = timmSe(g, y, `${name}.proj.0.se`, cout);
  y = gelu(g, y);
  return mobileOne(g, y, `${name}.proj.1`, { cin: cout, cout, k: 1 });
}

/** The MCi2 network on a float [1,3,256,256] value; returns the [1,512] embedding value. */
function mci2(g, x) {
  const { layers, dims, mlpRatio, seDown } = MCI2;
  const d0 = dims[0];
  x = mobileOne(g, x, 'patch_embed.0', { cin: 3, cout: d0, k: 3, stride: 2 });
  x = mobileOne(g, x, 'patch_embed.1', { cin: d0, cout: d0, k: 3, stride: 2, groups: d0 });
  x = mobileOne(g, x, 'patch_embed.2', { cin: d0, cout: d0, k: 1 });
  let hw = 64;
  let net = 0;
  for (let i = 0; i < layers.length; i++) {
    const c = dims[i];
    if (i === 3) {
      // RepCPE: x + pe(x) folded into a depthwise 7x7 conv
      x = conv(g, x, `network.${net}.reparam_conv`, {
        cin: c,
        cout: c,
        k: 7,
        groups: c,
        weight: identityDw(g, `network.${net}.reparam_conv`, c, 7),
      });
      net++;
    }
    for (let b = 0; b < layers[i]; b++) {
      const name = `network.${net}.${b}`;
      x = i < 3 ? repMixerBlock(g, x, name, c, mlpRatio) : attentionBlock(g, x, name, c, mlpRatio, hw);
    }
    net++;
    if (i < layers.length - 1) {
      x = patchEmbed(g, x, `network.${net}`, c, dims[i + 1], seDown[i + 1]);
      net++;
      hw /= 2;
    }
  }
  const cExp = dims[3] * MCI2.clsRatio;
  x = mobileOne(g, x, 'conv_exp', { cin: dims[3], cout: cExp, k: 3, groups: dims[3] }, true);
  const pooled = g.op('ReduceMean', [x, g.i64(2, 3)], { keepdims: 0 }); // [1,1280]
  return g.op('MatMul', [pooled, g.w('head.proj', [cExp, EMBED], cExp ** -0.5)]);
}

function imageFloatModel(quantConv = false, ranges = undefined, watch = false) {
  const g = new Graph();
  g.quantConv = quantConv;
  g.ranges = ranges;
  if (watch) g.pointwiseInputs = new Map();
  const out = g.name(mci2(g, 'input'), 'output');
  const outputs = [valueInfo(out, T.FLOAT, [1, EMBED])];
  // Calibration: every 1x1 convolution's input as an extra output.
  for (const x of g.pointwiseInputs?.values() ?? []) outputs.push({ name: x, type: { tensorType: { elemType: T.FLOAT } } });
  return {
    bytes: g.model('mci2_standin', [valueInfo('input', T.FLOAT, [1, 3, 256, 256])], outputs),
    params: g.params(),
    pointwiseInputs: g.pointwiseInputs,
  };
}

/** Calibration photos: smooth colour fields, edges, a disc and grain, deterministic and varied
 *  (none of them is one the tests or benches feed). */
function calibrationImages(count = 8, side = 256) {
  const images = [];
  for (let k = 0; k < count; k++) {
    const r = uniform(`calibration.${k}`, 16, 0, 1);
    const grain = randn(`calibration.${k}.grain`, side * side, 0.04);
    const chw = new Float32Array(3 * side * side);
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) {
        const i = y * side + x;
        const disc = (x - side * r[0]) ** 2 + (y - side * r[1]) ** 2 < (side * (0.1 + 0.3 * r[2])) ** 2;
        for (let c = 0; c < 3; c++) {
          const wave = Math.sin(x / (3 + 30 * r[3 + c]) + 6 * r[6 + c]) * Math.cos(y / (3 + 30 * r[9 + c]));
          const base = disc ? r[12 + c] : 0.5 + 0.35 * wave + (x > side * r[15] ? 0.1 : -0.1);
          chw[c * side * side + i] = Math.min(1, Math.max(0, base + grain[i]));
        }
      }
    }
    images.push(chw);
  }
  return images;
}

/** Input ranges of the 1x1 convolutions over the calibration photos, run in onnxruntime-web. */
async function calibrate() {
  const { bytes, pointwiseInputs } = imageFloatModel(false, undefined, true);
  const ort = await import('onnxruntime-web');
  ort.env.wasm.numThreads = 1;
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  const ranges = new Map();
  try {
    for (const chw of calibrationImages()) {
      const out = await session.run({ input: new ort.Tensor('float32', chw, [1, 3, 256, 256]) });
      for (const [name, value] of pointwiseInputs) {
        const d = out[value].data;
        let lo = Infinity,
          hi = -Infinity;
        for (let i = 0; i < d.length; i++) {
          if (d[i] < lo) lo = d[i];
          if (d[i] > hi) hi = d[i];
        }
        const seen = ranges.get(name) ?? [Infinity, -Infinity];
        ranges.set(name, [Math.min(seen[0], lo), Math.max(seen[1], hi)]);
      }
    }
  } finally {
    await session.release();
  }
  return ranges;
}

/**
 * Ente desktop's form: uint8 RGBA [H,W,4] in; RGB, CHW, shorter side resized to 256 (linear,
 * antialiased, in uint8 as Pillow does), centre 256x256 crop, /255 (MobileCLIP takes [0,1]
 * without mean/std), then MCi2; output [512].
 */
function imageRgbaModel() {
  const g = new Graph();
  let x = g.op('Slice', ['input', g.i64(0), g.i64(3), g.i64(2)]); // [H,W,3]
  x = g.op('Unsqueeze', [g.op('Transpose', [x], { perm: [2, 0, 1] }), g.i64(0)]); // [1,3,H,W]
  x = g.op('Resize', [x, '', '', g.i64(256, 256)], {
    axes: [2, 3],
    mode: 'linear',
    antialias: 1,
    keep_aspect_ratio_policy: 'not_smaller',
  });
  const hw = g.op('Slice', [g.op('Shape', [x]), g.i64(2), g.i64(4)]);
  const start = g.op('Div', [g.op('Sub', [hw, g.i64(256)]), g.i64(2)]);
  x = g.op('Slice', [x, start, g.op('Add', [start, g.i64(256)]), g.i64(2, 3)]);
  x = g.op('Mul', [g.op('Cast', [x], { to: T.FLOAT }), g.scalar(1 / 255)]);
  const emb = g.op('Reshape', [mci2(g, x), g.i64(EMBED)]);
  const out = g.name(emb, 'output');
  return {
    bytes: g.model(
      'mci2_rgba_standin',
      [valueInfo('input', T.UINT8, ['height', 'width', 4])],
      [valueInfo(out, T.FLOAT, [EMBED])],
    ),
    params: g.params(),
  };
}

// ---- text encoder
const TEXT = { vocab: 49408, context: 77, width: 512, heads: 8, layers: 12, ffn: 2048 };

/** MatMul by a constant [k,n] weight, or its dynamic int8 form. */
function linear(g, x, name, k, n, q, bias = true) {
  const w = randn(`${name}.weight`, k * n, Math.sqrt(1 / k));
  let y;
  if (!q) {
    y = g.op('MatMul', [x, g.f(`${name}.weight`, [k, n], w)]);
  } else {
    // per-tensor symmetric int8 weight, zero point 0
    let max = 0;
    for (const v of w) max = Math.max(max, Math.abs(v));
    const scale = max / 127;
    const wq = new Int8Array(w.length);
    for (let i = 0; i < w.length; i++) wq[i] = Math.max(-127, Math.min(127, Math.round(w[i] / scale)));
    const W = g.init(`${name}.weight_quantized`, T.INT8, [k, n], wq);
    const S = g.f(`${name}.weight_scale`, [], Float32Array.of(scale));
    const Z = g.init(`${name}.weight_zero_point`, T.INT8, [], Int8Array.of(0));
    y = qmatmul(g, x, [W, S, Z]);
  }
  return bias ? g.op('Add', [y, g.w(`${name}.bias`, [n], 0.02)]) : y;
}

/** quantize_dynamic's MatMulInteger pattern; b is a value (quantised dynamically) or [q, scale, zp]. */
function qmatmul(g, a, b) {
  const [aq, as, az] = g.op('DynamicQuantizeLinear', [a], {}, 3);
  const [bq, bs, bz] = Array.isArray(b) ? b : g.op('DynamicQuantizeLinear', [b], {}, 3);
  const y = g.op('Cast', [g.op('MatMulInteger', [aq, bq, az, bz])], { to: T.FLOAT });
  return g.op('Mul', [y, g.op('Mul', [as, bs])]);
}

function layerNorm(g, x, name) {
  const c = TEXT.width;
  return g.op('LayerNormalization', [x, g.w(`${name}.weight`, [c], 0.1, 1), g.w(`${name}.bias`, [c], 0.02)], {
    axis: -1,
    epsilon: 1e-5,
  });
}

function textModel(q, eotLast = false) {
  const { vocab, context: L, width: C, heads, layers, ffn } = TEXT;
  const hd = C / heads;
  const g = new Graph();
  const mm = (a, b) => (q ? qmatmul(g, a, b) : g.op('MatMul', [a, b]));

  // token embedding (int8 table + DequantizeLinear in the quantised graph) + learnt positions
  const table = randn('embedding_layer.weight', vocab * C, 0.02);
  let emb;
  if (!q) {
    emb = g.op('Gather', [g.f('embedding_layer.weight', [vocab, C], table), 'input'], { axis: 0 });
  } else {
    let max = 0;
    for (const v of table) max = Math.max(max, Math.abs(v));
    const scale = max / 127;
    const tq = new Int8Array(table.length);
    for (let i = 0; i < table.length; i++) tq[i] = Math.round(table[i] / scale);
    const gq = g.op('Gather', [g.init('embedding_layer.weight_quantized', T.INT8, [vocab, C], tq), 'input'], { axis: 0 });
    emb = g.op('DequantizeLinear', [
      gq,
      g.f('embedding_layer.weight_scale', [], Float32Array.of(scale)),
      g.init('embedding_layer.weight_zero_point', T.INT8, [], Int8Array.of(0)),
    ]);
  }
  let x = g.op('Add', [emb, g.w('positional_embedding.pos_embed', [1, L, C], C ** -0.5)]);
  // the EOT token's position: its id is the largest in the sequence
  const eot = g.op('ArgMax', ['input'], { axis: 1, keepdims: 0 }); // int64 [1]

  for (let l = 0; l < layers; l++) {
    const p = `transformer.${l}`;
    // In the EOT rewrite the last layer's queries, and everything after attention, are the EOT
    // position's alone: the only row the output reads.
    const only = eotLast && l === layers - 1;
    const rows = only ? 1 : L;
    // pre-norm multi-head attention
    const h = layerNorm(g, x, `${p}.pre_norm_mha.0`);
    const qkv = linear(g, h, `${p}.pre_norm_mha.1.qkv_proj`, C, 3 * C, q);
    const r = g.op('Transpose', [g.op('Reshape', [qkv, g.i64(1, L, 3, heads, hd)])], { perm: [2, 0, 3, 1, 4] });
    let [qh, kh, vh] = g.op('Split', [r], { axis: 0, num_outputs: 3 }, 3).map((s) => g.op('Squeeze', [s, g.i64(0)]));
    if (only) qh = g.op('Gather', [qh, eot], { axis: 2 }); // [1,h,1,d]
    const scores = mm(g.op('Mul', [qh, g.scalar(hd ** -0.5)]), g.op('Transpose', [kh], { perm: [0, 1, 3, 2] }));
    let o = mm(g.op('Softmax', [scores], { axis: -1 }), vh); // [1,h,rows,d]
    o = g.op('Reshape', [g.op('Transpose', [o], { perm: [0, 2, 1, 3] }), g.i64(1, rows, C)]);
    if (only) x = g.op('Gather', [x, eot], { axis: 1 }); // [1,1,C]
    x = g.op('Add', [x, linear(g, o, `${p}.pre_norm_mha.1.out_proj`, C, C, q)]);
    // pre-norm FFN
    let f = layerNorm(g, x, `${p}.pre_norm_ffn.0`);
    f = gelu(g, linear(g, f, `${p}.pre_norm_ffn.1`, C, ffn, q));
    x = g.op('Add', [x, linear(g, f, `${p}.pre_norm_ffn.4`, ffn, C, q)]);
  }
  x = layerNorm(g, x, 'final_layer_norm');
  // the EOT token's features (already alone in the EOT rewrite)
  const pooled = g.op('Reshape', [eotLast ? x : g.op('Gather', [x, eot], { axis: 1 }), g.i64(1, C)]);
  const emb512 = linear(g, pooled, 'projection_layer', C, EMBED, q, false);
  const out = g.name(emb512, 'output');
  return {
    bytes: g.model(
      q ? 'mobileclip_text_int8_standin' : 'mobileclip_text_standin',
      [valueInfo('input', T.INT32, [1, L])],
      [valueInfo(out, T.FLOAT, [1, EMBED])],
    ),
    params: g.params(),
  };
}

// ---- main: cached by the generator's own hash
function generatorHash() {
  const self = readFileSync(fileURLToPath(import.meta.url));
  const protoVersion = require('onnx-proto/package.json').version;
  return createHash('sha256').update(self).update(`onnx-proto ${protoVersion}`).digest('hex');
}

/**
 * Writes each model (`builders`: file name -> () => { bytes, params }, built one at a time) and a
 * manifest.json (the generator's hash, `extra`, each file's bytes, parameters and SHA-256) into
 * outDir, unless the manifest already records `hash` and every file has its recorded size. Also
 * used by gen-face-models.mjs.
 */
export async function writeModels({ outDir, hash, label, builders, extra = {}, force = false }) {
  const manifestPath = join(outDir, 'manifest.json');
  if (!force && existsSync(manifestPath)) {
    try {
      const m = JSON.parse(readFileSync(manifestPath, 'utf8'));
      const fresh =
        m.generator === hash &&
        Object.keys(builders).every(
          (f) => m.models[f] && existsSync(join(outDir, f)) && statSync(join(outDir, f)).size === m.models[f].bytes,
        );
      if (fresh) {
        console.log(`${label}: cached in ${outDir} (generator ${hash.slice(0, 12)})`);
        return m;
      }
    } catch {
      /* regenerate */
    }
  }
  mkdirSync(outDir, { recursive: true });
  const t0 = performance.now();
  const manifest = { generator: hash, ...extra, models: {} };
  for (const [file, build] of Object.entries(builders)) {
    const { bytes, params } = await build(); // one model in memory at a time
    const tmp = join(outDir, `${file}.tmp`);
    writeFileSync(tmp, bytes);
    renameSync(tmp, join(outDir, file));
    manifest.models[file] = { bytes: bytes.length, params, sha256: createHash('sha256').update(bytes).digest('hex') };
  }
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  const list = Object.entries(manifest.models).map(
    ([n, m]) => `${n} ${(m.bytes / 1e6).toFixed(1)} MB ${(m.params / 1e6).toFixed(2)}M params`,
  );
  console.log(`${label}: ${list.join(', ')} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return manifest;
}

export async function main(argv = process.argv.slice(2)) {
  return await writeModels({
    outDir: argv.find((a) => !a.startsWith('--')) ?? 'build/models/mobileclip',
    hash: generatorHash(),
    label: 'mobileclip stand-ins',
    force: argv.includes('--force'),
    extra: { targets: TARGET_PARAMS },
    builders: {
      [FILES.imageFloat]: imageFloatModel,
      [FILES.imageRgba]: imageRgbaModel,
      [FILES.imageInt8]: () => imageFloatModel(true),
      [FILES.imageInt8Static]: async () => imageFloatModel(true, await calibrate()),
      [FILES.text]: () => textModel(false),
      [FILES.textInt8]: () => textModel(true),
      [FILES.textInt8Eot]: () => textModel(true, true),
    },
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
