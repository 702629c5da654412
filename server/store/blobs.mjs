// The blob store: object contents by key. Interface (what the routes call):
//   storedBytes(key) -> bytes of the upload so far (the whole size once claimed), or 0
//   append(key, offset, bytes)  writes a piece at `offset` (== storedBytes) and fsyncs it
//   claim(key)      makes a complete upload readable, atomically (idempotent)
//   isClaimed(key)
//   size(key)       bytes of a claimed blob
//   read(key, start, end)  a readable stream of a claimed blob's bytes [start, end]
//   discard(key)    drops an unclaimed upload's bytes (stale uploads)
//   remove(key)     drops a blob no record references any more (idempotent: a missing blob is fine)
// This implementation is a folder: pieces append to uploads/<key>.part (fsynced before the
// PATCH is answered), a claim renames it into blobs/<key> and fsyncs the folder. A half-written
// upload sits only in uploads/, which nothing reads from. An S3-compatible store would map an
// upload to a multipart upload and a claim to completing it.
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

const KEY = /^[0-9a-f]{32}$/;

export async function openFolderBlobStore(dir) {
  const uploads = join(dir, 'uploads');
  const blobs = join(dir, 'blobs');
  await mkdir(uploads, { recursive: true });
  await mkdir(blobs, { recursive: true });
  const partPath = (key) => join(uploads, `${checkKey(key)}.part`);
  const blobPath = (key) => join(blobs, checkKey(key));

  const sizeOf = async (path) => {
    try {
      return (await stat(path)).size;
    } catch (e) {
      if (e.code === 'ENOENT') return undefined;
      throw e;
    }
  };
  const syncDir = async (path) => {
    const fd = await open(path, 'r');
    try {
      await fd.sync();
    } finally {
      await fd.close();
    }
  };

  return {
    async storedBytes(key) {
      return (await sizeOf(blobPath(key))) ?? (await sizeOf(partPath(key))) ?? 0;
    },
    async append(key, offset, bytes) {
      const fd = await open(partPath(key), offset === 0 ? 'w' : 'r+');
      try {
        await fd.write(bytes, 0, bytes.length, offset);
        await fd.sync();
      } finally {
        await fd.close();
      }
      if (offset === 0) await syncDir(uploads); // the new file's directory entry
    },
    async claim(key) {
      if ((await sizeOf(blobPath(key))) !== undefined) return;
      await rename(partPath(key), blobPath(key));
      await syncDir(blobs);
    },
    isClaimed: async (key) => (await sizeOf(blobPath(key))) !== undefined,
    size: async (key) => sizeOf(blobPath(key)),
    read: (key, start, end) => createReadStream(blobPath(key), { start, end }),
    discard: (key) => rm(partPath(key), { force: true }),
    async remove(key) {
      await rm(blobPath(key), { force: true });
      await rm(partPath(key), { force: true });
      await syncDir(blobs);
    },
  };
}

function checkKey(key) {
  if (!KEY.test(key)) throw new Error('bad object key');
  return key;
}
