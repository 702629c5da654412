// How each function travels to a worker, in one table per served API. Every function of the
// API must be listed (`satisfies RouteTable<...>` does not compile otherwise, and hosts refuse
// to start with a function that has none), so a new function never silently takes a default
// path, e.g. copying a payload it should transfer.
import * as Comlink from 'comlink';
import type { Core } from '../search/core.js';
import type { Search } from '../search/search.js';
import type { FaceIndexer } from '../search/face-index.js';
import { ownedBytes, type ApiShape } from './protocol.js';
import { isDetached, transferredError } from '../runtime/errors.js';

export type Route =
  /** Arguments copied to the worker, the result transferred back. */
  | 'copy'
  /** As 'copy', but the first argument is the payload: transferred (the caller's buffer is detached). */
  | 'payload-first'
  /** Key derivation in a thread of its own, terminated afterwards so Argon2's memory is returned. */
  | 'kdf-thread'
  /** Returns a stateful object: served as a session pinned to one thread (remote/streams.ts). */
  | 'session'
  /** Returns live wasm objects or takes callbacks, which cannot cross threads. */
  | 'not-served';

type Fn = (...args: never[]) => unknown;
/** Dotted paths of T's functions, e.g. 'secretbox.encrypt'. */
export type FunctionPaths<T, Prefix extends string = ''> = {
  [K in keyof T & string]: T[K] extends Fn
    ? `${Prefix}${K}`
    : T[K] extends Uint8Array
      ? never
      : T[K] extends object
        ? FunctionPaths<T[K], `${Prefix}${K}.`>
        : never;
}[keyof T & string];

/**
 * A route, or a route plus the arguments (by position) that hold keys: the serving thread zeroes
 * its copies of those once the call ends, whether it returned or threw. (Core calls zero every
 * argument, keys and plaintext alike: see core-host.ts.)
 */
export type RouteEntry = Route | { readonly route: Route; readonly wipe: readonly number[] };
export type RouteTable<T> = Record<FunctionPaths<T>, RouteEntry>;
/** The paths of `Table` that take route R. */
export type PathsWith<Table, R extends Route> = {
  [P in keyof Table]: Table[P] extends R | { route: R } ? P : never;
}[keyof Table];

/** The core (both builds: the crypto build's functions are a subset). */
export const CORE_ROUTES = {
  generateKey: 'copy',
  randomBytes: 'copy',
  deriveKey: 'kdf-thread',
  deriveSensitiveKey: 'kdf-thread',
  deriveInteractiveKey: 'kdf-thread',
  deriveLoginSubKey: 'copy',
  'secretbox.encrypt': 'payload-first',
  'secretbox.decrypt': 'payload-first',
  'blob.encrypt': 'payload-first',
  'blob.decrypt': 'payload-first',
  'blob.decryptLegacy': 'payload-first',
  'stream.createEncryptor': 'session',
  'stream.createDecryptor': 'session',
  'stream.encrypt': 'payload-first',
  'stream.decrypt': 'payload-first',
  'box.keypair': 'copy',
  'box.publicKey': 'copy',
  'box.seal': 'payload-first',
  'box.sealOpen': 'payload-first',
  // Small messages (canonical statements, log entries): copied, so the caller keeps them.
  'sign.keypair': 'copy',
  'sign.seedKeypair': 'copy',
  'sign.detached': 'copy',
  'sign.verifyDetached': 'copy',
  'mnemonic.fromEntropy': 'copy',
  'mnemonic.toEntropy': 'copy',
  'mnemonic.fromKey': 'copy',
  'mnemonic.toKey': 'copy',
  verificationId: 'copy',
  'b64.encode': 'copy',
  'b64.decode': 'copy',
  'b64.encodeURLSafe': 'copy',
  'b64.decodeURLSafe': 'copy',
  'primitives.chacha20IetfXor': 'payload-first',
  'primitives.xchacha20Xor': 'payload-first',
  'primitives.hchacha20': 'copy',
  'primitives.poly1305': 'payload-first',
  'primitives.aeadChacha20Poly1305IetfEncrypt': 'payload-first',
  'primitives.aeadChacha20Poly1305IetfDecrypt': 'payload-first',
  'primitives.aeadXChacha20Poly1305IetfEncrypt': 'payload-first',
  'primitives.aeadXChacha20Poly1305IetfDecrypt': 'payload-first',
  'hash.createHasher': 'not-served',
  'hash.file': 'payload-first',
  'memory.heapInUse': 'copy',
  'memory.heapSize': 'copy',
  // The switch between the SIMD and scalar paths takes a callback.
  'testing.reference.withScalar': 'not-served',
  'testing.reference.active': 'not-served',
  'testing.memoryContains': 'copy',
  'clip.tokenize': 'copy',
  'clip.tokenizeQuery': 'copy',
  'clip.preprocess': 'copy',
  'clip.downscale': 'copy',
  'clip.forget': 'copy',
  createIndex: 'not-served',
  loadIndex: 'not-served',
  // Live wasm objects that read and write a PageStore (objects with methods): not cloneable.
  createCompactIndex: 'not-served',
  openCompactIndex: 'not-served',
  'mlData.encrypt': 'copy',
  'mlData.decrypt': 'copy',
  'mlData.importClip': 'not-served',
  'mlData.clipEmbedding': 'copy',
  'mlData.withClip': 'copy',
  'mlData.faceData': 'copy',
  'mlData.withFaces': 'copy',
  // A photo and a clusterer are live wasm objects.
  'faces.openPhoto': 'not-served',
  'faces.letterbox': 'copy',
  'faces.detections': 'copy',
  'faces.align': 'copy',
  'faces.alignment': 'copy',
  'faces.blur': 'copy',
  'faces.direction': 'copy',
  'faces.faceId': 'copy',
  'faces.clusterer': 'not-served',
  'entities.createKey': 'copy',
  'entities.openKey': 'copy',
  'entities.encrypt': 'copy',
  'entities.decrypt': 'copy',
} as const satisfies RouteTable<Core>;

/** The search API of createSearchWorker (its `size` getter is read by a call of its own). */
export const SEARCH_ROUTES = {
  add: 'copy',
  // The caller's batch stays usable (copied, not transferred).
  addMany: 'copy',
  persist: 'copy',
  meta: 'copy',
  remove: 'copy',
  indexImage: 'copy',
  embedImage: 'copy',
  has: 'copy',
  hasMany: 'copy',
  // openMlClips(encryptedData, decryptionHeaders, keys): the worker's copy of the keys is zeroed.
  openMlClips: { route: 'copy', wipe: [2] },
  // Copied, not transferred: the caller's bytes stay usable (a Blob crosses by reference).
  indexFile: 'copy',
  // Takes callbacks and an iterable: run by the client (search-client.ts) as calls of indexFile.
  indexFiles: 'not-served',
  embedText: 'copy',
  query: 'copy',
  save: { route: 'copy', wipe: [0] }, // save(key)
  load: { route: 'copy', wipe: [1] }, // load(bytes, key)
  dispose: 'copy',
} as const satisfies RouteTable<Search>;

/** The face API of createFaceWorker: the indexer's functions, plus clustering (face-client.ts). */
export const FACE_ROUTES = {
  indexImage: 'copy',
  indexFile: 'copy',
  // Takes callbacks and an iterable: run by the client as calls of indexFile, as for search.
  indexFiles: 'not-served',
  dispose: 'copy',
} as const satisfies RouteTable<FaceIndexer>;

/** The route of `path` in `table`, or undefined for a path it does not list. */
export function routeOf(table: Record<string, RouteEntry>, path: string): Route | undefined {
  if (!Object.hasOwn(table, path)) return undefined;
  const entry = table[path];
  return typeof entry === 'string' ? entry : entry.route;
}

/** Zeroes the arguments of a call that its route in `table` names as keys (this thread's copies). */
export function wipeArgs(table: Record<string, RouteEntry>, path: string, args: readonly unknown[]): void {
  const entry = Object.hasOwn(table, path) ? table[path] : undefined;
  if (typeof entry !== 'object') return;
  for (const i of entry.wipe) {
    const arg = args[i];
    if (arg instanceof Uint8Array) arg.fill(0);
  }
}

/** Functions and plain values of `api` a host serves; a function without a route is an error. */
export function describe(api: object, table: Record<string, RouteEntry>): ApiShape {
  const shape: ApiShape = { functions: [], values: {} };
  const walk = (obj: object, prefix: string) => {
    for (const [name, value] of Object.entries(obj)) {
      const path = prefix + name;
      if (typeof value === 'function') {
        const route = routeOf(table, path);
        if (!route) throw new Error(`cipherlens: ${path} has no route (js/src/remote/routes.ts)`);
        if (route !== 'not-served') shape.functions.push(path);
      } else if (value && typeof value === 'object') walk(value, `${path}.`);
      else shape.values[path] = value;
    }
  };
  walk(api, '');
  return shape;
}

/** The function at dotted `path` of `api`, bound to its object. */
export function functionAt(api: object, path: string): (...args: unknown[]) => unknown {
  let target = api as Record<string, unknown>;
  const parts = path.split('.');
  for (const p of parts.slice(0, -1)) target = target[p] as Record<string, unknown>;
  return (target[parts[parts.length - 1]] as (...a: unknown[]) => unknown).bind(target);
}

/**
 * Payloads of at least this many bytes are transferred to a worker (the caller's array is emptied);
 * smaller ones are copied and stay the caller's. Measured (scripts/bench/payload-transfer.bench.mjs):
 * a round trip copies 16 KiB about as fast as it transfers it, 64 KiB about 2x slower; keys,
 * nonces, wrapped and sealed keys, metadata and most thumbnails are far below.
 */
export const PAYLOAD_TRANSFER_BYTES = 64 * 1024;

/** Whether `bytes` crosses to a worker by transfer (detaching the caller's array) rather than by copy. */
export const transfers = (bytes: Uint8Array): boolean => bytes.byteLength >= PAYLOAD_TRANSFER_BYTES;

/**
 * Wire arguments for `route`: a payload-first call transfers its first argument if it has at
 * least PAYLOAD_TRANSFER_BYTES, everything else is copied.
 */
export function wireArgs<A extends readonly unknown[]>(route: Route | undefined, args: A): A {
  // Checked here: posting a detached buffer fails with a DataCloneError that names no argument.
  args.forEach((a, i) => {
    if (a instanceof Uint8Array && isDetached(a)) throw transferredError(`argument ${i + 1}`);
  });
  const first = args[0];
  if (route !== 'payload-first' || !(first instanceof Uint8Array) || !transfers(first)) return args;
  const payload = ownedBytes(first);
  return Comlink.transfer([payload, ...args.slice(1)] as unknown as A, [payload.buffer as ArrayBuffer]);
}
