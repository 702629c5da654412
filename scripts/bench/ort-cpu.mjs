// CPU time of single-threaded inferences, for mobileclip.bench.mjs: on a machine shared with other
// work the wall time of a run also counts the waits for a core, its CPU time does not. Runs one
// model in this process, one thread, with onnxruntime-web (wasm) or onnxruntime-node (native):
//   node ort-cpu.mjs <web|node> <model.onnx> <image|text> <runs> [gelu]
// prints JSON { cpu: [ms...], wall: [ms...] } after the warm-up runs: 6 for wasm, whose optimising
// compiler tiers the module up on background threads for the first few runs (their CPU time counts
// here), 2 for native.
import { readFileSync } from 'node:fs';
import { benchInput } from './mobileclip-inputs.mjs';

const [runtime, file, kind, runs, gelu] = process.argv.slice(2);
const ort = runtime === 'node' ? await import('onnxruntime-node') : await import('onnxruntime-web');
const options =
  runtime === 'node'
    ? { intraOpNumThreads: 1, interOpNumThreads: 1 }
    : {
        executionProviders: ['wasm'],
        ...(gelu === 'gelu' ? { extra: { optimization: { enable_gelu_approximation: '1' } } } : {}),
      };
if (runtime !== 'node') ort.env.wasm.numThreads = 1;
const session = await ort.InferenceSession.create(runtime === 'node' ? file : readFileSync(file), options);
const input = benchInput(ort, kind);
const cpu = [];
const wall = [];
const warmup = runtime === 'node' ? 2 : 6;
for (let i = 0; i < Number(runs) + warmup; i++) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await session.run({ input });
  const c = process.cpuUsage(c0);
  if (i >= warmup) {
    wall.push(performance.now() - t0);
    cpu.push((c.user + c.system) / 1000);
  }
}
console.log(JSON.stringify({ cpu, wall }));
process.exit(0);
