// Decrypted thumbnails as object URLs, at most `capacity` of them: the least recently used is
// evicted and its URL revoked, and clear() (at lock) revokes them all. A thumbnail asked for
// twice while it downloads is downloaded once; one seeded at upload is never downloaded.
import { imageTypeOf } from './image-type.js';

export type ThumbnailLoader<F> = (file: F) => Promise<Uint8Array>;

export class ThumbnailCache<F extends { id: number }> {
  private readonly entries = new Map<number, Promise<string>>(); // in use order: oldest first
  private readonly urls = new Map<number, string>();

  constructor(
    private readonly load: ThumbnailLoader<F>,
    readonly capacity = 1000,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** The thumbnail's object URL, downloading and decrypting it unless it is cached. */
  url(file: F): Promise<string> {
    const cached = this.entries.get(file.id);
    if (cached) {
      this.entries.delete(file.id); // most recently used now
      this.entries.set(file.id, cached);
      return cached;
    }
    const pending: Promise<string> = this.load(file).then((bytes) => this.created(file.id, pending, bytes));
    pending.catch((e) => {
      // A later call retries, unless the thumbnail was refused (its bytes would be the same).
      if (this.entries.get(file.id) === pending && (e as Error)?.name !== 'ThumbnailRejected') this.entries.delete(file.id);
    });
    this.add(file.id, pending);
    return pending;
  }

  /** Caches a thumbnail whose bytes are known (a file just uploaded from this device). */
  put(file: F, bytes: Uint8Array): void {
    this.forget(file.id);
    const pending: Promise<string> = Promise.resolve().then(() => this.created(file.id, pending, bytes));
    this.add(file.id, pending);
  }

  /** Revokes every URL and forgets every thumbnail. */
  clear(): void {
    for (const url of this.urls.values()) URL.revokeObjectURL(url);
    this.urls.clear();
    this.entries.clear();
  }

  private created(id: number, pending: Promise<string>, bytes: Uint8Array): string {
    const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: imageTypeOf(bytes) }));
    if (this.entries.get(id) !== pending) {
      URL.revokeObjectURL(url); // evicted or cleared while it downloaded
      return url;
    }
    this.urls.set(id, url);
    return url;
  }

  private add(id: number, pending: Promise<string>): void {
    this.entries.set(id, pending);
    while (this.entries.size > this.capacity) this.forget(this.entries.keys().next().value!);
  }

  private forget(id: number): void {
    this.entries.delete(id);
    const url = this.urls.get(id);
    if (url) URL.revokeObjectURL(url);
    this.urls.delete(id);
  }
}
