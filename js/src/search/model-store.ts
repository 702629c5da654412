import { ModelError } from './model-error.js';
import { importNode, isNode } from '../runtime/env.js';

/** Where Ente serves its models: `https://models.ente.com/<name>`. Unreachable from some networks;
 *  point `baseUrl` at your own copy. */
export const ENTE_MODEL_BASE_URL = 'https://models.ente.com/';

/** A model file: its bytes, or a name (resolved against the base URL) or URL to fetch it from. */
export interface ModelFile {
  /** File name, e.g. `mobileclip_s2_text_opset18_quant.onnx`; also the cache key. */
  name?: string;
  /** URL (relative: to the page, or in Node to the working directory, so a file path works);
   *  default `baseUrl + name`. */
  url?: string | URL;
  /** The model itself (nothing is fetched or cached, but size/sha256 are still checked). */
  bytes?: Uint8Array | ArrayBuffer;
  /** Expected length in bytes. */
  size?: number;
  /** Expected SHA-256, hex. Without it a cached copy is checked against the hash recorded when it
   *  was downloaded (trust on first use). */
  sha256?: string;
}

/** A model's download (or cache read) so far. */
export interface ModelProgress {
  /** The model's name or URL. */
  model: string;
  /** Bytes read so far. */
  loaded: number;
  /** Expected size, or the Content-Length, when known. */
  total?: number;
  /** Whether it came from the cache (then one event with every byte). */
  fromCache: boolean;
}

/** Where downloaded models are kept. */
export interface ModelCacheOptions {
  /** Node: a directory (created if missing). */
  dir?: string;
  /** Browsers: the Cache API cache name (default `cipherlens-models`). */
  cacheName?: string;
}

/** Where models are fetched from and kept. */
export interface ModelFetchOptions {
  /** What model names resolve against (default `https://models.ente.com/`; relative: to the page, or in Node the working directory). */
  baseUrl?: string | URL;
  /** `false` disables caching. Default: the Cache API in browsers; no cache in Node unless `dir`. */
  cache?: ModelCacheOptions | false;
  /** Called as each model downloads (or is read from the cache). */
  onProgress?: (progress: ModelProgress) => void;
  /** Replaces globalThis.fetch. */
  fetch?: typeof fetch;
  /** Cancels a download (the promise rejects with the signal's reason, usually an AbortError). */
  signal?: AbortSignal;
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as BufferSource);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The caller's model bytes in an ArrayBuffer of their own (a view of shared memory is copied). */
function toBytes(b: Uint8Array | ArrayBuffer): Uint8Array<ArrayBuffer> {
  if (b instanceof ArrayBuffer) return new Uint8Array(b);
  return b.buffer instanceof ArrayBuffer ? (b as Uint8Array<ArrayBuffer>) : b.slice();
}

/**
 * Whether `bytes` starts as an ONNX model does: a ModelProto whose first field is ir_version
 * (field 1, varint: tag byte 0x08) with a small value (IR versions are 1..11 today). An HTML
 * page starts with '<' (0x3c), so an app's fallback page is never mistaken for a model.
 */
export function looksLikeOnnx(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x08 && bytes[1] >= 1 && bytes[1] < 0x80;
}

function notAModel(label: string, what: string): ModelError {
  return new ModelError(
    'NOT_A_MODEL',
    label,
    `${what} is not an ONNX model (is the file at that URL? a server may answer a missing file with an HTML page)`,
  );
}

/** Checks length then hash; throws a ModelError naming both values. Returns the hash. */
async function verify(label: string, bytes: Uint8Array, size?: number, sha256?: string): Promise<string> {
  if (size !== undefined && bytes.length !== size) {
    throw new ModelError('SIZE_MISMATCH', label, `expected ${size} bytes, got ${bytes.length}`);
  }
  const hash = await sha256Hex(bytes);
  if (sha256 !== undefined && hash !== sha256.toLowerCase()) {
    throw new ModelError('HASH_MISMATCH', label, `expected SHA-256 ${sha256.toLowerCase()}, got ${hash}`);
  }
  return hash;
}

/** A cache of verified model files with the SHA-256 each had when stored. */
// Keys: the model's URL (Cache API) or its file name (Node directory).
interface Store {
  get(key: string): Promise<{ bytes: Uint8Array<ArrayBuffer>; sha256?: string } | undefined>;
  put(key: string, bytes: Uint8Array, sha256: string): Promise<void>;
  delete(key: string): Promise<void>;
  byUrl: boolean;
}

function safeFileName(key: string): string {
  return key.replace(/[^A-Za-z0-9._-]/g, '_');
}

async function nodeDirStore(dir: string): Promise<Store> {
  const fs = await importNode('node:fs/promises');
  const path = await importNode('node:path');
  await fs.mkdir(dir, { recursive: true });
  const file = (key: string) => path.join(dir, safeFileName(key));
  return {
    byUrl: false,
    async get(key) {
      try {
        const bytes = new Uint8Array(await fs.readFile(file(key)));
        const sha256 = await fs.readFile(`${file(key)}.sha256`, 'utf8').catch(() => undefined);
        return { bytes, sha256: sha256?.trim() };
      } catch {
        return undefined;
      }
    },
    async put(key, bytes, sha256) {
      // Write then rename, so a crash never leaves a half file under the real name.
      const tmp = `${file(key)}.${Date.now()}.${Math.random().toString(36).slice(2)}.tmp`;
      try {
        await fs.writeFile(tmp, bytes);
        await fs.writeFile(`${file(key)}.sha256`, `${sha256}\n`);
        await fs.rename(tmp, file(key));
      } catch (e) {
        await fs.rm(tmp, { force: true });
        throw e;
      }
    },
    async delete(key) {
      await fs.rm(file(key), { force: true });
      await fs.rm(`${file(key)}.sha256`, { force: true });
    },
  };
}

const SHA_HEADER = 'x-cipherlens-sha256';

async function cacheApiStore(cacheName: string): Promise<Store> {
  const cache = await caches.open(cacheName);
  return {
    byUrl: true,
    async get(key) {
      const response = await cache.match(key);
      if (!response) return undefined;
      return { bytes: new Uint8Array(await response.arrayBuffer()), sha256: response.headers.get(SHA_HEADER) ?? undefined };
    },
    async put(key, bytes, sha256) {
      const headers = {
        'content-type': 'application/octet-stream',
        'content-length': String(bytes.length),
        [SHA_HEADER]: sha256,
      };
      await cache.put(key, new Response(bytes as BufferSource, { headers }));
    },
    async delete(key) {
      await cache.delete(key);
    },
  };
}

async function openStore(cache: ModelCacheOptions | false | undefined): Promise<Store | undefined> {
  if (cache === false) return undefined;
  if (cache?.dir !== undefined) {
    if (!isNode) throw new Error('cipherlens: cache.dir is for Node; browsers use the Cache API (cacheName)');
    return nodeDirStore(cache.dir);
  }
  if (typeof caches !== 'undefined') return cacheApiStore(cache?.cacheName ?? 'cipherlens-models');
  return undefined;
}

/** Reads a response body, reporting progress, refusing to read past the expected size. */
async function download(
  label: string,
  response: Response,
  size: number | undefined,
  onProgress: ((p: ModelProgress) => void) | undefined,
): Promise<Uint8Array<ArrayBuffer>> {
  const lengthHeader = Number(response.headers.get('content-length') ?? NaN);
  const total = size ?? (Number.isFinite(lengthHeader) ? lengthHeader : undefined);
  // With a known size, fill one buffer (no second copy of a 143 MB model at the end).
  const whole = size !== undefined ? new Uint8Array(size) : undefined;
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  let loaded = 0;
  onProgress?.({ model: label, loaded, total, fromCache: false });
  const reader = response.body?.getReader();
  if (!reader) {
    const all = new Uint8Array(await response.arrayBuffer());
    onProgress?.({ model: label, loaded: all.length, total, fromCache: false });
    return all;
  }
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    loaded += value.length;
    if (size !== undefined && loaded > size) {
      await reader.cancel();
      throw new ModelError('SIZE_MISMATCH', label, `expected ${size} bytes, the server sent more`);
    }
    if (whole) whole.set(value, loaded - value.length);
    else chunks.push(value);
    onProgress?.({ model: label, loaded, total, fromCache: false });
  }
  if (whole) return loaded === whole.length ? whole : whole.slice(0, loaded);
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(loaded);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** What relative model locations resolve against: the page or worker, or Node's working directory. */
async function hereUrl(): Promise<string | undefined> {
  const location = (globalThis as { location?: { href: string } }).location;
  if (location || !isNode) return location?.href;
  // Imported only under Node so bundlers for the browser never see node: modules.
  const { pathToFileURL } = await importNode('node:url');
  const { cwd } = (globalThis as unknown as { process: { cwd(): string } }).process;
  return pathToFileURL(`${cwd()}/`).href;
}

/** Node: a model from disk (a path or file: URL); fetch() cannot read file: URLs. */
async function readLocal(label: string, url: URL): Promise<Uint8Array<ArrayBuffer>> {
  const { readFile } = await importNode('node:fs/promises');
  try {
    return new Uint8Array(await readFile(url));
  } catch (cause) {
    throw new ModelError('FETCH_FAILED', label, `cannot read ${url.href}: ${(cause as Error)?.message ?? cause}`, { cause });
  }
}

/** A model's verified bytes, and how to drop them from the cache (when ONNX Runtime cannot open them). */
export interface LoadedModel {
  bytes: Uint8Array<ArrayBuffer>;
  /** Removes the cached copy these bytes came from or went to, if any, so the next load fetches afresh. */
  uncache(): Promise<void>;
}

/**
 * Gives a model's verified bytes: from `file.bytes`, else from the cache, else downloaded (then
 * cached). Every copy is checked before it is used or cached: an answer served as an HTML page,
 * or whose first bytes are not an ONNX model's, is a ModelError NOT_A_MODEL and is not cached; a
 * cached copy that fails verification (or is no ONNX model, e.g. an HTML page an older version
 * cached) is dropped and downloaded again; downloaded bytes that fail verification throw a
 * ModelError (SIZE_MISMATCH / HASH_MISMATCH) and are not cached.
 */
export async function loadModelBytes(file: ModelFile, options: ModelFetchOptions = {}): Promise<Uint8Array<ArrayBuffer>> {
  return (await loadModel(file, options)).bytes;
}

/** loadModelBytes, plus a way to drop the cached copy (onnx-session.ts: ORT could not open it). */
export async function loadModel(file: ModelFile, options: ModelFetchOptions = {}): Promise<LoadedModel> {
  const label = file.name ?? (file.url !== undefined ? String(file.url) : 'model');
  const uncached: LoadedModel['uncache'] = async () => {};
  if (file.bytes !== undefined) {
    const bytes = toBytes(file.bytes);
    await verify(label, bytes, file.size, file.sha256);
    if (!looksLikeOnnx(bytes)) throw notAModel(label, 'the bytes given');
    return { bytes, uncache: uncached };
  }
  if (file.url === undefined && file.name === undefined) throw new Error('cipherlens: a model needs bytes, a url or a name');
  // A relative base ('/models/') is relative to the page or worker; in Node, to the working
  // directory, so plain file paths work there.
  const here = await hereUrl();
  const url =
    file.url !== undefined
      ? new URL(String(file.url), here)
      : new URL(file.name as string, new URL(String(options.baseUrl ?? ENTE_MODEL_BASE_URL), here));
  if (url.protocol === 'file:' && isNode) {
    const bytes = await readLocal(label, url);
    await verify(label, bytes, file.size, file.sha256);
    if (!looksLikeOnnx(bytes)) throw notAModel(label, url.href);
    options.onProgress?.({ model: label, loaded: bytes.length, total: bytes.length, fromCache: false });
    return { bytes, uncache: uncached };
  }
  const store = await openStore(options.cache);
  const key = store?.byUrl ? url.href : safeFileName(file.name ?? url.pathname.split('/').pop() ?? 'model');
  const uncache = async () => {
    await store?.delete(key).catch(() => {});
  };

  const cached = await store?.get(key);
  if (cached) {
    try {
      await verify(label, cached.bytes, file.size, file.sha256 ?? cached.sha256);
      if (!looksLikeOnnx(cached.bytes)) throw notAModel(label, 'the cached copy');
      options.onProgress?.({ model: label, loaded: cached.bytes.length, total: cached.bytes.length, fromCache: true });
      return { bytes: cached.bytes, uncache };
    } catch {
      await uncache(); // stale, corrupt or no model at all: fetch a fresh copy
    }
  }

  const doFetch = options.fetch ?? globalThis.fetch;
  let response: Response;
  try {
    options.signal?.throwIfAborted();
    response = await doFetch(url.href, { signal: options.signal });
  } catch (cause) {
    if (options.signal?.aborted) throw options.signal.reason;
    throw new ModelError('FETCH_FAILED', label, `cannot fetch ${url.href}: ${(cause as Error)?.message ?? cause}`, { cause });
  }
  if (!response.ok) throw new ModelError('FETCH_FAILED', label, `${url.href} answered ${response.status}`);
  // Refused before reading: an HTML answer (Vite's dev server for a missing file, an SPA's fallback).
  const type = response.headers.get('content-type') ?? '';
  if (/^\s*text\/html\b/i.test(type)) {
    await response.body?.cancel().catch(() => {});
    throw notAModel(label, `${url.href} (answered as ${type.split(';')[0]})`);
  }
  const bytes = await download(label, response, file.size, options.onProgress);
  const hash = await verify(label, bytes, file.size, file.sha256);
  if (!looksLikeOnnx(bytes)) throw notAModel(label, url.href);
  try {
    await store?.put(key, bytes, hash);
  } catch {
    // Caching is an optimisation: a full quota or a read-only directory must not fail the load.
  }
  return { bytes, uncache };
}
