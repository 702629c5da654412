// The gallery's worker: owns the wasm core and the vault, so key derivation and decryption
// never block the page. Requests are { id, method, args }; replies { id, result } or
// { id, error: { code, message } }; long work also posts { type: 'progress', ... }.
import { loadCore } from '../js/dist/index.js';
import { openStore } from './vault-store.js';
import { Vault } from './vault.js';
import { SAMPLE_COUNT, makeThumbnail, samplePhotos } from './sample-photos.js';

const ready = (async () => new Vault(await loadCore(), await openStore()))();

const progress = (task) => (p) => postMessage({ type: 'progress', task, ...p });

const methods = {
  async status(vault) {
    return { hasAccount: await vault.hasAccount(), unlocked: vault.unlocked };
  },
  create: (vault, password) => vault.create(password, progress('keys')),
  unlock: (vault, password) => vault.unlock(password, progress('keys')),
  recover: (vault, phrase, password) => vault.recover(phrase, password, progress('keys')),
  lock: (vault) => vault.lock(),
  list: (vault) => vault.list(),
  thumbnail: (vault, id) => vault.thumbnail(id),
  photo: (vault, id) => vault.photo(id),
  verificationId: (vault) => vault.verificationId(),
  async addSamples(vault) {
    const report = progress('import');
    let done = 0;
    for await (const sample of samplePhotos()) {
      report({ label: `Encrypting ${sample.name}…`, done, total: SAMPLE_COUNT });
      const { thumbnail } = await makeThumbnail(sample.bytes);
      await vault.addPhoto({ ...sample, thumbnail });
      done++;
    }
    report({ label: 'Done', done, total: SAMPLE_COUNT });
  },
  async addFiles(vault, files) {
    const report = progress('import');
    for (const [i, { name, bytes }] of files.entries()) {
      report({ label: `Encrypting ${name}…`, done: i, total: files.length });
      const { thumbnail, width, height } = await makeThumbnail(bytes);
      await vault.addPhoto({ name, bytes, thumbnail, width, height });
    }
    report({ label: 'Done', done: files.length, total: files.length });
  },
};

onmessage = async ({ data: { id, method, args } }) => {
  try {
    const vault = await ready;
    const result = await methods[method](vault, ...args);
    const transfer = result instanceof Uint8Array ? [result.buffer] : [];
    postMessage({ id, result }, transfer);
  } catch (e) {
    postMessage({ id, error: { code: e?.code ?? 'ERROR', message: String(e?.message ?? e) } });
  }
};
