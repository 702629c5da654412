// What the gallery page does with the vault and search. Key derivation, encryption and search
// run in cipherlens' worker threads (createCoreWorker, createSearchWorker), so none of it
// blocks the page; their errors arrive as CoreError with code and chunk index.
import { createCoreWorker } from '../js/dist/index.js';
import { openStore } from './vault-store.js';
import { Vault } from './vault.js';
import { PhotoSearch } from './photo-search.js';
import { SAMPLE_COUNT, makeThumbnail, samplePhotos } from './sample-photos.js';

// The vault (unlock, thumbnails, photos) runs on the crypto build, a fifth of the download, so
// the gallery shows as soon as it is in; the full build with CLIP search loads in the search
// worker when search opens.
const ready = (async () => {
  const [core, store] = await Promise.all([createCoreWorker({ flavor: 'crypto' }), openStore()]);
  return { vault: new Vault(core, store), search: new PhotoSearch(store) };
})();

let onProgress = () => {};
/** Where long tasks report progress: `report(task, { label, done?, total? })`. */
export function reportProgressTo(report) {
  onProgress = report;
}
const progress = (task) => (p) => onProgress(task, p);

/** Encrypts a photo, then indexes its thumbnail for search (the index is saved encrypted). */
async function addPhoto({ vault, search }, photo) {
  const id = await vault.addPhoto(photo);
  await search.indexThumbnail(id, photo.thumbnail);
  return id;
}

const methods = {
  async status({ vault }) {
    return { hasAccount: await vault.hasAccount(), unlocked: vault.unlocked };
  },
  create: ({ vault }, password) => vault.create(password, progress('keys')),
  unlock: ({ vault }, password) => vault.unlock(password, progress('keys')),
  recover: ({ vault }, phrase, password) => vault.recover(phrase, password, progress('keys')),
  /** The page asks for this once the grid shows; searching and adding photos wait for it too. */
  openSearch: ({ vault, search }) => search.open(vault.searchKey, progress('search')),
  lock({ vault, search }) {
    search.close();
    vault.lock();
  },
  list: ({ vault }) => vault.list(),
  thumbnail: ({ vault }, id) => vault.thumbnail(id),
  photo: ({ vault }, id) => vault.photo(id),
  verificationId: ({ vault }) => vault.verificationId(),
  async search(app, text) {
    await methods.openSearch(app);
    return app.search.query(text);
  },
  async addSamples(app) {
    const report = progress('import');
    await methods.openSearch(app);
    let done = 0;
    for await (const sample of samplePhotos()) {
      report({ label: `Encrypting and indexing ${sample.name}…`, done, total: SAMPLE_COUNT });
      const { thumbnail } = await makeThumbnail(sample.bytes);
      await addPhoto(app, { ...sample, thumbnail });
      done++;
    }
    report({ label: 'Done', done, total: SAMPLE_COUNT });
  },
  async addFiles(app, files) {
    const report = progress('import');
    await methods.openSearch(app);
    for (const [i, { name, bytes }] of files.entries()) {
      report({ label: `Encrypting and indexing ${name}…`, done: i, total: files.length });
      const { thumbnail, width, height } = await makeThumbnail(bytes);
      await addPhoto(app, { name, bytes, thumbnail, width, height });
    }
    report({ label: 'Done', done: files.length, total: files.length });
  },
};

/** Runs one of the gallery's methods once the vault's worker and store are ready. */
export async function call(method, ...args) {
  return methods[method](await ready, ...args);
}
