// Model start-up cost with real-model sizes (no real weights here: random bytes of the same length).
// Every load verifies size + SHA-256 (WebCrypto), also on a cache hit; this measures what that costs
// against node:crypto hashing and a bare file read in the same run. Inference timing of the generated
// test models would say nothing about MobileCLIP, so it is not measured.
import { loadModelBytes, ENTE_CLIP_MODELS } from '../../js/dist/index.js';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rounds, speedup, table, fmt } from './harness.mjs';

const MB = 1e6;
const ROUNDS = 5;
const dir = mkdtempSync(join(tmpdir(), 'cipherlens-bench-models-'));
const rows = [];
try {
  for (const m of [ENTE_CLIP_MODELS.text, ENTE_CLIP_MODELS.imageRgba]) {
    const bytes = new Uint8Array(m.size);
    for (let i = 0; i < bytes.length; i += 65536) crypto.getRandomValues(bytes.subarray(i, i + 65536));
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    // A cache directory as loadModelBytes leaves it: the file and its recorded hash.
    writeFileSync(join(dir, m.name), bytes);
    writeFileSync(join(dir, `${m.name}.sha256`), `${sha256}\n`);
    const file = { name: m.name, size: m.size, sha256 };

    const t = await rounds(
      {
        verify: () => loadModelBytes({ bytes, size: m.size, sha256 }),
        nodeHash: () => createHash('sha256').update(bytes).digest('hex'),
        cacheHit: () => loadModelBytes(file, { cache: { dir } }),
        bareRead: () => readFile(join(dir, m.name)),
      },
      { rounds: ROUNDS },
    );
    const ms = (name) => fmt(t.median[name] * 1000, 0);
    rows.push([
      m.name,
      fmt(m.size / MB),
      ms('verify'),
      ms('nodeHash'),
      fmt(speedup(t, 'nodeHash', 'verify'), 2),
      ms('cacheHit'),
      ms('bareRead'),
      fmt(speedup(t, 'bareRead', 'cacheHit'), 2),
    ]);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

console.log('## CLIP model loading: verification and cache hits (Node)');
console.log();
console.log(
  table(
    [
      'model (random bytes, real size)',
      'MB',
      'verify ms (WebCrypto)',
      'node:crypto sha256 ms',
      'ratio',
      'cache hit ms (read+verify)',
      'bare read ms',
      'ratio',
    ],
    rows,
  ),
);
console.log();
console.log('Verification runs on every load, cache hits included; the ratio columns show its cost next to');
console.log(`hashing with node:crypto and next to reading the file without any check. Medians of ${ROUNDS} rounds, the`);
console.log(
  'four once each per round in rotating order after one warm-up call each; ratios are medians of the per-round ratios.',
);
