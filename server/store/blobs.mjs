// The blob store: object contents by key. Interface (what the routes call):
//   storedBytes(key) -> bytes of the upload so far (the whole size once claimed), or 0
//   append(key, offset, bytes, size)  writes a piece at `offset` (== storedBytes) of an object
//                   of `size` bytes; resolves only once every byte is durable
//   claim(key)      makes a complete upload readable, atomically (idempotent)
//   isClaimed(key)
//   size(key)       bytes of a claimed blob
//   read(key, start, end)  a readable stream of a claimed blob's bytes [start, end]
//   discard(key)    drops an upload's bytes, claimed or not (stale uploads, orphans)
//   ready()         resolves if the store can be used (readiness)
// This implementation is a folder: pieces are written into uploads/<key>.part to their last
// byte and fsynced before the PATCH is answered; a write that fails part-way (a full disk) is
// cut back to the acknowledged offset, so the upload's offset stays what was acknowledged.
// A claim renames the part into blobs/<key> and fsyncs the folder. A half-written upload sits
// only in uploads/, which nothing reads from. s3.mjs is the same interface over S3.
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
        // write(2) may store fewer bytes than asked (a disk filling up): go on until every byte
        // is written or the system says why not.
        for (let done = 0; done < bytes.length; ) {
          const { bytesWritten } = await fd.write(bytes, done, bytes.length - done, offset + done);
          if (bytesWritten === 0) throw Object.assign(new Error('write stored nothing'), { code: 'EIO' });
          done += bytesWritten;
        }
        await fd.sync();
      } catch (e) {
        // Nothing past the acknowledged offset may stay: it was not acknowledged, and it may not be durable.
        await fd.truncate(offset).catch(() => {});
        await fd.sync().catch(() => {});
        throw e;
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
    async discard(key) {
      await rm(partPath(key), { force: true });
      await rm(blobPath(key), { force: true });
    },
    ready: async () => {
      await stat(blobs);
    },
  };
}

function checkKey(key) {
  if (!KEY.test(key)) throw new Error('bad object key');
  return key;
}
