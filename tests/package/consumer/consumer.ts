// A strict TypeScript consumer of the installed package: both entry points resolve with types,
// and returned bytes are ArrayBuffer-backed, so the common browser patterns type-check.
import { loadCryptoCore, createCoreWorker, CoreError, type CryptoCore, type CoreWorker } from 'cipherlens';
import { loadCore, createSearchWorker, fileIndexStore, type Core, type SearchHit } from 'cipherlens/search';
import type { CryptoCore as SameCryptoCore } from 'cipherlens/crypto';
import pkg from 'cipherlens/package.json' with { type: 'json' };

export async function gallery(): Promise<string> {
  const core: CryptoCore = await loadCryptoCore();
  const same: SameCryptoCore = core;
  const key = core.generateKey();
  const { ciphertext, header } = core.blob.encrypt(new Uint8Array([1, 2, 3]), key);
  const plain = core.blob.decrypt(ciphertext, header, key);
  const photo: Blob = new Blob([plain], { type: 'image/jpeg' });
  const digest: ArrayBuffer = await crypto.subtle.digest('SHA-256', core.hash.file(plain));
  await crypto.subtle.importKey('raw', same.generateKey(), 'AES-GCM', false, ['encrypt']);

  const worker: CoreWorker<CryptoCore> = await createCoreWorker();
  const sealed = await worker.blob.encrypt(plain, key);
  const opened = await worker.blob.decrypt(sealed.ciphertext, sealed.header, key);
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  for await (const chunk of worker.decryptStream([sealed.ciphertext], sealed.header, key)) chunks.push(chunk);
  const video = new Blob(chunks);
  // Every byte array the API hands out is ArrayBuffer-backed (the issue named these three).
  const { header: streamHeader } = await worker.encryptStream([plain], key);
  const headerDigest: ArrayBuffer = await crypto.subtle.digest('SHA-256', streamHeader);
  await worker.terminate();

  const full: Core = await loadCore();
  const search = await createSearchWorker({ textModel: './text.onnx', imageModel: null });
  const hits: SearchHit[] = await search.query('a dog');
  const saved = new Blob([await search.save(key)]);
  const stored = await fileIndexStore('index.bin').read();
  const restored = stored ? new Blob([stored]) : saved;
  await search.terminate();
  try {
    full.blob.decrypt(ciphertext, header, full.generateKey());
  } catch (e) {
    if (e instanceof CoreError && e.code === 'AUTH_FAILED')
      return `${pkg.version} ${photo.size} ${video.size} ${digest.byteLength} ${opened.length} ${hits.length} ${headerDigest.byteLength} ${restored.size}`;
  }
  return 'unexpected';
}
