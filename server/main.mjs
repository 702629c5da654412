// npm start: the gallery server on PORT (default 8080) over DATA_DIR (default .gallery-data/),
// or over PostgreSQL (DATABASE_URL) and an S3 bucket (S3_BUCKET and the S3_* settings): then it
// keeps no state of its own and several instances can run behind one load balancer
// (server/README.md). Logs one JSON line per request on stdout (LOG_REQUESTS=0: none).
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startGalleryServer } from './app.mjs';
import { DEFAULTS } from './config.mjs';

const repo = resolve(fileURLToPath(new URL('..', import.meta.url)));
const env = process.env;
const number = (name, fallback) => {
  if (env[name] === undefined || env[name] === '') return fallback;
  const value = Number(env[name]);
  if (!Number.isSafeInteger(value) || value < 0) {
    console.error(`${name} must be a non-negative integer`);
    process.exit(2);
  }
  return value;
};
const s3 = env.S3_BUCKET
  ? {
      bucket: env.S3_BUCKET,
      endpoint: env.S3_ENDPOINT || undefined,
      region: env.S3_REGION || 'us-east-1',
      accessKeyId: env.S3_ACCESS_KEY_ID,
      secretAccessKey: env.S3_SECRET_ACCESS_KEY,
      forcePathStyle: env.S3_FORCE_PATH_STYLE !== '0',
    }
  : undefined;

const server = await startGalleryServer({
  port: number('PORT', DEFAULTS.port),
  host: env.HOST || DEFAULTS.host,
  dataDir: env.DATA_DIR || resolve(repo, DEFAULTS.dataDir),
  appDir: env.APP_DIR || resolve(repo, DEFAULTS.appDir),
  databaseUrl: env.DATABASE_URL || undefined,
  s3,
  tokenTtlSeconds: number('TOKEN_TTL_SECONDS', DEFAULTS.tokenTtlSeconds),
  maxObjectBytes: number('MAX_OBJECT_BYTES', DEFAULTS.maxObjectBytes),
  quotaBytes: number('QUOTA_BYTES', DEFAULTS.quotaBytes),
  trustProxy: env.TRUST_PROXY === '1',
  log: env.LOG_REQUESTS === '0' ? undefined : (line) => process.stdout.write(line),
});
if (!server.appAvailable) {
  console.warn(
    `gallery server: the app is not built (${env.APP_DIR || DEFAULTS.appDir} missing); the API runs, pages answer 404`,
  );
}
const stores = `${env.DATABASE_URL ? 'PostgreSQL' : `SQLite in ${server.dataDir}`}, ${s3 ? `S3 bucket ${s3.bucket}` : 'blob folder'}`;
console.log(`gallery server: ${server.url}/ (${stores})`);
// SIGTERM/SIGINT: stop taking requests, let pieces in flight finish, then exit.
const stop = () => server.close({ graceMs: number('SHUTDOWN_GRACE_MS', DEFAULTS.shutdownGraceMs) }).then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
