// One onnxruntime-web instance for mobileclip.bench.mjs (and faces.bench.mjs), in a Node worker_thread or a browser
// module worker (the same file; served by scripts/serve.mjs, which resolves the bare import).
// The wasm backend fixes its thread count when it starts, so each thread count gets its own worker.
//   { cmd: 'init', threads, wasmPaths? }                         -> { crossOriginIsolated, threads }
//   { cmd: 'load', key, source, options }  source: path (Node) or URL (browser) -> { ms, inputs }
//   { cmd: 'input', name, input: { type, data, dims } }          stored for later runs
//   { cmd: 'run', key, input: name, runs, reuse }                 -> { times, output } (the model's first input and output)
//   { cmd: 'release', key }
const isNode = typeof process !== 'undefined' && !!process.versions?.node;
let ort;
const sessions = new Map();
const inputs = new Map();

async function readModel(source) {
  if (isNode) {
    const { readFile } = await import('node:fs/promises');
    return new Uint8Array(await readFile(source));
  }
  const res = await fetch(source);
  if (!res.ok) throw new Error(`${source}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

async function handle(msg) {
  switch (msg.cmd) {
    case 'init': {
      ort = await import('onnxruntime-web');
      if (msg.wasmPaths) ort.env.wasm.wasmPaths = msg.wasmPaths;
      ort.env.wasm.numThreads = msg.threads;
      ort.env.wasm.simd = true;
      return { crossOriginIsolated: isNode || !!globalThis.crossOriginIsolated, threads: ort.env.wasm.numThreads };
    }
    case 'load': {
      const bytes = await readModel(msg.source);
      const t0 = performance.now();
      // executionProviders: with onnxruntime-node in the same process, onnxruntime-web would
      // otherwise run on the native binding without saying so.
      const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'], ...msg.options });
      sessions.set(msg.key, session);
      return { ms: performance.now() - t0 };
    }
    case 'input': {
      const { type, data, dims } = msg.input;
      inputs.set(msg.name, { type, dims, data: type === 'float32' ? Float32Array.from(data) : Int32Array.from(data) });
      return {};
    }
    case 'run': {
      const session = sessions.get(msg.key);
      const { type, data, dims } = inputs.get(msg.input);
      let tensor = new ort.Tensor(type, data, dims);
      const times = [];
      let out;
      for (let i = 0; i < msg.runs; i++) {
        const t0 = performance.now();
        if (!msg.reuse) tensor = new ort.Tensor(type, data.slice(), dims);
        const result = await session.run({ [session.inputNames[0]]: tensor });
        times.push(performance.now() - t0);
        out = result[session.outputNames[0]];
      }
      return { times, output: Array.from(out.data) };
    }
    case 'release': {
      await sessions.get(msg.key)?.release();
      sessions.delete(msg.key);
      return {};
    }
    default:
      throw new Error(`unknown command ${msg.cmd}`);
  }
}

function serve(post, listen) {
  listen(async ({ id, msg }) => {
    try {
      post({ id, ok: true, value: await handle(msg) });
    } catch (e) {
      post({ id, ok: false, error: String(e?.stack ?? e) });
    }
  });
}

if (isNode) {
  const { parentPort } = await import('node:worker_threads');
  serve(
    (m) => parentPort.postMessage(m),
    (f) => parentPort.on('message', f),
  );
} else {
  serve(
    (m) => self.postMessage(m),
    (f) => {
      self.onmessage = (e) => f(e.data);
    },
  );
}
