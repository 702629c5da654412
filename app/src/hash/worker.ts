// Ente's file hash (BLAKE2b-512 with the core's incremental hasher) of files picked for upload,
// read from disk here in 4 MiB pieces: a large video is never whole in memory, and the page only
// hands over the File (a reference) and gets 64 bytes back. One worker per batch of uploads
// (hash/remote.ts), on the small crypto build.
import { expose, transfer } from 'comlink';
import { CHUNK_BYTES, loadCryptoCore, type CryptoCore } from 'cipherlens';

let core: Promise<CryptoCore> | undefined;

const api = {
  async hash(file: Blob, wasmUrl: string): Promise<Uint8Array> {
    core ??= loadCryptoCore({ wasmUrl });
    const hasher = (await core).hash.createHasher();
    try {
      for (let at = 0; at < file.size; at += CHUNK_BYTES) {
        hasher.update(new Uint8Array(await file.slice(at, at + CHUNK_BYTES).arrayBuffer()));
      }
    } catch (e) {
      hasher.dispose();
      throw e;
    }
    const digest = hasher.digest();
    return transfer(digest, [digest.buffer]);
  },
};
export type HashWorkerApi = typeof api;

expose(api);
