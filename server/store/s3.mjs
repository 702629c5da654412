// The blob store (blobs.mjs's interface) over an S3-compatible bucket (@aws-sdk/client-s3).
//
// An upload is a multipart upload of `blobs/<key>`: nothing is readable under that name until
// the claim completes it. S3 refuses parts under 5 MiB except the last, and the gallery sends
// one PATCH per 4 MiB + 17-byte stream chunk, so a piece that would make a short part is kept
// as `uploads/<key>.<n>`, an "incomplete part" object (tusd's s3store does the same), and is
// sent in front of the next piece as part n; the piece that ends the object always becomes a
// part (the last part may be short). Every piece is stored in S3 before it is acknowledged.
//
// Offsets come from S3 alone, so any instance, or one restarted, finds them: the sizes of the
// parts ListParts lists, plus the incomplete part numbered one past the last part. An
// incomplete object numbered at or below the last part was already sent in a part (a crash came
// between the part and deleting it): it is ignored, and deleted on the next append. The
// multipart upload's id is found with ListMultipartUploads (cached in memory, never trusted
// over S3: a stale one fails and is looked up again).
//
// Writes per piece: a piece after an incomplete part is sent again with it, so 4 MiB pieces
// cost 1.5x their bytes in S3 requests. Unclaimed uploads are aborted by upkeep after their
// TTL (discard).
import { createHash } from 'node:crypto';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';

const KEY = /^[0-9a-f]{32}$/;
/** S3's smallest part but the last. */
export const MIN_PART_BYTES = 5 * 1024 * 1024;

const blobName = (key) => `blobs/${checkKey(key)}`;
const incompletePrefix = (key) => `uploads/${checkKey(key)}.`;

function checkKey(key) {
  if (!KEY.test(key)) throw new Error('bad object key');
  return key;
}
/** Content-MD5: S3 refuses a body that arrived other than sent (BadDigest), to its last byte. */
const md5 = (bytes) => createHash('md5').update(bytes).digest('base64');
const notFound = (e) => e?.$metadata?.httpStatusCode === 404 || ['NotFound', 'NoSuchKey', 'NoSuchUpload'].includes(e?.name);

/**
 * Opens the store over `bucket` (created if missing). Options: endpoint, region, accessKeyId,
 * secretAccessKey, forcePathStyle (true for most S3-compatible servers), minPartBytes (S3's 5 MiB).
 */
export async function openS3BlobStore({
  bucket,
  endpoint,
  region = 'us-east-1',
  accessKeyId,
  secretAccessKey,
  forcePathStyle = true,
  minPartBytes = MIN_PART_BYTES,
}) {
  const s3 = new S3Client({
    endpoint,
    region,
    forcePathStyle,
    credentials: accessKeyId ? { accessKeyId, secretAccessKey } : undefined,
    // Only what this code sends: no checksum trailers (some S3-compatible servers refuse them).
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const send = (command) => s3.send(command);
  const Bucket = bucket;
  const uploadIds = new Map(); // key -> multipart upload id (a cache; S3 is the truth)

  const head = async (name) => {
    try {
      return await send(new HeadObjectCommand({ Bucket, Key: name }));
    } catch (e) {
      if (notFound(e)) return undefined;
      throw e;
    }
  };

  /** The multipart upload of `key`, or undefined; `create` starts one when there is none. */
  const uploadIdOf = async (key, { create = false } = {}) => {
    const cached = uploadIds.get(key);
    if (cached) return cached;
    const listed = await send(new ListMultipartUploadsCommand({ Bucket, Prefix: blobName(key) }));
    const found = (listed.Uploads ?? []).filter((u) => u.Key === blobName(key));
    // Two concurrent first pieces cannot happen (the upload's lock), so there is at most one;
    // if a crash ever left two, the oldest is the one parts went to first.
    found.sort((a, b) => new Date(a.Initiated) - new Date(b.Initiated));
    let id = found[0]?.UploadId;
    if (!id && create) id = (await send(new CreateMultipartUploadCommand({ Bucket, Key: blobName(key) }))).UploadId;
    if (id) uploadIds.set(key, id);
    return id;
  };

  const listParts = async (key, uploadId) => {
    const parts = [];
    let marker;
    do {
      const page = await send(new ListPartsCommand({ Bucket, Key: blobName(key), UploadId: uploadId, PartNumberMarker: marker }));
      parts.push(...(page.Parts ?? []));
      marker = page.IsTruncated ? page.NextPartNumberMarker : undefined;
    } while (marker);
    return parts.sort((a, b) => a.PartNumber - b.PartNumber);
  };

  const incompleteObjects = async (key) => {
    const listed = await send(new ListObjectsV2Command({ Bucket, Prefix: incompletePrefix(key) }));
    return (listed.Contents ?? []).map((o) => ({
      name: o.Key,
      part: Number(o.Key.slice(incompletePrefix(key).length)),
      size: o.Size,
    }));
  };

  /** Where an unclaimed upload stands: its id, parts, the next part number and the pending incomplete part. */
  const state = async (key) => {
    const uploadId = await uploadIdOf(key);
    if (!uploadId) return { uploadId, parts: [], next: 1, incomplete: undefined, stale: [], stored: 0 };
    let parts;
    try {
      parts = await listParts(key, uploadId);
    } catch (e) {
      if (!notFound(e)) throw e;
      uploadIds.delete(key); // completed or aborted elsewhere
      return state(key);
    }
    const next = (parts.at(-1)?.PartNumber ?? 0) + 1;
    const objects = await incompleteObjects(key);
    // A listing may show an overwritten object's old size (RGW's bucket index lags); HEAD does not.
    let incomplete = objects.find((o) => o.part === next);
    if (incomplete) {
      const size = (await head(incomplete.name))?.ContentLength;
      incomplete = size === undefined ? undefined : { ...incomplete, size };
    }
    const stale = objects.filter((o) => o.part < next);
    const stored = parts.reduce((sum, p) => sum + p.Size, 0) + (incomplete?.size ?? 0);
    return { uploadId, parts, next, incomplete, stale, stored };
  };

  const readAll = async (name) => {
    const object = await send(new GetObjectCommand({ Bucket, Key: name }));
    return Buffer.from(await object.Body.transformToByteArray());
  };

  const store = {
    async storedBytes(key) {
      const claimed = await head(blobName(key));
      if (claimed) return claimed.ContentLength;
      return (await state(key)).stored;
    },

    async append(key, offset, bytes, size) {
      if ((await uploadIdOf(key)) === undefined) await uploadIdOf(key, { create: true });
      const s = await state(key);
      if (s.stored !== offset) throw new Error(`append at ${offset} but ${s.stored} bytes are stored`);
      const data = s.incomplete ? Buffer.concat([await readAll(s.incomplete.name), bytes]) : bytes;
      const last = offset + bytes.length === size;
      if (data.length >= minPartBytes || last) {
        await send(
          new UploadPartCommand({
            Bucket,
            Key: blobName(key),
            UploadId: s.uploadId,
            PartNumber: s.next,
            Body: data,
            ContentMD5: md5(data),
          }),
        );
        // The part holds the incomplete bytes now: the object numbered s.next is stale from here on.
        for (const o of [...s.stale, ...(s.incomplete ? [s.incomplete] : [])]) {
          await send(new DeleteObjectCommand({ Bucket, Key: o.name }));
        }
      } else {
        await send(new PutObjectCommand({ Bucket, Key: `${incompletePrefix(key)}${s.next}`, Body: data, ContentMD5: md5(data) }));
      }
    },

    async claim(key) {
      if (await head(blobName(key))) return;
      const s = await state(key);
      if (!s.uploadId || s.incomplete) throw new Error('claim of an incomplete upload');
      await send(
        new CompleteMultipartUploadCommand({
          Bucket,
          Key: blobName(key),
          UploadId: s.uploadId,
          MultipartUpload: { Parts: s.parts.map((p) => ({ PartNumber: p.PartNumber, ETag: p.ETag })) },
        }),
      );
      uploadIds.delete(key);
      for (const o of s.stale) await send(new DeleteObjectCommand({ Bucket, Key: o.name }));
    },

    isClaimed: async (key) => (await head(blobName(key))) !== undefined,
    size: async (key) => (await head(blobName(key)))?.ContentLength,

    async read(key, start, end) {
      const object = await send(new GetObjectCommand({ Bucket, Key: blobName(key), Range: `bytes=${start}-${end}` }));
      return object.Body;
    },

    async discard(key) {
      for (let round = 0; round < 10; round++) {
        const id = await uploadIdOf(key);
        if (!id) break;
        uploadIds.delete(key);
        await send(new AbortMultipartUploadCommand({ Bucket, Key: blobName(key), UploadId: id })).catch((e) => {
          if (!notFound(e)) throw e;
        });
      }
      for (const o of await incompleteObjects(key)) await send(new DeleteObjectCommand({ Bucket, Key: o.name }));
      await send(new DeleteObjectCommand({ Bucket, Key: blobName(key) }));
    },

    ready: () => send(new HeadBucketCommand({ Bucket })),
    client: s3,
    bucket,
  };

  try {
    await send(new HeadBucketCommand({ Bucket }));
  } catch (e) {
    if (!notFound(e)) throw e;
    const { CreateBucketCommand } = await import('@aws-sdk/client-s3');
    await send(new CreateBucketCommand({ Bucket }));
  }
  return store;
}
