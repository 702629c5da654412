// The metadata store (metadata.mjs) written once over a small SQL adapter that sqlite.mjs and
// postgres.mjs provide: get/all/run with `?` placeholders, tx(fn) for a transaction, and the
// dialect's differences (row locks, error classes). Every query here runs on both databases.
import { LastAlbum, LogConflict, NotInTrash, ObjectClaimed, QuotaExceeded, RecordConflict } from './metadata.mjs';

const userRow = (r) =>
  r && {
    id: r.id,
    email: r.email,
    keyAttributes: JSON.parse(r.key_attributes),
    srpUserID: r.srp_user_id,
    srpSalt: r.srp_salt,
    srpVerifier: r.srp_verifier,
    quotaBytes: r.quota_bytes ?? undefined,
  };
const collectionRow = (r) =>
  r && {
    id: r.id,
    ownerID: r.owner_id,
    ownerEmail: r.owner_email,
    encryptedKey: r.encrypted_key,
    keyDecryptionNonce: r.key_decryption_nonce,
    encryptedName: r.encrypted_name,
    nameDecryptionNonce: r.name_decryption_nonce,
    publicToken: r.public_token,
    linkExpiresAt: r.link_expires_at,
    linkAllowDownload: r.link_allow_download === 1,
    updationTime: r.updation_time,
    sharedKey: r.shared_key,
    removalsPrunedThrough: r.removals_pruned_through ?? null,
  };
const fileRow = (r) =>
  r && {
    id: r.id,
    collectionID: r.collection_id,
    ownerID: r.owner_id,
    encryptedKey: r.encrypted_key,
    keyDecryptionNonce: r.key_decryption_nonce,
    file: { objectKey: r.file_object, decryptionHeader: r.file_header, size: r.file_size },
    thumbnail: { objectKey: r.thumb_object, decryptionHeader: r.thumb_header, size: r.thumb_size },
    metadata: { encryptedData: r.metadata_data, decryptionHeader: r.metadata_header },
    magicMetadata: r.magic_data
      ? { version: r.magic_version, encryptedData: r.magic_data, decryptionHeader: r.magic_header }
      : null,
    updationTime: r.updation_time,
    ...(r.trashed_at != null ? { trashedAt: r.trashed_at } : {}),
  };
const objectRow = (r) =>
  r && { objectKey: r.object_key, ownerId: r.owner_id, size: r.size, fileId: r.file_id, lockId: r.lock_id, lockAt: r.lock_at };

const entityRow = (r) =>
  r && {
    id: r.id,
    type: r.type,
    encryptedData: r.encrypted_data ?? null,
    header: r.header ?? null,
    isDeleted: Number(r.is_deleted) === 1,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
/** An entity's next time: now, or just after the account's latest change if that is not earlier. */
const NEXT_ENTITY_TIME =
  'SELECT max(t) FROM (SELECT CAST(? AS BIGINT) AS t UNION ALL SELECT max(updated_at) + 1 FROM entities WHERE user_id = ?) times';

const FILE_SELECT = `SELECT f.*, fo.size AS file_size, tho.size AS thumb_size FROM files f
  JOIN objects fo ON fo.object_key = f.file_object JOIN objects tho ON tho.object_key = f.thumb_object`;
// A file as one album (or the trash) holds it: the record's own columns, and the key wrap and
// time of that membership (no column named twice: the two databases disagree on which one wins).
const FILE_OWN = `f.id, f.owner_id, f.file_object, f.file_header, f.thumb_object, f.thumb_header, f.metadata_data,
  f.metadata_header, f.magic_version, f.magic_data, f.magic_header, fo.size AS file_size, tho.size AS thumb_size`;
const OBJECT_JOINS = 'JOIN objects fo ON fo.object_key = f.file_object JOIN objects tho ON tho.object_key = f.thumb_object';
const MEMBER_SELECT = `SELECT ${FILE_OWN}, cf.collection_id, cf.encrypted_key, cf.key_decryption_nonce,
  cf.updation_time FROM collection_files cf JOIN files f ON f.id = cf.file_id ${OBJECT_JOINS}`;
const TRASH_SELECT = `SELECT ${FILE_OWN}, t.collection_id, t.encrypted_key, t.key_decryption_nonce,
  t.trashed_at AS updation_time, t.trashed_at FROM trash t JOIN files f ON f.id = t.file_id ${OBJECT_JOINS}`;
const COLLECTION_SELECT =
  'SELECT c.*, u.email AS owner_email FROM collections c JOIN users u ON u.id = c.owner_id WHERE c.deleted = 0 AND';
const ZERO_HASH = '0'.repeat(64);
const USAGE = 'SELECT CAST(coalesce(sum(size), 0) AS BIGINT) AS used, count(*) AS objects FROM objects WHERE owner_id = ?';

const ONLY_HERE = `SELECT cf.file_id FROM collection_files cf WHERE cf.collection_id = ? AND NOT EXISTS
  (SELECT 1 FROM collection_files o WHERE o.file_id = cf.file_id AND o.collection_id != cf.collection_id)
  ORDER BY cf.file_id`;

// A membership's end is kept (collection_file_removals, migration 7) in the transaction that
// deletes it, so the listing of changes says a file left; a file that joins again clears it.
const REMOVAL_UPSERT = 'ON CONFLICT (collection_id, file_id) DO UPDATE SET updation_time = excluded.updation_time';
/** Notes in `t` that a file left an album at `now`. */
const noteRemoval = (t, collectionId, fileId, now) =>
  t.run(`INSERT INTO collection_file_removals (collection_id, file_id, updation_time) VALUES (?, ?, ?) ${REMOVAL_UPSERT}`, [
    collectionId,
    fileId,
    now,
  ]);
/** Notes in `t` that a file leaves every album it is in (before its memberships are deleted); their ids. */
async function noteRemovalsEverywhere(t, fileId, now) {
  const albums = (
    await t.all('SELECT collection_id FROM collection_files WHERE file_id = ? ORDER BY collection_id', [fileId])
  ).map((r) => r.collection_id);
  for (const id of albums) await noteRemoval(t, id, fileId, now);
  return albums;
}
const clearRemoval = (t, collectionId, fileId) =>
  t.run('DELETE FROM collection_file_removals WHERE collection_id = ? AND file_id = ?', [collectionId, fileId]);

/** Adds (or re-wraps) a file in an album inside transaction `t`. */
async function addMember(t, collectionId, e, addedBy, now) {
  await clearRemoval(t, collectionId, e.fileId);
  await t.run(
    `INSERT INTO collection_files (collection_id, file_id, encrypted_key, key_decryption_nonce, added_by, updation_time)
     VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (collection_id, file_id) DO UPDATE SET
     encrypted_key = excluded.encrypted_key, key_decryption_nonce = excluded.key_decryption_nonce,
     updation_time = excluded.updation_time`,
    [collectionId, e.fileId, e.encryptedKey, e.keyDecryptionNonce, addedBy, now],
  );
}
const touchCollections = async (t, ids, now) => {
  for (const id of new Set(ids)) await t.run('UPDATE collections SET updation_time = ? WHERE id = ?', [now, id]);
};

/** Deletes file records and queues their blobs in transaction `t` (both happen or neither). */
async function deleteFilesNow(t, fileIds, now) {
  const keys = [];
  for (const id of fileIds) {
    const f = await t.get('SELECT file_object, thumb_object FROM files WHERE id = ?', [id]);
    if (!f) continue;
    await touchCollections(t, await noteRemovalsEverywhere(t, id, now), now); // none for a trashed file
    await t.run('DELETE FROM files WHERE id = ?', [id]); // its memberships, trash entry and ML data go with it
    for (const key of [f.file_object, f.thumb_object]) {
      await t.run('DELETE FROM objects WHERE object_key = ?', [key]);
      await t.run('INSERT INTO dead_objects (object_key, queued_at) VALUES (?, ?) ON CONFLICT DO NOTHING', [key, now]);
      keys.push(key);
    }
  }
  return keys;
}

/** The metadata interface over `db` (an adapter from sqlite.mjs or postgres.mjs). */
export function sqlMetadataStore(db) {
  const { get, all, run, tx } = db;
  /** Locks the file rows `ids` for the transaction (PostgreSQL; SQLite's writer is alone), in id order. */
  const lockFiles = async (t, ids) => {
    if (!db.forUpdate) return;
    for (const id of [...ids].sort((a, b) => a - b)) await t.get(`SELECT id FROM files WHERE id = ?${db.forUpdate}`, [id]);
  };

  /** Appends `log` (an entry checked by the route) at the head of its album's log, or throws LogConflict. */
  const appendIn = async (t, collectionId, log) => {
    // The album's row locked first (PostgreSQL): two appends to one album take turns.
    await t.get(`SELECT id FROM collections WHERE id = ?${db.forUpdate}`, [collectionId]);
    const head = await t.get('SELECT seq, hash FROM album_log WHERE collection_id = ? ORDER BY seq DESC LIMIT 1', [collectionId]);
    const seq = head ? head.seq + 1 : 0;
    if (log.seq !== seq || log.prev !== (head ? head.hash : ZERO_HASH)) throw new LogConflict(head);
    await t.run('INSERT INTO album_log (collection_id, seq, entry, signature, hash) VALUES (?, ?, ?, ?, ?)', [
      collectionId,
      log.seq,
      log.entry,
      log.signature,
      log.hash,
    ]);
  };
  /** Runs `change(t)` and appends `log` (if any) in one transaction: both happen or neither. */
  const withLog = (collectionId, log, change) =>
    tx(async (t) => {
      if (log) await appendIn(t, collectionId, log);
      return change(t);
    });
  /** Runs `change(t)` and appends `logs` ([{ collectionId, ...log }], each album's in order) in one transaction. */
  const withLogs = (logs, change) =>
    tx(async (t) => {
      // Albums' rows are locked in id order (PostgreSQL), so two changes touching the same albums take turns.
      for (const id of [...new Set(logs.map((l) => l.collectionId))].sort((a, b) => a - b))
        for (const log of logs.filter((l) => l.collectionId === id)) await appendIn(t, id, log);
      return change(t);
    });
  const touch = (t, collectionId, now) => t.run('UPDATE collections SET updation_time = ? WHERE id = ?', [now, collectionId]);

  return {
    dialect: db.dialect,

    async createUser({ email, keyAttributes, srpUserID, srpSalt, srpVerifier, now }) {
      const { rows } = await run(
        `INSERT INTO users (email, key_attributes, srp_user_id, srp_salt, srp_verifier, creation_time)
         VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id`,
        [email, JSON.stringify(keyAttributes), srpUserID, srpSalt, srpVerifier, now],
      );
      return rows.length === 1 ? rows[0].id : null;
    },
    userById: async (id) => userRow(await get('SELECT * FROM users WHERE id = ?', [id])),
    userByEmail: async (email) => userRow(await get('SELECT * FROM users WHERE email = ?', [email])),
    userBySrpUserID: async (srpUserID) => userRow(await get('SELECT * FROM users WHERE srp_user_id = ?', [srpUserID])),
    async replaceLogin(userId, { keyAttributes, srpUserID, srpSalt, srpVerifier }) {
      await run('UPDATE users SET key_attributes = ?, srp_user_id = ?, srp_salt = ?, srp_verifier = ? WHERE id = ?', [
        JSON.stringify(keyAttributes),
        srpUserID,
        srpSalt,
        srpVerifier,
        userId,
      ]);
    },
    /**
     * An identity (the signing key's fields) added to an older account's key attributes, if they
     * are still `previous` (two devices adding one at once: the second gets false).
     */
    setKeyAttributes: async (userId, keyAttributes, previous) =>
      (
        await run('UPDATE users SET key_attributes = ? WHERE id = ? AND key_attributes = ?', [
          JSON.stringify(keyAttributes),
          userId,
          JSON.stringify(previous),
        ])
      ).changes === 1,
    /** Bytes of every object the account created (claimed or being uploaded), and how many. */
    async usage(userId) {
      const r = await get(USAGE, [userId]);
      return { usedBytes: r.used, objects: r.objects };
    },
    async setQuota(userId, quotaBytes) {
      await run('UPDATE users SET quota_bytes = ? WHERE id = ?', [quotaBytes ?? null, userId]);
    },

    async addToken(hash, userId, expiresAt) {
      await run('INSERT INTO tokens (hash, user_id, expires_at) VALUES (?, ?, ?)', [hash, userId, expiresAt]);
    },
    tokenUserId: async (hash, now) =>
      (await get('SELECT user_id FROM tokens WHERE hash = ? AND expires_at > ?', [hash, now]))?.user_id,
    async deleteToken(hash) {
      await run('DELETE FROM tokens WHERE hash = ?', [hash]);
    },
    async deleteUserTokens(userId) {
      await run('DELETE FROM tokens WHERE user_id = ?', [userId]);
    },

    async addAuthFailure(subject, at) {
      await run('INSERT INTO attempt_failures (subject, at) VALUES (?, ?)', [subject, at]);
    },
    authFailuresSince: (subject, since) =>
      get('SELECT count(*) AS count, min(at) AS oldest FROM attempt_failures WHERE subject = ? AND at > ?', [subject, since]),

    async createCollection({ ownerID, encryptedKey, keyDecryptionNonce, encryptedName, nameDecryptionNonce, now }) {
      const { rows } = await run(
        `INSERT INTO collections (owner_id, encrypted_key, key_decryption_nonce, encrypted_name, name_decryption_nonce,
         updation_time) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
        [ownerID, encryptedKey, keyDecryptionNonce, encryptedName, nameDecryptionNonce, now],
      );
      return rows[0].id;
    },
    collection: async (id) => collectionRow(await get(`${COLLECTION_SELECT} c.id = ?`, [id])),
    collectionsOf: async (userId) =>
      (
        await all(
          `SELECT c.*, u.email AS owner_email, NULL AS shared_key FROM collections c
             JOIN users u ON u.id = c.owner_id WHERE c.owner_id = ? AND c.deleted = 0
           UNION ALL
           SELECT c.*, u.email AS owner_email, s.encrypted_key AS shared_key FROM collections c
             JOIN users u ON u.id = c.owner_id JOIN shares s ON s.collection_id = c.id
             WHERE s.user_id = ? AND c.deleted = 0
           ORDER BY id`,
          [userId, userId],
        )
      ).map(collectionRow),
    sharees: async (collectionId) =>
      (
        await all(
          `SELECT u.id, u.email, s.encrypted_key, s.role FROM shares s JOIN users u ON u.id = s.user_id
           WHERE s.collection_id = ? ORDER BY u.id`,
          [collectionId],
        )
      ).map((r) => ({ id: r.id, email: r.email, encryptedKey: r.encrypted_key, role: r.role })),
    setShare: (collectionId, userId, encryptedKey, now, role = 'viewer', log = undefined) =>
      withLog(collectionId, log, async (t) => {
        await t.run(
          `INSERT INTO shares (collection_id, user_id, encrypted_key, role) VALUES (?, ?, ?, ?)
           ON CONFLICT (collection_id, user_id) DO UPDATE SET encrypted_key = excluded.encrypted_key, role = excluded.role`,
          [collectionId, userId, encryptedKey, role],
        );
        await touch(t, collectionId, now);
      }),
    removeShare: (collectionId, userId, now, log = undefined) =>
      withLog(collectionId, log, async (t) => {
        await t.run('DELETE FROM shares WHERE collection_id = ? AND user_id = ?', [collectionId, userId]);
        await touch(t, collectionId, now);
      }),
    setRole: (collectionId, userId, role, now, log = undefined) =>
      withLog(collectionId, log, async (t) => {
        await t.run('UPDATE shares SET role = ? WHERE collection_id = ? AND user_id = ?', [role, collectionId, userId]);
        await touch(t, collectionId, now);
      }),
    renameCollection: (collectionId, { encryptedName, nameDecryptionNonce }, now, log = undefined) =>
      withLog(collectionId, log, async (t) => {
        await t.run('UPDATE collections SET encrypted_name = ?, name_decryption_nonce = ?, updation_time = ? WHERE id = ?', [
          encryptedName,
          nameDecryptionNonce,
          now,
          collectionId,
        ]);
      }),
    async setPublicToken(collectionId, token, now) {
      await run('UPDATE collections SET public_token = ?, updation_time = ? WHERE id = ?', [token, now, collectionId]);
    },
    setPublicLink: (collectionId, { token, expiresAt = 0, allowDownload = true }, now, log = undefined) =>
      withLog(collectionId, log, async (t) => {
        await t.run(
          `UPDATE collections SET public_token = ?, link_expires_at = ?, link_allow_download = ?, updation_time = ?
           WHERE id = ?`,
          [token, expiresAt, allowDownload ? 1 : 0, now, collectionId],
        );
      }),
    collectionByPublicToken: async (token) => collectionRow(await get(`${COLLECTION_SELECT} c.public_token = ?`, [token])),

    /**
     * A new upload of `size` bytes, unless it would take the account over `quotaBytes` (then
     * QuotaExceeded). The account's row is locked meanwhile, so two instances cannot both
     * pass the check.
     */
    createObject: (objectKey, ownerId, size, now, quotaBytes = Number.MAX_SAFE_INTEGER) =>
      tx(async (t) => {
        const owner = await t.get(`SELECT quota_bytes FROM users WHERE id = ?${db.forUpdate}`, [ownerId]);
        const quota = owner?.quota_bytes ?? quotaBytes;
        const { used } = await t.get(USAGE, [ownerId]);
        if (used + size > quota) throw new QuotaExceeded(used, quota);
        await t.run('INSERT INTO objects (object_key, owner_id, size, creation_time) VALUES (?, ?, ?, ?)', [
          objectKey,
          ownerId,
          size,
          now,
        ]);
      }),
    object: async (objectKey) => objectRow(await get('SELECT * FROM objects WHERE object_key = ?', [objectKey])),

    /**
     * Takes the lock of the objects `keys` for `lockId`: free ones, and ones whose holder has
     * shown no sign of life since `staleBefore` (taken over, as tusd does). All or none.
     */
    lockObjects: (keys, lockId, now, staleBefore) =>
      tx(async (t) => {
        for (const key of keys) {
          const { changes } = await t.run(
            `UPDATE objects SET lock_id = ?, lock_at = ? WHERE object_key = ?
             AND (lock_id IS NULL OR lock_id = ? OR lock_at < ?)`,
            [lockId, now, key, lockId, staleBefore],
          );
          if (changes !== 1) throw new ObjectLocked();
        }
        return true;
      }).catch((e) => {
        if (e instanceof ObjectLocked) return false;
        throw e;
      }),
    /** A sign of life from the holder: false once another request took the lock over. */
    touchLock: async (key, lockId, now) =>
      (await run('UPDATE objects SET lock_at = ? WHERE object_key = ? AND lock_id = ?', [now, key, lockId])).changes === 1,
    async unlockObjects(keys, lockId) {
      for (const key of keys) {
        await run('UPDATE objects SET lock_id = NULL, lock_at = NULL WHERE object_key = ? AND lock_id = ?', [key, lockId]);
      }
    },

    /**
     * The file record, claiming both objects in the same transaction (ObjectClaimed if taken),
     * and its album log entry `log` if given (LogConflict off the head).
     */
    async createFile(r, now, log = undefined) {
      try {
        return await withLog(r.collectionID, log, async (t) => {
          const { rows } = await t.run(
            `INSERT INTO files (collection_id, owner_id, encrypted_key, key_decryption_nonce, file_object,
             file_header, thumb_object, thumb_header, metadata_data, metadata_header, updation_time)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
            [
              r.collectionID,
              r.ownerID,
              r.encryptedKey,
              r.keyDecryptionNonce,
              r.file.objectKey,
              r.file.decryptionHeader,
              r.thumbnail.objectKey,
              r.thumbnail.decryptionHeader,
              r.metadata.encryptedData,
              r.metadata.decryptionHeader,
              now,
            ],
          );
          const id = rows[0].id;
          for (const key of [r.file.objectKey, r.thumbnail.objectKey]) {
            const claimed = await t.run('UPDATE objects SET file_id = ? WHERE object_key = ? AND file_id IS NULL', [id, key]);
            if (claimed.changes !== 1) throw new ObjectClaimed();
          }
          await addMember(
            t,
            r.collectionID,
            { fileId: id, encryptedKey: r.encryptedKey, keyDecryptionNonce: r.keyDecryptionNonce },
            r.ownerID,
            now,
          ); // clears a removal of an earlier record with this id (SQLite may reuse the largest one)
          await t.run('UPDATE collections SET updation_time = ? WHERE id = ?', [now, r.collectionID]);
          return { id, updationTime: now };
        });
      } catch (e) {
        if (db.isUniqueViolation(e)) throw new ObjectClaimed();
        throw e;
      }
    },
    /** Deletes a file record and its objects' rows (ML data goes with it); returns the object keys. */
    removeFile: (file, now, log = undefined) =>
      withLog(file.collectionID, log, async (t) => {
        const albums = await noteRemovalsEverywhere(t, file.id, now);
        await t.run('DELETE FROM files WHERE id = ?', [file.id]);
        for (const key of [file.file.objectKey, file.thumbnail.objectKey]) {
          await t.run('DELETE FROM objects WHERE object_key = ?', [key]);
        }
        await touchCollections(t, [file.collectionID, ...albums], now);
        return [file.file.objectKey, file.thumbnail.objectKey];
      }),
    unclaimedObjectsBefore: async (time) =>
      (
        await all(
          `SELECT object_key FROM objects WHERE file_id IS NULL AND creation_time < ?
           AND object_key NOT IN (SELECT file_object FROM files UNION SELECT thumb_object FROM files)`,
          [time],
        )
      ).map((r) => r.object_key),
    async deleteUnclaimedObject(objectKey) {
      await run('DELETE FROM objects WHERE object_key = ? AND file_id IS NULL', [objectKey]);
    },
    file: async (id) => fileRow(await get(`${FILE_SELECT} WHERE f.id = ?`, [id])),
    /** Up to `limit` files of a collection after the cursor { time, id } (or from the start), oldest change first. */
    filesPage: async (collectionId, after, limit) =>
      (
        await all(
          after
            ? `${MEMBER_SELECT} WHERE cf.collection_id = ?
               AND (cf.updation_time > ? OR (cf.updation_time = ? AND cf.file_id > ?))
               ORDER BY cf.updation_time, cf.file_id LIMIT ?`
            : `${MEMBER_SELECT} WHERE cf.collection_id = ? ORDER BY cf.updation_time, cf.file_id LIMIT ?`,
          after ? [collectionId, after.time, after.time, after.id, limit] : [collectionId, limit],
        )
      ).map(fileRow),

    /**
     * Up to `limit` changes of a collection after the cursor { time, id }, in one order (update
     * time, then file id): its members (file rows) and the files that left it ({ id, updationTime,
     * removed: true }). One statement, so the page is one snapshot of both tables.
     */
    fileChanges: async (collectionId, after, limit) =>
      (
        await all(
          `SELECT ${FILE_OWN}, cf.collection_id, cf.encrypted_key, cf.key_decryption_nonce, cf.updation_time, 0 AS removed
             FROM collection_files cf JOIN files f ON f.id = cf.file_id ${OBJECT_JOINS}
             WHERE cf.collection_id = ? AND (cf.updation_time > ? OR (cf.updation_time = ? AND cf.file_id > ?))
           UNION ALL
           SELECT r.file_id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, r.collection_id,
             NULL, NULL, r.updation_time, 1 FROM collection_file_removals r
             WHERE r.collection_id = ? AND (r.updation_time > ? OR (r.updation_time = ? AND r.file_id > ?))
           ORDER BY updation_time, id LIMIT ?`,
          [collectionId, after.time, after.time, after.id, collectionId, after.time, after.time, after.id, limit],
        )
      ).map((r) => (Number(r.removed) === 1 ? { id: r.id, updationTime: r.updation_time, removed: true } : fileRow(r))),
    /**
     * Forgets removals noted before `before`; each album that lost some keeps the latest time it
     * lost (`removalsPrunedThrough`), so a cursor from before it is refused rather than answered
     * without them.
     */
    pruneRemovals: (before) =>
      tx(async (t) => {
        const pruned = await t.all(
          `SELECT collection_id, max(updation_time) AS through FROM collection_file_removals WHERE updation_time < ?
           GROUP BY collection_id ORDER BY collection_id`,
          [before],
        );
        for (const { collection_id: id, through } of pruned) {
          await t.run(
            `UPDATE collections SET removals_pruned_through = ?
             WHERE id = ? AND (removals_pruned_through IS NULL OR removals_pruned_through < ?)`,
            [through, id, through],
          );
        }
        await t.run('DELETE FROM collection_file_removals WHERE updation_time < ?', [before]);
      }),

    // ---- organising and the trash ----

    /** The albums (ids) a file is in. */
    collectionsOfFile: async (fileId) =>
      (await all('SELECT collection_id FROM collection_files WHERE file_id = ? ORDER BY collection_id', [fileId])).map(
        (r) => r.collection_id,
      ),
    isInCollection: async (collectionId, fileId) =>
      Boolean(await get('SELECT 1 AS yes FROM collection_files WHERE collection_id = ? AND file_id = ?', [collectionId, fileId])),
    /** Adds files to an album, each with its key wrapped by the album key ([{ fileId, encryptedKey, keyDecryptionNonce }]). */
    addToCollection: (collectionId, entries, addedBy, now, logs = []) =>
      withLogs(logs, async (t) => {
        for (const e of entries) await addMember(t, collectionId, e, addedBy, now);
        await touchCollections(t, [collectionId], now);
      }),
    /** Removes files from an album; throws LastAlbum (and changes nothing) if one would be in none. */
    removeFromCollection: (collectionId, fileIds, now, logs = []) =>
      withLogs(logs, async (t) => {
        await lockFiles(t, fileIds);
        for (const id of fileIds) {
          const { changes } = await t.run('DELETE FROM collection_files WHERE collection_id = ? AND file_id = ?', [
            collectionId,
            id,
          ]);
          if (changes === 1) await noteRemoval(t, collectionId, id, now);
          const { n } = await t.get('SELECT count(*) AS n FROM collection_files WHERE file_id = ?', [id]);
          if (Number(n) === 0) throw new LastAlbum(id);
        }
        await touchCollections(t, [collectionId], now);
      }),
    /** Moves files from one album to another (added there with their new key wraps, then removed here). */
    moveBetweenCollections: (fromId, toId, entries, addedBy, now, logs = []) =>
      withLogs(logs, async (t) => {
        await lockFiles(
          t,
          entries.map((e) => e.fileId),
        );
        for (const e of entries) {
          await addMember(t, toId, e, addedBy, now);
          const { changes } = await t.run('DELETE FROM collection_files WHERE collection_id = ? AND file_id = ?', [
            fromId,
            e.fileId,
          ]);
          if (changes === 1) await noteRemoval(t, fromId, e.fileId, now);
        }
        await touchCollections(t, [fromId, toId], now);
      }),
    /** Files only in this album (deleting it would leave them in none). */
    filesOnlyIn: async (collectionId) => (await all(ONLY_HERE, [collectionId])).map((r) => r.file_id),
    /** Deletes an album: its memberships, shares and link go; throws LastAlbum if a file would be left in none. */
    deleteCollection: (collectionId, now) =>
      tx(async (t) => {
        await t.all(
          `SELECT id FROM files WHERE id IN (SELECT file_id FROM collection_files WHERE collection_id = ?)
           ORDER BY id${db.forUpdate}`,
          [collectionId],
        );
        const orphan = await t.get(ONLY_HERE, [collectionId]);
        if (orphan) throw new LastAlbum(orphan.file_id);
        await t.run(
          `INSERT INTO collection_file_removals (collection_id, file_id, updation_time)
           SELECT collection_id, file_id, ? FROM collection_files WHERE collection_id = ? ${REMOVAL_UPSERT}`,
          [now, collectionId],
        );
        await t.run('DELETE FROM collection_files WHERE collection_id = ?', [collectionId]);
        await t.run('DELETE FROM shares WHERE collection_id = ?', [collectionId]);
        await t.run('UPDATE collections SET deleted = 1, public_token = NULL, updation_time = ? WHERE id = ?', [
          now,
          collectionId,
        ]);
      }),
    /** Moves files to the trash ([{ fileId, ownerId, encryptedKey, keyDecryptionNonce }], keys under the master key). */
    trashFiles: (entries, now, logs = []) =>
      withLogs(logs, async (t) => {
        await lockFiles(
          t,
          entries.map((e) => e.fileId),
        );
        const albums = [];
        for (const e of entries) {
          const was = await noteRemovalsEverywhere(t, e.fileId, now);
          albums.push(...was);
          await t.run(
            `INSERT INTO trash (file_id, owner_id, encrypted_key, key_decryption_nonce, collection_id, trashed_at)
             VALUES (?, ?, ?, ?, ?, ?)`,
            [e.fileId, e.ownerId, e.encryptedKey, e.keyDecryptionNonce, was[0] ?? null, now],
          );
          await t.run('DELETE FROM collection_files WHERE file_id = ?', [e.fileId]);
          await t.run('UPDATE files SET updation_time = ? WHERE id = ?', [now, e.fileId]);
        }
        await touchCollections(t, albums, now);
      }),
    isTrashed: async (fileId) => Boolean(await get('SELECT 1 AS yes FROM trash WHERE file_id = ?', [fileId])),
    /** The account's trash, most recently deleted first. */
    trashOf: async (userId) =>
      (await all(`${TRASH_SELECT} WHERE t.owner_id = ? ORDER BY t.trashed_at DESC, f.id DESC`, [userId])).map(fileRow),
    /** Puts trashed files back into an album, each with its key wrapped by the album key. */
    restoreFiles: (collectionId, entries, addedBy, now, logs = []) =>
      withLogs(logs, async (t) => {
        for (const e of entries) {
          const { changes } = await t.run('DELETE FROM trash WHERE file_id = ?', [e.fileId]);
          if (changes !== 1) throw new NotInTrash(e.fileId);
          await addMember(t, collectionId, e, addedBy, now);
          await t.run('UPDATE files SET updation_time = ? WHERE id = ?', [now, e.fileId]);
        }
        await touchCollections(t, [collectionId], now);
      }),
    /** Deletes files for good (records, ML data) and queues their blobs; returns the object keys queued. */
    deleteFiles: (fileIds, now) => tx((t) => deleteFilesNow(t, fileIds, now)),
    /** Trashed files deleted before `before` deleted for good (their blobs queued). */
    purgeTrash: (before, now) =>
      tx(async (t) =>
        deleteFilesNow(
          t,
          (await t.all('SELECT file_id FROM trash WHERE trashed_at < ? ORDER BY file_id', [before])).map((r) => r.file_id),
          now,
        ),
      ),
    /** Blobs to delete (no record references them), oldest first; `forgetDeadObject` once deleted. */
    deadObjects: async (limit = 1000) =>
      (await all('SELECT object_key FROM dead_objects ORDER BY queued_at, object_key LIMIT ?', [limit])).map((r) => r.object_key),
    async forgetDeadObject(objectKey) {
      await run('DELETE FROM dead_objects WHERE object_key = ?', [objectKey]);
    },
    /** Compare-and-swap of a file's magic metadata: true if `version` was the stored one + 1. */
    setMagicMetadata: (fileId, version, encryptedData, decryptionHeader, now) =>
      tx(async (t) => {
        const { changes } = await t.run(
          `UPDATE files SET magic_version = ?, magic_data = ?, magic_header = ?, updation_time = ?
           WHERE id = ? AND magic_version = ?`,
          [version, encryptedData, decryptionHeader, now, fileId, version - 1],
        );
        // Its albums' listings change too (paged by membership time).
        if (changes === 1) await t.run('UPDATE collection_files SET updation_time = ? WHERE file_id = ?', [now, fileId]);
        return changes === 1;
      }),

    async setMlData(fileId, encryptedData, decryptionHeader, now) {
      await run(
        `INSERT INTO ml_data (file_id, encrypted_data, decryption_header, updation_time) VALUES (?, ?, ?, ?)
         ON CONFLICT (file_id) DO UPDATE SET encrypted_data = excluded.encrypted_data,
         decryption_header = excluded.decryption_header, updation_time = excluded.updation_time`,
        [fileId, encryptedData, decryptionHeader, now],
      );
    },
    /** Up to `limit` of a collection's ML data entries after the cursor { time, id }, oldest change first: ids, times and sizes. */
    // After a cursor the ML data's time index leads (CROSS JOIN keeps SQLite's join order) and its
    // range starts at the cursor: a device asking "what changed since" reads only the rows after
    // it. Led by the album's memberships instead, SQLite looked up every file's ML data and sorted
    // them: 226 ms for an empty answer at 100,000 photos (the gallery-search-ready bench), 49 ms
    // against 0.2 ms in memory. Without a cursor the album's memberships lead, as before.
    mlChanges: async (collectionId, after, limit) =>
      (
        await all(
          after
            ? `SELECT m.file_id, m.updation_time, LENGTH(m.encrypted_data) AS bytes FROM ml_data m
               CROSS JOIN collection_files cf WHERE cf.file_id = m.file_id AND cf.collection_id = ?
               AND m.updation_time >= ? AND (m.updation_time > ? OR m.file_id > ?)
               ORDER BY m.updation_time, m.file_id LIMIT ?`
            : `SELECT m.file_id, m.updation_time, LENGTH(m.encrypted_data) AS bytes FROM ml_data m
               JOIN collection_files cf ON cf.file_id = m.file_id WHERE cf.collection_id = ?
               ORDER BY m.updation_time, m.file_id LIMIT ?`,
          after ? [collectionId, after.time, after.time, after.id, limit] : [collectionId, limit],
        )
      ).map((r) => ({ fileID: Number(r.file_id), updationTime: Number(r.updation_time), bytes: Number(r.bytes) })),
    async mlDataOf(fileIds) {
      if (fileIds.length === 0) return [];
      const rows = await all(
        `SELECT file_id, encrypted_data, decryption_header FROM ml_data WHERE file_id IN (${fileIds.map(() => '?').join(', ')})`,
        fileIds,
      );
      const byId = new Map(rows.map((r) => [r.file_id, r]));
      return fileIds
        .map((id) => byId.get(id))
        .filter(Boolean)
        .map((r) => ({ fileID: r.file_id, encryptedData: r.encrypted_data, decryptionHeader: r.decryption_header }));
    },

    // ---- album logs and account records (the trust layer) ----

    appendLog: (collectionId, log) => withLog(collectionId, log, async () => {}),
    logHead: (collectionId) =>
      get('SELECT seq, hash FROM album_log WHERE collection_id = ? ORDER BY seq DESC LIMIT 1', [collectionId]),
    logFrom: (collectionId, since, limit) =>
      all('SELECT seq, entry, signature FROM album_log WHERE collection_id = ? AND seq >= ? ORDER BY seq LIMIT ?', [
        collectionId,
        since,
        limit,
      ]),
    async record(userId) {
      const r = await get('SELECT version, encrypted_data, decryption_nonce FROM account_records WHERE user_id = ?', [userId]);
      return r && { version: r.version, encryptedData: r.encrypted_data, decryptionNonce: r.decryption_nonce };
    },
    /** Stores version `version` if the stored one is `version - 1` (none: 0); else RecordConflict. */
    async putRecord(userId, { version, encryptedData, decryptionNonce }, now) {
      const done =
        version === 1
          ? await run(
              `INSERT INTO account_records (user_id, version, encrypted_data, decryption_nonce, updation_time)
               VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
              [userId, version, encryptedData, decryptionNonce, now],
            )
          : await run(
              `UPDATE account_records SET version = ?, encrypted_data = ?, decryption_nonce = ?, updation_time = ?
               WHERE user_id = ? AND version = ?`,
              [version, encryptedData, decryptionNonce, now, userId, version - 1],
            );
      if (done.changes !== 1) {
        const stored = await get('SELECT version FROM account_records WHERE user_id = ?', [userId]);
        throw new RecordConflict(stored?.version ?? 0);
      }
    },

    // ---- user entities (Ente's: people as "cgroup") ----

    async entityKey(userId, type) {
      const r = await get('SELECT encrypted_key, header, created_at FROM entity_keys WHERE user_id = ? AND type = ?', [
        userId,
        type,
      ]);
      return r && { type, encryptedKey: r.encrypted_key, header: r.header, createdAt: r.created_at };
    },
    /** Stores a type's wrapped key once: false if the account already has one (it is never replaced). */
    async createEntityKey(userId, type, encryptedKey, header, now) {
      const { rows } = await run(
        `INSERT INTO entity_keys (user_id, type, encrypted_key, header, created_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT DO NOTHING RETURNING user_id`,
        [userId, type, encryptedKey, header, now],
      );
      return rows.length === 1;
    },
    /** A new entity; its times are microseconds, after every other change of the account's (diffs go by them). */
    async createEntity(userId, { id, type, encryptedData, header }, nowMicros) {
      return entityRow(
        (
          await run(
            `INSERT INTO entities (id, user_id, type, encrypted_data, header, is_deleted, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, 0, ?, (${NEXT_ENTITY_TIME}))
             RETURNING *`,
            [id, userId, type, encryptedData, header, nowMicros, nowMicros, userId],
          )
        ).rows[0],
      );
    },
    /** Replaces a live entity's data: the row, or undefined if the account has no such live entity. */
    async updateEntity(userId, id, encryptedData, header, nowMicros) {
      const { rows } = await run(
        `UPDATE entities SET encrypted_data = ?, header = ?, updated_at = (${NEXT_ENTITY_TIME})
         WHERE id = ? AND user_id = ? AND is_deleted = 0 RETURNING *`,
        [encryptedData, header, nowMicros, userId, id, userId],
      );
      return entityRow(rows[0]);
    },
    /** Leaves a tombstone (no data): false if the account has no such live entity. */
    async deleteEntity(userId, id, nowMicros) {
      const { rows } = await run(
        `UPDATE entities SET encrypted_data = NULL, header = NULL, is_deleted = 1, updated_at = (${NEXT_ENTITY_TIME})
         WHERE id = ? AND user_id = ? AND is_deleted = 0 RETURNING id`,
        [nowMicros, userId, id, userId],
      );
      return rows.length === 1;
    },
    /** Up to `limit` entities of a type changed after `sinceTime`, oldest change first (tombstones included). */
    entityDiff: async (userId, type, sinceTime, limit) =>
      (
        await all('SELECT * FROM entities WHERE user_id = ? AND type = ? AND updated_at > ? ORDER BY updated_at, id LIMIT ?', [
          userId,
          type,
          sinceTime,
          limit,
        ])
      ).map(entityRow),

    // ---- what stateless instances share ----

    async addPending(kind, id, value, expiresAt) {
      await run('INSERT INTO pending (id, kind, value, expires_at) VALUES (?, ?, ?, ?)', [
        id,
        kind,
        JSON.stringify(value),
        expiresAt,
      ]);
    },
    /** A pending entry once: removed whether or not it had expired; undefined if gone or expired. */
    async takePending(kind, id, now) {
      const { rows } = await run('DELETE FROM pending WHERE id = ? AND kind = ? RETURNING value, expires_at', [id, kind]);
      return rows.length === 1 && rows[0].expires_at > now ? JSON.parse(rows[0].value) : undefined;
    },
    /** Counts one event for `key` in the fixed window starting at `windowStart`; the window's count so far. */
    async hit(key, windowStart) {
      const { rows } = await run(
        `INSERT INTO rate_limits (key, window_start, count) VALUES (?, ?, 1)
         ON CONFLICT (key) DO UPDATE SET
           count = CASE WHEN rate_limits.window_start = excluded.window_start THEN rate_limits.count + 1 ELSE 1 END,
           window_start = excluded.window_start
         RETURNING count`,
        [key, windowStart],
      );
      return rows[0].count;
    },
    /** The secret named `name`: `candidate` if none was stored yet (the first instance wins). */
    async serverSecret(name, candidate) {
      await run('INSERT INTO server_secrets (name, value) VALUES (?, ?) ON CONFLICT DO NOTHING', [name, candidate]);
      return Buffer.from((await get('SELECT value FROM server_secrets WHERE name = ?', [name])).value);
    },

    /** Drops expired tokens, pending entries and rate windows, and old failure records. */
    async prune(now, failureWindowMs) {
      await run('DELETE FROM tokens WHERE expires_at <= ?', [now]);
      await run('DELETE FROM attempt_failures WHERE at <= ?', [now - failureWindowMs]);
      await run('DELETE FROM pending WHERE expires_at <= ?', [now]);
      await run('DELETE FROM rate_limits WHERE window_start < ?', [now - 24 * 3600 * 1000]);
    },
    integrityCheck: () => db.integrityCheck(),
    ping: () => db.ping(),
    close: () => db.close(),
  };
}

class ObjectLocked extends Error {}
