// Search for the demo gallery: cipherlens' CLIP search over the photos' thumbnails, its index
// saved in IndexedDB encrypted with the vault's search key. The demo ships no MobileCLIP weights: it uses
// the small test models the build generates (they understand colour words); point `MODELS` at
// your copy of Ente's models for real semantic search.
import { createSearch } from '../js/dist/index.js';

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
  constructor(core, store) {
    this.core = core;
    this.store = store;
    this.search = null;
    this.key = null;
  }

  /** Loads the models (cached after the first time) and this vault's saved index. */
  async open(searchKey, progress) {
    if (this.search) return;
    progress({ label: 'Loading the search models…' });
    this.search = await createSearch(this.core, {
      ...MODELS,
      numThreads: 1,
      onProgress: ({ model, loaded, total }) => progress({ label: `Loading ${model}…`, done: loaded, total }),
    });
    this.key = searchKey.slice();
    const saved = await this.store.getSearchIndex();
    if (saved) await this.search.load(saved, this.key);
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
    this.search?.dispose();
    this.search = null;
    this.key?.fill(0);
    this.key = null;
  }
}
