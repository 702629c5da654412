import type { makeBlob } from '../crypto/blob.js';
import { CoreError, badInput, requireBytes } from '../runtime/errors.js';
import { KEY_BYTES } from '../crypto/sizes.js';
import type { EmbeddingIndex } from './embedding-index.js';
import { requireFileId } from './embedding-index.js';
import { concat } from '../runtime/bytes.js';
import { MiB } from '../crypto/keys.js';
import { faceData, withFaces, type FaceData } from './face-data.js';

/**
 * The most ML data one file may hold, as JSON and as its encrypted gzip: Ente's entry for a file
 * is a CLIP embedding (~10 KB of JSON) and face entries (~4 KB each), so 8 MiB is room for
 * about two thousand faces. Whoever shares an album holds its file keys and so can write this
 * data: without a cap, a small gzip could inflate to gigabytes on the recipient's device.
 */
export const ML_DATA_MAX_BYTES = 8 * MiB;

/**
 * The deepest nesting of objects and arrays ML data may have. Ente's deepest entry (a face's
 * detection box) is 5 levels down; far deeper JSON is hostile: it crosses to a worker as a
 * structured clone that fails (a plain TypeError) and costs recursion wherever it is walked.
 */
export const ML_DATA_MAX_DEPTH = 64;

/** Ente's CLIP entry in a file's ML data. */
export interface ClipData {
  /** Ente's CLIP indexing version (CLIP_INDEX_VERSION; older entries are re-indexed). */
  version: number;
  /** Who indexed it, e.g. "io.ente.photos/1.7.0". */
  client: string;
  /** 512 numbers, L2-normalised. */
  embedding: number[];
}

/** The JSON of Ente's per-file "mldata"; keys other than `clip` and `face` pass through untouched. */
export interface MLData {
  /** The CLIP entry, if the file was indexed. */
  clip?: ClipData;
  /** Read it with `faceData` (validated, placeholders dropped), write it with `withFaces`. */
  face?: FaceData;
  [key: string]: unknown;
}

/** What Ente stores per file: gzip(JSON) blob-encrypted with the file key, header kept beside. */
export interface EncryptedMLData {
  /** gzip(JSON) encrypted as a blob with the file key. */
  encryptedData: Uint8Array<ArrayBuffer>;
  /** The blob's 24-byte secretstream header. */
  decryptionHeader: Uint8Array<ArrayBuffer>;
}

/** The CLIP indexing version cipherlens writes (Ente's current one). */
export const CLIP_INDEX_VERSION = 1;

/**
 * Runs bytes through a (De)CompressionStream; works without fetch's Response. Output beyond
 * `maxBytes` stops the reading (what was read is zeroed) and throws BAD_INPUT.
 */
async function transform(
  bytes: Uint8Array,
  stream: CompressionStream | DecompressionStream,
  maxBytes = Infinity,
): Promise<Uint8Array<ArrayBuffer>> {
  const writer = stream.writable.getWriter();
  const written = writer.write(bytes as Uint8Array<ArrayBuffer>).then(() => writer.close());
  written.catch(() => {}); // the reader reports the same failure
  const reader = stream.readable.getReader();
  const parts: Uint8Array<ArrayBuffer>[] = [];
  let total = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    parts.push(value);
    total += value.length;
    if (total > maxBytes) {
      reader.cancel().catch(() => {});
      for (const p of parts) p.fill(0);
      throw badInput(`ML data inflates to more than ${maxBytes / MiB} MiB`);
    }
  }
  await written;
  return parts.length ? concat(parts) : new Uint8Array(0);
}

export const gzip = (bytes: Uint8Array) => transform(bytes, new CompressionStream('gzip'));

export async function gunzip(bytes: Uint8Array, maxBytes = ML_DATA_MAX_BYTES): Promise<Uint8Array<ArrayBuffer>> {
  try {
    return await transform(bytes, new DecompressionStream('gzip'), maxBytes);
  } catch (e) {
    if (e instanceof CoreError) throw e;
    throw badInput(`ML data is not valid gzip: ${(e as Error)?.message ?? e}`);
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Throws BAD_INPUT when `json` nests objects and arrays deeper than ML_DATA_MAX_DEPTH (checked before it is parsed). */
function checkDepth(json: string): void {
  // No deeper than the number of opening brackets: counted first with indexOf (a CLIP entry has
  // three), the scan below only for text with more. The scan took 30 µs an entry, 300 ms of a new
  // device's 10,000 in the search worker.
  let opening = 0;
  for (const bracket of ['{', '[']) {
    for (let i = json.indexOf(bracket); i !== -1 && opening <= ML_DATA_MAX_DEPTH; i = json.indexOf(bracket, i + 1)) opening++;
  }
  if (opening <= ML_DATA_MAX_DEPTH) return;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > ML_DATA_MAX_DEPTH) throw badInput(`ML data nests deeper than ${ML_DATA_MAX_DEPTH} levels`);
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
}

/** How ML data is read. */
export interface MlDataReadOptions {
  /** Accept a blob with any tag, as Ente's web client does (default false: FINAL only). */
  legacy?: boolean;
}

/** Which CLIP entries clipEmbedding and importClip accept. */
export interface ClipOptions {
  /** Ignore entries indexed with an older version than this (Ente re-indexes those). Default 1. */
  minVersion?: number;
}

/** The CLIP embedding of ML data, validated, or undefined when absent or older than minVersion. */
export function clipEmbedding(data: MLData, options: ClipOptions = {}): Float32Array | undefined {
  if (!isPlainObject(data)) throw badInput('ML data must be a JSON object');
  const clip = data.clip as unknown;
  if (clip === undefined) return undefined;
  if (!isPlainObject(clip)) throw badInput('ML data "clip" must be an object');
  if (typeof clip.version !== 'number' || !Number.isFinite(clip.version)) throw badInput('ML data clip.version must be a number');
  if (clip.version < (options.minVersion ?? CLIP_INDEX_VERSION)) return undefined;
  const e = clip.embedding;
  if (!Array.isArray(e) || e.length === 0) throw badInput('ML data clip.embedding must be a non-empty array');
  const out = new Float32Array(e.length);
  for (let i = 0; i < e.length; i++) {
    const x = e[i];
    if (typeof x !== 'number' || !Number.isFinite(x)) throw badInput(`ML data clip.embedding[${i}] is not a finite number`);
    out[i] = x;
  }
  return out;
}

/**
 * `data` with its clip entry set (other keys kept, in their order; a new object). The embedding
 * is stored L2-normalised, as Ente's clients do.
 */
export function withClip(
  data: MLData | undefined,
  embedding: ArrayLike<number>,
  client: string,
  version: number = CLIP_INDEX_VERSION,
): MLData {
  if (data !== undefined && !isPlainObject(data)) throw badInput('ML data must be a JSON object');
  if (typeof client !== 'string') throw badInput('client must be a string');
  let ss = 0;
  for (let i = 0; i < embedding.length; i++) {
    const x = embedding[i];
    // Stored as float32, as Ente's clients do: a value beyond float32's range (about 3.4e38) would
    // be Infinity there (and its square overflowed the norm here, which zeroed the embedding).
    if (typeof x !== 'number' || !Number.isFinite(Math.fround(x))) {
      throw badInput(`embedding[${i}] is not a finite float32 number (got ${String(x)})`);
    }
    ss += x * x;
  }
  if (!(ss > 0)) throw badInput('embedding must be non-zero');
  const inv = 1 / Math.sqrt(ss);
  // Float32 values, as produced by the model and kept by Ente's clients.
  const normalised = Array.from(Float32Array.from(embedding, (x) => x * inv));
  return { ...(data ?? {}), clip: { version, client, embedding: normalised } };
}

/**
 * ML data as Ente stores it before encryption: gzip(JSON). For callers that encrypt with a core
 * of their own (e.g. a gallery's crypto worker): `blob.encrypt(await packMlData(data), fileKey)`.
 */
export async function packMlData(data: MLData): Promise<Uint8Array<ArrayBuffer>> {
  if (!isPlainObject(data)) throw badInput('ML data must be a JSON object');
  const json = new TextEncoder().encode(JSON.stringify(data));
  if (json.length > ML_DATA_MAX_BYTES) throw badInput(`ML data is larger than ${ML_DATA_MAX_BYTES / MiB} MiB as JSON`);
  return gzip(json);
}

/** The reverse of packMlData, on decrypted bytes: inflated at most to ML_DATA_MAX_BYTES, parsed, checked. */
export async function unpackMlData(packed: Uint8Array): Promise<MLData> {
  requireBytes('packed', packed);
  let text: string;
  const json = await gunzip(packed);
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(json);
  } catch {
    throw badInput('ML data is not valid UTF-8');
  } finally {
    json.fill(0);
  }
  checkDepth(text);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw badInput('ML data is not valid JSON');
  }
  if (!isPlainObject(data)) throw badInput('ML data must be a JSON object');
  return data as MLData;
}

export function makeMlData(blob: ReturnType<typeof makeBlob>) {
  /** gzip(JSON) then blob-encrypt with the file key, the way Ente's clients upload "mldata". */
  async function encrypt(data: MLData, fileKey: Uint8Array): Promise<EncryptedMLData> {
    requireBytes('fileKey', fileKey, KEY_BYTES);
    const packed = await packMlData(data);
    const { ciphertext, header } = blob.encrypt(packed, fileKey);
    packed.fill(0);
    return { encryptedData: ciphertext, decryptionHeader: header };
  }

  /**
   * Decrypts and parses a file's ML data. Strict by default (the message must be tagged FINAL);
   * `legacy: true` accepts any tag, as Ente's web client does.
   */
  async function decrypt(
    encryptedData: Uint8Array,
    decryptionHeader: Uint8Array,
    fileKey: Uint8Array,
    options: MlDataReadOptions = {},
  ): Promise<MLData> {
    requireBytes('encryptedData', encryptedData);
    if (encryptedData.length > ML_DATA_MAX_BYTES) {
      throw badInput(`encrypted ML data is larger than ${ML_DATA_MAX_BYTES / MiB} MiB`);
    }
    const packed = (options.legacy ? blob.decryptLegacy : blob.decrypt)(encryptedData, decryptionHeader, fileKey);
    try {
      return await unpackMlData(packed);
    } finally {
      packed.fill(0);
    }
  }

  /**
   * Decrypts a file's ML data and upserts its CLIP embedding into `index`. Returns false (and
   * leaves the index alone) when there is no clip entry or it is older than minVersion.
   */
  async function importClip(
    index: EmbeddingIndex,
    fileId: number,
    encrypted: EncryptedMLData,
    fileKey: Uint8Array,
    options: ClipOptions & MlDataReadOptions = {},
  ): Promise<boolean> {
    requireFileId(fileId);
    const data = await decrypt(encrypted.encryptedData, encrypted.decryptionHeader, fileKey, options);
    const embedding = clipEmbedding(data, options);
    if (!embedding) return false;
    index.upsert(fileId, embedding);
    return true;
  }

  return {
    /** gzip(JSON) then blob-encrypt with the 32-byte file key, the way Ente's clients upload "mldata". */
    encrypt,
    /**
     * Decrypts and parses a file's ML data (strict: tagged FINAL, unless `legacy`). Errors:
     * AUTH_FAILED / TRUNCATED from the blob; BAD_INPUT for more than ML_DATA_MAX_BYTES, bad gzip,
     * UTF-8 or JSON, nesting deeper than ML_DATA_MAX_DEPTH, anything but a JSON object.
     */
    decrypt,
    /** Decrypts a file's ML data and upserts its CLIP embedding into an index; false when it has none. */
    importClip,
    /** The validated CLIP embedding of decrypted ML data, or undefined (absent or older than minVersion). */
    clipEmbedding,
    /** ML data with its clip entry set, stored L2-normalised as float32; BAD_INPUT for values beyond float32. */
    withClip,
    /** The validated faces of decrypted ML data (placeholders dropped), or undefined: see docs/faces.md. */
    faceData,
    /** ML data with its face entry set, as Ente's clients write it. */
    withFaces,
  };
}
