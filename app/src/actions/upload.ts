// Adding photos and videos (to the album shown, else to the account's first album): every picked
// file ends in the upload report (done, failed with a retry, or not uploaded and why: unsupported,
// empty, too large, already in the library), which stays until dismissed. Each file is hashed
// (Ente's BLAKE2b file hash, in a worker reading the File itself) and skipped if the library
// already has it; otherwise described here (a thumbnail, HEIC decoded, a placeholder when no
// preview can be made; the date, camera and place its EXIF holds), encrypted and uploaded by the
// client one after another with a progress row, then added to the views in place (its thumbnail
// cached from the bytes just made), and indexed for search in one run at the end. An upload cut off (a closed tab) is kept
// (uploads/pending.ts) and resumes from the server's offset when the same file (name, size,
// hash) is picked again; closing the tab while uploads run asks first.
import { cipherSize, isStatus, limits, type Album, type FileMeta, type GalleryFile } from '../../../client/src/index.js';
import type { Ctx } from '../context.js';
import { readPhotoFacts } from '../exif.js';
import { startHashing } from '../hash/remote.js';
import { kindOf, type Kind } from '../kinds.js';
import { describeFile } from '../media.js';
import type { Outcome, ReportItem, UploadRow } from '../state.js';
import { dropPending, keepPending, listPending, notePending, resumeFrom, type Pending } from '../uploads/pending.js';
import { messageOf } from './feedback.js';
import { byDate, defaultAlbum, refreshUsage } from './gallery.js';
import { indexUploaded } from './search.js';
import { findUploadedFaces } from './people.js';

const updateRow = (ctx: Ctx, id: number, patch: Partial<UploadRow>) =>
  ctx.store.set((s) => ({ uploads: s.uploads.map((r) => (r.id === id ? { ...r, ...patch } : r)) }));

/** Failed files kept for "Retry" (by report line), with the album they were going to. */
const retained = new Map<number, { file: File; album: Album }>();
/** Unfinished uploads begun on this page (a failed one is retried from the report, not listed). */
const begunHere = new Set<string>();
let nextId = 1;

function report(ctx: Ctx, item: Omit<ReportItem, 'id'> & { id?: number }): number {
  const id = item.id ?? nextId++;
  ctx.store.set((s) => ({ uploadReport: [...s.uploadReport, { ...item, id }] }));
  return id;
}

/** This account's files by their hash (what an upload would duplicate). */
function ownHashes(ctx: Ctx): Map<string, GalleryFile> {
  const me = ctx.live.session?.id;
  const out = new Map<string, GalleryFile>();
  for (const f of ctx.live.library?.files.values() ?? []) if (f.meta.hash && f.ownerID === me) out.set(f.meta.hash, f);
  return out;
}

/** Why a picked file is not uploaded, or undefined if it is. */
function refusal(file: File, kind: Kind): Outcome | undefined {
  if (file.size === 0) return 'empty';
  if (kind === 'unsupported') return 'unsupported';
  if (cipherSize(file.size) > limits.DEFAULT_MAX_OBJECT_BYTES) return 'too-large';
  return undefined;
}

const REFUSALS: Record<string, string> = {
  empty: 'The file is empty (0 bytes).',
  unsupported: 'Not a photo or video.',
  'too-large': 'Larger than the server takes.',
};

/** Uploads `list` into `album` (by default the one shown, else the account's first album). */
export async function uploadFiles(ctx: Ctx, list: Iterable<File>, album?: Album) {
  const { store, live } = ctx;
  const current = album ?? defaultAlbum(ctx);
  const library = live.library;
  if (!current?.trust?.writable || !library) return; // its own, or a verified share as collaborator
  const picked = [...list];
  const queue: { file: File; kind: Kind; row: UploadRow }[] = [];
  for (const file of picked) {
    const kind = file.size === 0 ? 'unsupported' : await kindOf(file);
    const refused = refusal(file, kind);
    if (refused) report(ctx, { name: file.name, outcome: refused, message: REFUSALS[refused] });
    else
      queue.push({
        file,
        kind,
        row: { id: nextId++, name: file.name, label: `Waiting: ${file.name}`, done: 0, total: file.size },
      });
  }
  store.set((s) => ({ uploads: [...s.uploads, ...queue.map((q) => q.row)] }));
  const pending = await listPending(ctx).catch(() => [] as Pending[]);
  const hashing = startHashing(ctx.base);
  const known = ownHashes(ctx);
  const thumbnails = new Map<GalleryFile, Uint8Array>(); // each file uploaded -> its thumbnail, for search
  try {
    for (const { file, kind, row } of queue) {
      if (library !== live.library) return; // locked meanwhile
      const uploaded = await uploadOne(ctx, file, kind, row, current, pending, hashing.hash, known);
      store.set((s) => ({ uploads: s.uploads.filter((r) => r.id !== row.id) }));
      if (uploaded && !uploaded.placeholder) thumbnails.set(uploaded.file, uploaded.thumbnail);
    }
  } finally {
    hashing.end();
    await showUnfinished(ctx);
  }
  if (thumbnails.size) {
    void refreshUsage(ctx);
    await indexUploaded(ctx, thumbnails);
    await findUploadedFaces(ctx, thumbnails);
  }
}

/** Uploads one file (resuming it if it was cut off before); reports how it ended. */
async function uploadOne(
  ctx: Ctx,
  file: File,
  kind: Kind,
  row: UploadRow,
  current: Album,
  pending: Pending[],
  hash: (f: Blob) => Promise<string>,
  known: Map<string, GalleryFile>,
) {
  const { store, live } = ctx;
  const library = live.library!;
  let target = current;
  try {
    updateRow(ctx, row.id, { label: `Checking ${file.name}` });
    const fileHash = await hash(file);
    const twin = known.get(fileHash);
    if (twin) {
      const where = library.albums.get(twin.collectionID)?.name;
      report(ctx, {
        name: file.name,
        outcome: 'duplicate',
        message: `Already in your library${twin.meta.title !== file.name ? ` as ${twin.meta.title}` : ''}${where ? ` (in “${where}”)` : ''}: skipped.`,
      });
      return undefined;
    }
    updateRow(ctx, row.id, { label: `Reading ${file.name}` });
    const described = await describeFile(ctx.base, file, kind);
    // EXIF's DateTimeOriginal, then CreateDate (digitized), then the file's time.
    const facts = kind === 'image' || kind === 'heif' ? await readPhotoFacts(file) : {};
    // The same file cut off before (name, size and hash): it resumes into its album.
    const match = pending.find((p) => p.name === file.name && p.size === file.size && p.hash === fileHash);
    target = (match && library.albums.get(match.albumId)) || current;
    const meta: FileMeta = {
      title: file.name,
      creationTime: facts.takenAt ?? (file.lastModified || Date.now()) * 1000, // Ente: microseconds
      modificationTime: (file.lastModified || Date.now()) * 1000,
      size: file.size,
      fileType: described.fileType,
      ...(described.width ? { width: described.width, height: described.height } : {}),
      mimeType: described.mimeType,
      hash: fileHash,
      ...(facts.latitude !== undefined ? { latitude: facts.latitude, longitude: facts.longitude } : {}),
      ...(facts.cameraMake ? { cameraMake: facts.cameraMake } : {}),
      ...(facts.cameraModel ? { cameraModel: facts.cameraModel } : {}),
    };
    const input = { contents: file.stream(), size: file.size, thumbnail: described.thumbnail, meta };
    let pendingId = match?.id;
    const progress = (done: number, total: number) => {
      updateRow(ctx, row.id, { done, total });
      if (pendingId) notePending(pendingId, done).catch(() => {});
    };
    const onStarted = async (started: Parameters<typeof keepPending>[2]) => {
      pendingId = await keepPending(
        ctx,
        { albumId: target.id, name: file.name, size: file.size, hash: fileHash },
        started,
        cipherSize(file.size),
      );
      begunHere.add(pendingId);
    };
    if (match) begunHere.add(match.id); // retried from the report if it fails again
    let resume = match ? await resumeFrom(ctx, match).catch(() => undefined) : undefined;
    if (match && !resume) await dropPending(match.id);
    updateRow(ctx, row.id, { label: `${resume ? 'Resuming' : 'Encrypting and uploading'} ${file.name}` });
    let uploaded: GalleryFile;
    try {
      uploaded = await library.upload(target, input, progress, { resume, onStarted });
    } catch (e) {
      // The server no longer has the cut-off upload (dropped after a week): start it over.
      if (!resume || !(isStatus(e, 404) || (e as { code?: string }).code === 'upload_lost')) throw e;
      if (match) await dropPending(match.id);
      resume = undefined;
      pendingId = undefined;
      const again = { ...input, contents: file.stream() };
      uploaded = await library.upload(target, again, progress, { onStarted });
    }
    if (pendingId) await dropPending(pendingId);
    if (library !== live.library) return undefined;
    known.set(fileHash, uploaded);
    live.thumbnails?.put(uploaded, described.thumbnail);
    store.set((s) => {
      const inView = (s.view === 'album' && s.album === target) || s.view === 'timeline';
      return {
        allFiles: s.allFiles && [...s.allFiles, uploaded],
        // The grid gains the file in place (in the timeline, or the album it went to).
        ...(inView && s.files ? { files: [...s.files, uploaded].sort(byDate(s.order)) } : {}),
      };
    });
    report(ctx, {
      name: file.name,
      outcome: 'done',
      placeholder: described.placeholder,
      resumed: match !== undefined && resume !== undefined,
      message: described.placeholder
        ? `No preview could be made (${described.problem}); uploaded with a placeholder.`
        : undefined,
    });
    return { file: uploaded, thumbnail: described.thumbnail, placeholder: described.placeholder };
  } catch (e) {
    if (library !== live.library) return undefined;
    // 413 too_large: over the server's object size; quota_exceeded (also 413): the account is full.
    const tooLarge = isStatus(e, 413) && e.code !== 'quota_exceeded';
    const offline = e instanceof TypeError; // fetch's own failure: no answer at all
    const id = report(ctx, {
      name: file.name,
      outcome: tooLarge ? 'too-large' : 'failed',
      message: tooLarge
        ? REFUSALS['too-large']
        : offline
          ? 'The connection to the server failed.'
          : isStatus(e, 413)
            ? 'Your storage is full.'
            : messageOf(e),
    });
    if (!tooLarge) retained.set(id, { file, album: target });
    return undefined;
  }
}

/** Uploads a failed file again (what the server already has is not sent twice). */
export async function retryUpload(ctx: Ctx, reportId: number) {
  const kept = retained.get(reportId);
  retained.delete(reportId);
  ctx.store.set((s) => ({ uploadReport: s.uploadReport.filter((r) => r.id !== reportId) }));
  if (kept) await uploadFiles(ctx, [kept.file], kept.album);
}

export function dismissReport(ctx: Ctx) {
  retained.clear();
  ctx.store.set({ uploadReport: [] });
}

/** The account closed (lock, log out, an ended session): its failed files are let go. */
export function forgetUploads() {
  retained.clear();
  begunHere.clear();
}

/** The unfinished uploads kept from before (shown above the grid, to resume or forget). */
export async function showUnfinished(ctx: Ctx) {
  const library = ctx.live.library;
  if (!library || !ctx.live.session) return;
  const pending = await listPending(ctx).catch(() => [] as Pending[]);
  const unfinished = pending
    .filter((p) => !begunHere.has(p.id))
    .map((p) => ({
      id: p.id,
      name: p.name,
      size: p.size,
      sent: p.sent,
      total: p.total,
      album: library.albums.get(p.albumId)?.name ?? '',
    }));
  if (library === ctx.live.library) ctx.store.set({ unfinished });
}

/** Forgets the unfinished uploads (the server drops their parts after a week). */
export async function forgetUnfinished(ctx: Ctx) {
  for (const u of ctx.store.get().unfinished) await dropPending(u.id);
  ctx.store.set({ unfinished: [] });
}

/** Closing or reloading the tab while files upload asks first (the browser's own dialog). */
export function warnBeforeLeaving(ctx: Ctx) {
  window.addEventListener('beforeunload', (e) => {
    if (ctx.store.get().uploads.length === 0) return;
    e.preventDefault();
    e.returnValue = ''; // older browsers need a value set
  });
}
