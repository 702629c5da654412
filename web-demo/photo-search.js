// Search for the demo gallery: cipherlens' CLIP search over the photos' thumbnails, in a worker
// thread of its own (createSearchWorker loads the full build there), its index saved in IndexedDB
// encrypted with the vault's search key. The demo ships no MobileCLIP weights: it uses the small
// test models the build generates (they understand colour words); point `MODELS` at your copy of
// Ente's models for real semantic search.
import { createSearchWorker } from '../js/dist/index.js';

const MODELS = {
  baseUrl: new URL('../build/models/', import.meta.url).href,
  textModel: 'test_text.onnx',
  imageModel: 'test_image_rgba.onnx',
};

async function rgbaOf(jpeg) {
  const bitmap = await createImageBitmap(new Blob([jpeg]));
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  return ctx.getImageData(0, 0, canvas.width, canvas.height);
}

export class PhotoSearch {
  constructor(store) {
    this.store = store;
    this.opening = null;
    this.token = null;  // this vault session's; lock replaces it
    this.search = null;
    this.key = null;
  }

  /** Starts the search worker with the models (cached after the first time) and this vault's saved index. Idempotent. */
  open(searchKey, progress) {
    if (!this.opening) {
      const token = (this.token = {});
      this.opening = this.#open(token, searchKey, progress).catch((e) => {
        if (this.token === token) this.opening = null;
        throw e;
      });
    }
    return this.opening;
  }

  async #open(token, searchKey, progress) {
    const key = searchKey.slice();
    let search;
    try {
      progress({ label: 'Loading search…' });
      search = await createSearchWorker({
        ...MODELS,
        numThreads: 1,
        onProgress: ({ model, loaded, total }) => progress({ label: `Loading ${model}…`, done: loaded, total }),
      });
      const saved = await this.store.getSearchIndex();
      if (saved) await search.load(saved, key);
      if (this.token !== token) throw new Error('the vault was locked while search was loading');
    } catch (e) {  // keep nothing of a search that did not open
      search?.terminate();
      key.fill(0);
      throw e;
    }
    this.search = search;
    this.key = key;
  }

  async indexThumbnail(fileId, jpeg) {
    const { data, width, height } = await rgbaOf(jpeg);
    await this.search.indexImage(fileId, data, width, height);
    await this.store.putSearchIndex(await this.search.save(this.key));
  }

  query(text) {
    return this.search.query(text, { limit: 12 });
  }

  close() {
    this.token = null;
    this.opening = null;
    this.search?.terminate();
    this.search = null;
    this.key?.fill(0);
    this.key = null;
  }
}
