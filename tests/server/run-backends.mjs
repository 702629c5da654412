// The server suite's second pass: starts PostgreSQL and Ceph's RADOS Gateway once
// (backends.mjs), runs the suite's files that use the stores against them, stops both.
//   node tests/server/run-backends.mjs [files...]
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPostgres, startS3 } from './backends.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
// These never touch the run's store (the static server, headers in Chromium, SRP arithmetic, the
// bench library, which is seeded into SQLite whatever the back end).
const STORE_FREE = new Set(['static.test.mjs', 'browser-headers.test.mjs', 'srp.test.mjs', 'bench-library.test.mjs']);
// And the gallery itself end to end in Chromium: the same app on these stores, unchanged.
const GALLERY = join(here, '..', 'browser', 'gallery.test.mjs');
const files = process.argv.slice(2).length
  ? process.argv.slice(2)
  : [
      ...readdirSync(here)
        .filter((f) => f.endsWith('.test.mjs') && !STORE_FREE.has(f))
        .map((f) => join(here, f)),
      GALLERY,
    ];

const t0 = Date.now();
const [postgres, s3] = await Promise.all([startPostgres(), startS3()]);
console.log(`== PostgreSQL (port ${postgres.port}) and Ceph RADOS Gateway (${s3.endpoint}) up in ${Date.now() - t0} ms`);
let code = 1;
try {
  const child = spawn(process.execPath, ['--test', '--test-concurrency=1', ...files], {
    stdio: 'inherit',
    env: {
      ...process.env,
      GALLERY_TEST_BACKEND: 'postgres-s3',
      GALLERY_TEST_PG: postgres.adminUrl,
      GALLERY_TEST_PG_DATA: postgres.dataDir,
      GALLERY_TEST_S3: JSON.stringify({
        endpoint: s3.endpoint,
        accessKeyId: s3.accessKeyId,
        secretAccessKey: s3.secretAccessKey,
      }),
    },
  });
  code = await new Promise((ok) => child.on('exit', (c) => ok(c ?? 1)));
} finally {
  await Promise.all([postgres.stop(), s3.stop()]);
}
process.exit(code);
