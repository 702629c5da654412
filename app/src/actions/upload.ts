// Adding photos and videos (to the album shown, else to the account's first album): each is
// hashed (Ente's BLAKE2b file hash, in a worker reading the File itself) and skipped with a note
// if the library already has it; otherwise described here (thumbnail, size, type, and the date,
// camera and place its EXIF holds), encrypted and uploaded by the client one after another with
// a progress row, then added to the views in place (its thumbnail cached from the bytes just made,
// never downloaded), and indexed for search in one run at the end.
import { FILE_TYPE, type FileMeta, type GalleryFile } from '../../../client/src/index.js';
import type { Ctx } from '../context.js';
import { readPhotoFacts } from '../exif.js';
import { startHashing } from '../hash/remote.js';
import { describeFile, streamingType } from '../media.js';
import type { UploadRow } from '../state.js';
import { messageOf } from './feedback.js';
import { byDate, defaultAlbum, refreshUsage } from './gallery.js';
import { indexUploaded } from './search.js';
import { findUploadedFaces } from './people.js';

const updateRow = (ctx: Ctx, id: number, patch: Partial<UploadRow>) =>
  ctx.store.set((s) => ({ uploads: s.uploads.map((r) => (r.id === id ? { ...r, ...patch } : r)) }));

/** Photos and videos only, and never an empty file (Ente refuses those too). */
const uploadable = (f: File) => f.size > 0 && (f.type.startsWith('image/') || f.type.startsWith('video/'));

/** This account's files by their hash (what an upload would duplicate). */
function ownHashes(ctx: Ctx): Map<string, GalleryFile> {
  const me = ctx.live.session?.id;
  const out = new Map<string, GalleryFile>();
  for (const f of ctx.live.library?.files.values() ?? []) if (f.meta.hash && f.ownerID === me) out.set(f.meta.hash, f);
  return out;
}

export async function uploadFiles(ctx: Ctx, list: Iterable<File>) {
  const { store, live } = ctx;
  const target = defaultAlbum(ctx);
  const library = live.library;
  if (!target?.trust?.writable || !library) return; // its own, or a verified share as collaborator
  const files = [...list].filter(uploadable);
  // One row per file, all shown at once (the notes of an earlier batch go); they upload one after another.
  const first = Math.max(0, ...store.get().uploads.map((r) => r.id)) + 1;
  const rows = files.map((f, i) => ({
    id: first + i,
    name: f.name,
    label: `Waiting: ${f.name}`,
    done: 0,
    total: f.size || 1,
    failed: false,
  }));
  store.set((s) => ({ uploads: [...s.uploads.filter((r) => !r.skipped), ...rows] }));
  const known = ownHashes(ctx);
  const hashing = startHashing(ctx.base);
  const thumbnails = new Map<GalleryFile, Uint8Array>(); // each file uploaded -> its thumbnail, for search
  try {
    for (const [i, f] of files.entries()) {
      const row = rows[i];
      updateRow(ctx, row.id, { label: `Checking ${f.name}` });
      try {
        const hash = await hashing.hash(f);
        const twin = known.get(hash);
        if (twin) {
          const where = library.albums.get(twin.collectionID)?.name;
          updateRow(ctx, row.id, {
            label: `${f.name} is already in your library${twin.meta.title !== f.name ? ` as ${twin.meta.title}` : ''}${where ? ` (in “${where}”)` : ''}: skipped.`,
            skipped: true,
          });
          continue;
        }
        updateRow(ctx, row.id, { label: `Encrypting and uploading ${f.name}` });
        const described = await describeFile(f);
        const video = described.fileType === FILE_TYPE.video;
        const facts = video ? {} : await readPhotoFacts(f);
        const meta: FileMeta = {
          title: f.name,
          // Ente: microseconds; EXIF's DateTimeOriginal, then CreateDate (digitized), then the file's time.
          creationTime: facts.takenAt ?? (f.lastModified || Date.now()) * 1000,
          modificationTime: (f.lastModified || Date.now()) * 1000,
          size: f.size,
          fileType: described.fileType,
          width: described.width,
          height: described.height,
          mimeType: video ? ((await streamingType(f)) ?? f.type) : f.type,
          hash,
          ...(facts.latitude !== undefined ? { latitude: facts.latitude, longitude: facts.longitude } : {}),
          ...(facts.cameraMake ? { cameraMake: facts.cameraMake } : {}),
          ...(facts.cameraModel ? { cameraModel: facts.cameraModel } : {}),
        };
        const file = await library.upload(
          target,
          { contents: f.stream(), size: f.size, thumbnail: described.thumbnail, meta },
          (done, total) => updateRow(ctx, row.id, { done, total }),
        );
        if (library !== live.library) return; // locked meanwhile
        known.set(hash, file);
        live.thumbnails?.put(file, described.thumbnail);
        thumbnails.set(file, described.thumbnail);
        store.set((s) => {
          const order = byDate(s.order);
          const inView = (s.view === 'album' && s.album === target) || s.view === 'timeline';
          return {
            uploads: s.uploads.filter((r) => r.id !== row.id),
            allFiles: s.allFiles && [...s.allFiles, file],
            // The grid gains the file in place (in the timeline, or the album it went to).
            ...(inView && s.files ? { files: [...s.files, file].sort(order) } : {}),
          };
        });
      } catch (e) {
        updateRow(ctx, row.id, { label: `${f.name}: ${messageOf(e)}`, failed: true });
      }
    }
  } finally {
    hashing.end();
  }
  if (thumbnails.size) {
    void refreshUsage(ctx);
    await indexUploaded(ctx, thumbnails);
    await findUploadedFaces(ctx, thumbnails);
  }
}
