// npm start: the gallery server on PORT (default 8080) over DATA_DIR (default .gallery-data/).
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

const server = await startGalleryServer({
  port: number('PORT', DEFAULTS.port),
  host: env.HOST || DEFAULTS.host,
  dataDir: env.DATA_DIR || resolve(repo, DEFAULTS.dataDir),
  appDir: env.APP_DIR || resolve(repo, DEFAULTS.appDir),
  tokenTtlSeconds: number('TOKEN_TTL_SECONDS', DEFAULTS.tokenTtlSeconds),
  maxObjectBytes: number('MAX_OBJECT_BYTES', DEFAULTS.maxObjectBytes),
});
if (!server.appAvailable) {
  console.warn(
    `gallery server: the app is not built (${env.APP_DIR || DEFAULTS.appDir} missing); the API runs, pages answer 404`,
  );
}
console.log(`gallery server: ${server.url}/ (data in ${server.dataDir})`);
const stop = () => server.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
