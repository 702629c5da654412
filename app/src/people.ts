// People on this device: faces found with cipherlens' face worker (the small demo models the build
// generates, which find the simple generated faces of the tests), stored in each photo's ML data
// beside its CLIP embedding, clustered as Ente clusters them, and named as Ente's "cgroup" entities
// synced through the server. Another device (or this one after a reload) reads the faces from the
// ML data and the names from the entities: it runs no model for photos someone already indexed,
// and does not even download the models unless one of its own photos has no faces stored yet (a
// sharee never does: it indexes nothing of someone else's).
import {
  addClusterToPerson,
  createFaceWorker,
  ignoreCluster,
  nameCluster,
  people,
  reconcileClusters,
  removeFacesFromPerson,
  renamePerson,
  setPersonHidden,
  type CGroup,
  type FaceCluster,
  type FaceWorker,
  type FaceWorkerInit,
  type FileFaces,
  type MLData,
  type Person,
} from 'cipherlens/search';
import {
  FaceFeed,
  fileMlData,
  openEntityKey,
  pullPeople,
  putMlData,
  savePerson,
  wipe,
  type ClientCrypto,
  type GalleryFile,
  type Library,
} from '../../client/src/index.js';
import type { Progress } from './search.js';

const MODELS = { detectorModel: 'face_detector_demo.onnx', embedderModel: 'face_embedder_demo.onnx' };

export class GalleryPeople {
  /** Clustering only (no models): every device clusters the faces it reads. */
  private worker: FaceWorker | null = null;
  /** A worker with the models, started on first need (a photo of this account without faces stored). */
  private indexer: Promise<FaceWorker> | null = null;
  private entityKey: Uint8Array | null = null;
  private readonly faces = new Map<number, FileFaces>();
  private cgroups = new Map<string, CGroup>();
  private clusters: FaceCluster[] = [];
  private since = 0;
  /** The faces in the ML data, read with a cursor per album (kept for this session, as the faces are). */
  private readonly feed: FaceFeed;
  fromMlData = 0;
  indexedHere = 0;

  constructor(
    private readonly crypto: ClientCrypto,
    private readonly library: Library,
    private readonly masterKey: Uint8Array,
    private readonly base: URL,
  ) {
    this.feed = new FaceFeed(crypto, library.api);
  }

  async open(): Promise<void> {
    this.entityKey = await openEntityKey(this.crypto, this.library.api, this.masterKey);
    this.worker = await this.startWorker({ detectorModel: null, embedderModel: null });
  }

  private startWorker(models: Pick<FaceWorkerInit, 'detectorModel' | 'embedderModel'>): Promise<FaceWorker> {
    return createFaceWorker({
      ...models,
      baseUrl: new URL('models/', this.base).href,
      workerUrl: new URL('face-worker.js', this.base).href,
      wasmUrl: new URL('cipherlens.wasm', this.base).href,
      wasmPaths: new URL('ort/', this.base).href,
      numThreads: 1,
    });
  }

  /** The worker with the models, started (and the models downloaded) the first time a photo needs them. */
  private modelWorker(): Promise<FaceWorker> {
    this.live();
    if (!this.indexer) {
      this.indexer = this.startWorker(MODELS);
      this.indexer.catch(() => (this.indexer = null)); // a failed download is tried again next time
    }
    return this.indexer;
  }

  private live(): { worker: FaceWorker; key: Uint8Array } {
    if (!this.worker || !this.entityKey) throw new Error('people are not open');
    return { worker: this.worker, key: this.entityKey };
  }

  private keep(file: GalleryFile, faces: FileFaces['faces']) {
    this.faces.set(file.id, { fileId: file.id, time: file.meta.creationTime, faces });
  }

  /**
   * Faces for `files`: from the ML data changed since the last sync first (a page of up to 1000
   * photos a request), then found here (from their thumbnails) for those without and that
   * `canIndex` (their owner's device writes ML data), stored with the CLIP embedding already
   * there. Returns the files whose ML data it wrote.
   */
  async sync(
    files: GalleryFile[],
    thumbnailOf: (file: GalleryFile) => Promise<Uint8Array>,
    { canIndex = () => true, onProgress }: { canIndex?: (f: GalleryFile) => boolean; onProgress?: Progress } = {},
  ): Promise<GalleryFile[]> {
    this.live();
    const written: GalleryFile[] = [];
    for (const { file, faces } of await this.feed.pull(files)) {
      if (!this.faces.has(file.id)) this.fromMlData++;
      this.keep(file, faces.faces);
    }
    const rest = files.filter((f) => !this.faces.has(f.id) && canIndex(f));
    if (!rest.length) return written;
    // The ML data of the photos indexed here (their CLIP entries), kept beside the faces written.
    const existing = new Map<number, MLData>();
    for await (const { file, data } of fileMlData(this.crypto, this.library.api, rest)) existing.set(file.id, data);
    const worker = await this.modelWorker();
    for (const [i, file] of rest.entries()) {
      try {
        const { faceIndex } = await worker.indexFile(file.id, await thumbnailOf(file));
        this.keep(file, faceIndex.faces);
        this.indexedHere++;
        await putMlData(this.crypto, this.library.api, file, { faces: faceIndex, base: existing.get(file.id) });
        written.push(file);
      } catch {
        // A thumbnail that does not decode: no faces for it.
      }
      onProgress?.(i + 1, rest.length);
    }
    return written;
  }

  /** Pulls the people changed elsewhere, clusters every known face, saves people whose clusters grew. */
  async refresh(): Promise<void> {
    const { worker, key } = this.live();
    const changes = await pullPeople(this.crypto, this.library.api, key, this.since);
    this.since = changes.latest;
    for (const id of changes.deleted) this.cgroups.delete(id);
    for (const g of changes.people) this.cgroups.set(g.id, g);
    const cgroups = [...this.cgroups.values()];
    const result = await worker.clusterFaces({ files: [...this.faces.values()], people: cgroups, clusters: this.clusters });
    const { changed, localClusters } = reconcileClusters(result, cgroups);
    this.clusters = localClusters;
    for (const g of changed) this.cgroups.set(g.id, await savePerson(this.crypto, this.library.api, key, g.data, g.id));
  }

  /** Named people, then the clusters nobody named (all of them: this gallery is small). */
  list(): Person[] {
    const all = people(
      { files: [...this.faces.values()], cgroups: [...this.cgroups.values()], clusters: this.clusters },
      {
        includeHidden: true,
      },
    );
    return all.filter((p) => p.type === 'cluster' || !p.isHidden);
  }

  private async save(data: CGroup['data'], id?: string) {
    const saved = await savePerson(this.crypto, this.library.api, this.live().key, data, id);
    this.cgroups.set(saved.id, saved);
  }

  private cgroupOf(person: Person): CGroup {
    const g = this.cgroups.get(person.id);
    if (!g) throw new Error('that person is gone');
    return g;
  }

  private takeCluster(person: Person): FaceCluster {
    const cluster = this.clusters.find((c) => c.id === person.id);
    if (!cluster) throw new Error('that cluster is gone');
    this.clusters = this.clusters.filter((c) => c !== cluster);
    return cluster;
  }

  /**
   * Names a cluster: a new person, or, when a person already has that name (any case), that
   * person gains the cluster (Ente's merge). A person is renamed.
   */
  async name(person: Person, name: string): Promise<void> {
    if (person.type === 'cgroup') return this.save(renamePerson(this.cgroupOf(person).data, name), person.id);
    const same = [...this.cgroups.values()].find((g) => !g.data.isHidden && g.data.name?.toLowerCase() === name.toLowerCase());
    const cluster = this.takeCluster(person);
    if (same) return this.save(addClusterToPerson(same.data, cluster), same.id);
    return this.save(nameCluster(name, cluster));
  }

  /** Takes a wrong face out of a person: it goes to the person's rejected faces and never rejoins them. */
  async removeFace(person: Person, faceID: string): Promise<void> {
    return this.save(removeFacesFromPerson(this.cgroupOf(person).data, [faceID]), person.id);
  }

  /** Hides a person, or a cluster (Ente's ignore: an unnamed hidden person, so it stays hidden everywhere). */
  async hide(person: Person): Promise<void> {
    if (person.type === 'cgroup') return this.save(setPersonHidden(this.cgroupOf(person).data, true), person.id);
    return this.save(ignoreCluster(this.takeCluster(person)));
  }

  /** The files of the people whose name contains `text` (any case). */
  filesNamed(text: string): { name: string; fileIds: number[] } | undefined {
    const t = text.trim().toLowerCase();
    const p = t ? this.list().find((x) => x.type === 'cgroup' && x.name?.toLowerCase().includes(t)) : undefined;
    return p && { name: p.name!, fileIds: p.fileIds };
  }

  status(): string {
    return `People: ${this.fromMlData} photos from ML data, ${this.indexedHere} indexed here`;
  }

  close(): void {
    void this.worker?.terminate();
    this.worker = null;
    void this.indexer?.then((w) => w.terminate()).catch(() => {});
    this.indexer = null;
    wipe(this.entityKey);
    this.entityKey = null;
  }
}
