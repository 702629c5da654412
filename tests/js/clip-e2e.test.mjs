// End to end on the real core: C++ tokenizer (core.clip.tokenize), C++ preprocessing
// (core.clip.preprocess), onnxruntime-web on the generated colour models, the C++ embedding index
// and its encrypted save/load: query('red') ranks the red images first.
import { test, before, after } from 'node:test';
import { createSearch } from '../../js/dist/index.js';
import { core, randomBytes } from './helpers.mjs';
import { runColourScenario, startModelServer } from './clip-helpers.mjs';

let server;
before(async () => {
  server = await startModelServer();
});
after(() => server.close());

test('real core, RGBA image model: query("red") ranks the reds first', async () => {
  await runColourScenario(core, createSearch, 'test_image_rgba.onnx', server, randomBytes(32));
});

test('real core, float image model through C++ preprocessing: query("red") ranks the reds first', async () => {
  await runColourScenario(core, createSearch, 'test_image_float.onnx', server, randomBytes(32));
});
