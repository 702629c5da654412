// Where the time of one inference goes: runs a model in onnxruntime-web (Node, wasm backend) with
// ONNX Runtime's profiler on, and prints the time per operator type of the last run as JSON. The
// wasm build prints its profile to stdout, so mobileclip.bench.mjs runs this in a child process:
//   node ort-profile.mjs <model.onnx> <image|text> <threads> [gelu]
import { readFileSync } from 'node:fs';
import { benchInput } from './mobileclip-inputs.mjs';

const [file, kind, threads, gelu] = process.argv.slice(2);
const ort = await import('onnxruntime-web');
ort.env.wasm.numThreads = Number(threads);
const extra = gelu === 'gelu' ? { extra: { optimization: { enable_gelu_approximation: '1' } } } : {};
const session = await ort.InferenceSession.create(readFileSync(file), {
  executionProviders: ['wasm'],
  enableProfiling: true,
  ...extra,
});
const input = benchInput(ort, kind);
for (let i = 0; i < 3; i++) await session.run({ input });
session.endProfiling();
console.log('PROFILE-END');
process.exit(0);
