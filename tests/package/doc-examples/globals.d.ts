// The names the README's and docs' examples take as given (what a reader's app already has),
// declared so every example type-checks on its own under strict TypeScript. Nothing else is
// declared: an example that uses any other name must define it.
import type { CGroup, Core, CoreWorker, FaceCluster, FaceIndex, FileFaces, IndexFiles, MLData, Search } from 'cipherlens/search';

declare global {
  /** `await loadCore()` (or `loadCryptoCore()`). */
  const core: Core;
  /** `await createCoreWorker()`. */
  const w: CoreWorker;
  /** `await createCoreWorker()`. */
  const worker: CoreWorker;
  /** `await createWorkerPool(n)`. */
  const pool: CoreWorker;
  /** `await createSearch(core)`. */
  const search: Search;
  // Keys and key material.
  const key: Uint8Array;
  const fileKey: Uint8Array;
  const indexKey: Uint8Array;
  const masterKey: Uint8Array;
  const kek: Uint8Array;
  const collectionKey: Uint8Array;
  const recoveryKey: Uint8Array;
  const friendPublicKey: Uint8Array;
  const password: string;
  // Data.
  const photoBytes: Uint8Array<ArrayBuffer>;
  const thumbnailBytes: Uint8Array;
  const metadataBytes: Uint8Array;
  const ciphertext: Uint8Array;
  const header: Uint8Array;
  const decryptionHeader: Uint8Array;
  const embedding: Float32Array;
  const queryEmbedding: Float32Array;
  const enteEmbedding: Float32Array;
  const rgba: Uint8ClampedArray;
  const width: number;
  const height: number;
  const fileId: number;
  const otherFileId: number;
  const fileCount: number;
  const fileUrl: string;
  const videoUrl: string;
  const uploadUrl: string;
  const signal: AbortSignal;
  /** A file of the gallery: its bytes as a File, and Ente's fields. */
  const file: File & { id: number; decryptionHeader: Uint8Array };
  const files: { thumbnail: Uint8Array; thumbnailHeader: Uint8Array; key: Uint8Array }[];
  const thumbs: { bytes: Uint8Array; header: Uint8Array; key: Uint8Array }[];
  const photos: { id: number; file: File }[];
  // Faces and people (docs/faces.md).
  /** A file's decrypted ML data, if it has some. */
  const existingMlData: MLData | undefined;
  /** `await faces.indexImage(...)`. */
  const faceIndex: FaceIndex;
  /** Every file's faces from its ML data, with the time that orders them. */
  const faceFiles: FileFaces[];
  /** The user's people (cgroup entities), decrypted. */
  const cgroups: CGroup[];
  /** The clusters this device kept from its last clustering. */
  const localClusters: FaceCluster[];
  const cluster: FaceCluster;
  const entityKey: Uint8Array;
  /** Photos to index: `{ fileId, bytes }` or `{ fileId, blob }`. */
  const photoFiles: IndexFiles;
  function upload(fileId: number, data: MLData): void;
  function mlDataOf(fileId: number): MLData | undefined;
  // The page.
  const ctx: CanvasRenderingContext2D;
  const video: HTMLVideoElement;
  const progressBar: HTMLProgressElement;
  function show(bytes: Uint8Array): void;
  function ignoreAbort(error: unknown): void;
  function listFiles(): Promise<{ id: number }[]>;
  function decryptThumbnailOrOriginal(file: { id: number }): Promise<Blob>;
}
