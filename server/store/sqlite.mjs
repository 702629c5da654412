// The metadata store (metadata.mjs) over SQLite through better-sqlite3: one file in the data
// directory, WAL journal, foreign keys on, schema migrated by version (PRAGMA user_version).
import Database from 'better-sqlite3';
import { LastAlbum, ObjectClaimed } from './metadata.mjs';

// Each entry moves the schema from version i to i + 1; never edit one that has shipped.
const MIGRATIONS = [
  `CREATE TABLE users (
     id INTEGER PRIMARY KEY,
     email TEXT NOT NULL UNIQUE,
     key_attributes TEXT NOT NULL,
     srp_user_id TEXT NOT NULL UNIQUE,
     srp_salt TEXT NOT NULL,
     srp_verifier TEXT NOT NULL,
     creation_time INTEGER NOT NULL);
   CREATE TABLE tokens (
     hash BLOB PRIMARY KEY,
     user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
     expires_at INTEGER NOT NULL);
   CREATE INDEX tokens_user ON tokens(user_id);
   CREATE TABLE auth_failures (
     user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
     at INTEGER NOT NULL);
   CREATE INDEX auth_failures_user ON auth_failures(user_id, at);
   CREATE TABLE collections (
     id INTEGER PRIMARY KEY,
     owner_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
     encrypted_key TEXT NOT NULL,
     key_decryption_nonce TEXT NOT NULL,
     encrypted_name TEXT NOT NULL,
     name_decryption_nonce TEXT NOT NULL,
     public_token TEXT UNIQUE,
     updation_time INTEGER NOT NULL);
   CREATE INDEX collections_owner ON collections(owner_id);
   CREATE TABLE shares (
     collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
     user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
     encrypted_key TEXT NOT NULL,
     PRIMARY KEY (collection_id, user_id));
   CREATE INDEX shares_user ON shares(user_id);
   CREATE TABLE objects (
     object_key TEXT PRIMARY KEY,
     owner_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
     size INTEGER NOT NULL,
     file_id INTEGER REFERENCES files(id) ON DELETE SET NULL,
     creation_time INTEGER NOT NULL);
   CREATE TABLE files (
     id INTEGER PRIMARY KEY,
     collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
     owner_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
     encrypted_key TEXT NOT NULL,
     key_decryption_nonce TEXT NOT NULL,
     file_object TEXT NOT NULL UNIQUE REFERENCES objects(object_key),
     file_header TEXT NOT NULL,
     thumb_object TEXT NOT NULL UNIQUE REFERENCES objects(object_key),
     thumb_header TEXT NOT NULL,
     metadata_data TEXT NOT NULL,
     metadata_header TEXT NOT NULL,
     updation_time INTEGER NOT NULL);
   CREATE INDEX files_collection ON files(collection_id);
   CREATE TABLE ml_data (
     file_id INTEGER PRIMARY KEY REFERENCES files(id) ON DELETE CASCADE,
     encrypted_data TEXT NOT NULL,
     decryption_header TEXT NOT NULL,
     updation_time INTEGER NOT NULL);`,
  // Files in several albums (Ente's collection files: one key wrap per album), the trash (a key
  // wrap under the owner's master key, so a trashed file needs no album), owners' private magic
  // metadata, albums deleted softly (their files' records keep naming where they were uploaded),
  // and the queue of blobs no record references any more (deleted by the upkeep, crash-safely).
  `CREATE TABLE collection_files (
     collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
     file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
     encrypted_key TEXT NOT NULL,
     key_decryption_nonce TEXT NOT NULL,
     added_by INTEGER NOT NULL,
     updation_time INTEGER NOT NULL,
     PRIMARY KEY (collection_id, file_id));
   CREATE INDEX collection_files_file ON collection_files(file_id);
   INSERT INTO collection_files (collection_id, file_id, encrypted_key, key_decryption_nonce, added_by, updation_time)
     SELECT collection_id, id, encrypted_key, key_decryption_nonce, owner_id, updation_time FROM files;
   CREATE TABLE trash (
     file_id INTEGER PRIMARY KEY REFERENCES files(id) ON DELETE CASCADE,
     owner_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
     encrypted_key TEXT NOT NULL,
     key_decryption_nonce TEXT NOT NULL,
     collection_id INTEGER,
     trashed_at INTEGER NOT NULL);
   CREATE INDEX trash_owner ON trash(owner_id);
   CREATE TABLE dead_objects (object_key TEXT PRIMARY KEY, queued_at INTEGER NOT NULL);
   ALTER TABLE files ADD COLUMN magic_version INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE files ADD COLUMN magic_data TEXT;
   ALTER TABLE files ADD COLUMN magic_header TEXT;
   ALTER TABLE collections ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0;`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

const userRow = (r) =>
  r && {
    id: r.id,
    email: r.email,
    keyAttributes: JSON.parse(r.key_attributes),
    srpUserID: r.srp_user_id,
    srpSalt: r.srp_salt,
    srpVerifier: r.srp_verifier,
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
    updationTime: r.updation_time,
    sharedKey: r.shared_key,
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
    ...(r.trashed_at !== undefined ? { trashedAt: r.trashed_at } : {}),
  };

/** Opens (creating and migrating) the database at `file`. */
export function openSqliteStore(file) {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  migrate(db);
  const q = (sql) => db.prepare(sql);

  const s = {
    insertUser: q(`INSERT INTO users (email, key_attributes, srp_user_id, srp_salt, srp_verifier, creation_time)
                   VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`),
    userById: q('SELECT * FROM users WHERE id = ?'),
    userByEmail: q('SELECT * FROM users WHERE email = ?'),
    userBySrp: q('SELECT * FROM users WHERE srp_user_id = ?'),
    replaceLogin: q('UPDATE users SET key_attributes = ?, srp_user_id = ?, srp_salt = ?, srp_verifier = ? WHERE id = ?'),
    addToken: q('INSERT INTO tokens (hash, user_id, expires_at) VALUES (?, ?, ?)'),
    tokenUser: q('SELECT user_id FROM tokens WHERE hash = ? AND expires_at > ?'),
    deleteToken: q('DELETE FROM tokens WHERE hash = ?'),
    deleteUserTokens: q('DELETE FROM tokens WHERE user_id = ?'),
    deleteExpiredTokens: q('DELETE FROM tokens WHERE expires_at <= ?'),
    addFailure: q('INSERT INTO auth_failures (user_id, at) VALUES (?, ?)'),
    failuresSince: q('SELECT count(*) AS count, min(at) AS oldest FROM auth_failures WHERE user_id = ? AND at > ?'),
    pruneFailures: q('DELETE FROM auth_failures WHERE at <= ?'),
    insertCollection: q(`INSERT INTO collections (owner_id, encrypted_key, key_decryption_nonce, encrypted_name,
                         name_decryption_nonce, updation_time) VALUES (?, ?, ?, ?, ?, ?)`),
    collection: q(
      'SELECT c.*, u.email AS owner_email FROM collections c JOIN users u ON u.id = c.owner_id WHERE c.id = ? AND c.deleted = 0',
    ),
    collectionsOf: q(`SELECT c.*, u.email AS owner_email, NULL AS shared_key FROM collections c
                        JOIN users u ON u.id = c.owner_id WHERE c.owner_id = @user AND c.deleted = 0
                      UNION ALL
                      SELECT c.*, u.email AS owner_email, s.encrypted_key AS shared_key FROM collections c
                        JOIN users u ON u.id = c.owner_id JOIN shares s ON s.collection_id = c.id
                        WHERE s.user_id = @user AND c.deleted = 0
                      ORDER BY id`),
    sharees: q(`SELECT u.id, u.email, s.encrypted_key FROM shares s JOIN users u ON u.id = s.user_id
                WHERE s.collection_id = ? ORDER BY u.id`),
    upsertShare: q(`INSERT INTO shares (collection_id, user_id, encrypted_key) VALUES (?, ?, ?)
                    ON CONFLICT (collection_id, user_id) DO UPDATE SET encrypted_key = excluded.encrypted_key`),
    deleteShare: q('DELETE FROM shares WHERE collection_id = ? AND user_id = ?'),
    touchCollection: q('UPDATE collections SET updation_time = ? WHERE id = ?'),
    setPublicToken: q('UPDATE collections SET public_token = ?, updation_time = ? WHERE id = ?'),
    byPublicToken: q(
      'SELECT c.*, u.email AS owner_email FROM collections c JOIN users u ON u.id = c.owner_id WHERE c.public_token = ? AND c.deleted = 0',
    ),
    insertObject: q('INSERT INTO objects (object_key, owner_id, size, creation_time) VALUES (?, ?, ?, ?)'),
    object: q('SELECT * FROM objects WHERE object_key = ?'),
    claimObject: q('UPDATE objects SET file_id = ? WHERE object_key = ? AND file_id IS NULL'),
    staleObjects: q(`SELECT object_key FROM objects WHERE file_id IS NULL AND creation_time < ?
                     AND object_key NOT IN (SELECT file_object FROM files UNION SELECT thumb_object FROM files)`),
    deleteObject: q('DELETE FROM objects WHERE object_key = ? AND file_id IS NULL'),
    insertFile: q(`INSERT INTO files (collection_id, owner_id, encrypted_key, key_decryption_nonce, file_object,
                   file_header, thumb_object, thumb_header, metadata_data, metadata_header, updation_time)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    file: q(`SELECT f.*, fo.size AS file_size, tho.size AS thumb_size FROM files f
             JOIN objects fo ON fo.object_key = f.file_object JOIN objects tho ON tho.object_key = f.thumb_object
             WHERE f.id = ?`),
    filesIn: q(`SELECT f.*, cf.collection_id AS collection_id, cf.encrypted_key AS encrypted_key,
                  cf.key_decryption_nonce AS key_decryption_nonce, max(f.updation_time, cf.updation_time) AS updation_time,
                  fo.size AS file_size, tho.size AS thumb_size
                FROM collection_files cf JOIN files f ON f.id = cf.file_id
                JOIN objects fo ON fo.object_key = f.file_object JOIN objects tho ON tho.object_key = f.thumb_object
                WHERE cf.collection_id = ? ORDER BY f.id`),
    // Organising and the trash
    membership: q('SELECT collection_id FROM collection_files WHERE file_id = ? ORDER BY collection_id'),
    inCollection: q('SELECT 1 FROM collection_files WHERE collection_id = ? AND file_id = ?'),
    addMember:
      q(`INSERT INTO collection_files (collection_id, file_id, encrypted_key, key_decryption_nonce, added_by, updation_time)
                  VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (collection_id, file_id) DO UPDATE SET
                  encrypted_key = excluded.encrypted_key, key_decryption_nonce = excluded.key_decryption_nonce,
                  updation_time = excluded.updation_time`),
    removeMember: q('DELETE FROM collection_files WHERE collection_id = ? AND file_id = ?'),
    removeMembers: q('DELETE FROM collection_files WHERE file_id = ?'),
    memberCount: q('SELECT count(*) AS n FROM collection_files WHERE file_id = ?'),
    onlyHere: q(`SELECT cf.file_id FROM collection_files cf WHERE cf.collection_id = ?
                 AND NOT EXISTS (SELECT 1 FROM collection_files o WHERE o.file_id = cf.file_id AND o.collection_id != cf.collection_id)`),
    removeCollectionMembers: q('DELETE FROM collection_files WHERE collection_id = ?'),
    deleteShares: q('DELETE FROM shares WHERE collection_id = ?'),
    markCollectionDeleted: q('UPDATE collections SET deleted = 1, public_token = NULL, updation_time = ? WHERE id = ?'),
    renameCollection: q('UPDATE collections SET encrypted_name = ?, name_decryption_nonce = ?, updation_time = ? WHERE id = ?'),
    insertTrash: q(`INSERT INTO trash (file_id, owner_id, encrypted_key, key_decryption_nonce, collection_id, trashed_at)
                    VALUES (?, ?, ?, ?, ?, ?)`),
    trashRow: q('SELECT * FROM trash WHERE file_id = ?'),
    deleteTrash: q('DELETE FROM trash WHERE file_id = ?'),
    trashOf: q(`SELECT f.*, t.collection_id AS collection_id, t.encrypted_key AS encrypted_key,
                  t.key_decryption_nonce AS key_decryption_nonce, t.trashed_at AS trashed_at,
                  fo.size AS file_size, tho.size AS thumb_size
                FROM trash t JOIN files f ON f.id = t.file_id
                JOIN objects fo ON fo.object_key = f.file_object JOIN objects tho ON tho.object_key = f.thumb_object
                WHERE t.owner_id = ? ORDER BY t.trashed_at DESC, f.id DESC`),
    expiredTrash: q('SELECT file_id FROM trash WHERE trashed_at < ?'),
    deleteFileRow: q('DELETE FROM files WHERE id = ?'),
    deleteObjectRow: q('DELETE FROM objects WHERE object_key = ?'),
    queueDead: q('INSERT INTO dead_objects (object_key, queued_at) VALUES (?, ?) ON CONFLICT DO NOTHING'),
    deadObjects: q('SELECT object_key FROM dead_objects ORDER BY queued_at LIMIT ?'),
    forgetDead: q('DELETE FROM dead_objects WHERE object_key = ?'),
    setMagic: q(`UPDATE files SET magic_version = ?, magic_data = ?, magic_header = ?, updation_time = ?
                 WHERE id = ? AND magic_version = ?`),
    touchFile: q('UPDATE files SET updation_time = ? WHERE id = ?'),
    upsertMl: q(`INSERT INTO ml_data (file_id, encrypted_data, decryption_header, updation_time) VALUES (?, ?, ?, ?)
                 ON CONFLICT (file_id) DO UPDATE SET encrypted_data = excluded.encrypted_data,
                 decryption_header = excluded.decryption_header, updation_time = excluded.updation_time`),
    mlOf: q('SELECT file_id, encrypted_data, decryption_header FROM ml_data WHERE file_id = ?'),
  };

  const createFile = db.transaction((r, now) => {
    const { lastInsertRowid } = s.insertFile.run(
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
    );
    const id = Number(lastInsertRowid);
    s.addMember.run(r.collectionID, id, r.encryptedKey, r.keyDecryptionNonce, r.ownerID, now);
    for (const key of [r.file.objectKey, r.thumbnail.objectKey]) {
      if (s.claimObject.run(id, key).changes !== 1) throw new ObjectClaimed();
    }
    s.touchCollection.run(now, r.collectionID);
    return { id, updationTime: now };
  });

  /** Deletes file records and queues their blobs (the same transaction: both happen or neither). */
  const deleteFilesNow = (fileIds, now) => {
    const keys = [];
    for (const id of fileIds) {
      const f = s.file.get(id);
      if (!f) continue;
      s.deleteFileRow.run(id); // its memberships, trash entry and ML data go with it
      for (const key of [f.file_object, f.thumb_object]) {
        s.deleteObjectRow.run(key);
        s.queueDead.run(key, now);
        keys.push(key);
      }
    }
    return keys;
  };
  const touch = (collectionIds, now) => {
    for (const id of new Set(collectionIds)) s.touchCollection.run(now, id);
  };

  return {
    createUser({ email, keyAttributes, srpUserID, srpSalt, srpVerifier, now }) {
      const info = s.insertUser.run(email, JSON.stringify(keyAttributes), srpUserID, srpSalt, srpVerifier, now);
      return info.changes === 1 ? Number(info.lastInsertRowid) : null;
    },
    userById: (id) => userRow(s.userById.get(id)),
    userByEmail: (email) => userRow(s.userByEmail.get(email)),
    userBySrpUserID: (srpUserID) => userRow(s.userBySrp.get(srpUserID)),
    replaceLogin(userId, { keyAttributes, srpUserID, srpSalt, srpVerifier }) {
      s.replaceLogin.run(JSON.stringify(keyAttributes), srpUserID, srpSalt, srpVerifier, userId);
    },

    addToken: (hash, userId, expiresAt) => {
      s.addToken.run(hash, userId, expiresAt);
    },
    tokenUserId: (hash, now) => s.tokenUser.get(hash, now)?.user_id,
    deleteToken: (hash) => {
      s.deleteToken.run(hash);
    },
    deleteUserTokens: (userId) => {
      s.deleteUserTokens.run(userId);
    },

    addAuthFailure: (userId, at) => {
      s.addFailure.run(userId, at);
    },
    authFailuresSince: (userId, since) => s.failuresSince.get(userId, since),

    createCollection({ ownerID, encryptedKey, keyDecryptionNonce, encryptedName, nameDecryptionNonce, now }) {
      return Number(
        s.insertCollection.run(ownerID, encryptedKey, keyDecryptionNonce, encryptedName, nameDecryptionNonce, now)
          .lastInsertRowid,
      );
    },
    collection: (id) => collectionRow(s.collection.get(id)),
    collectionsOf: (userId) => s.collectionsOf.all({ user: userId }).map(collectionRow),
    sharees: (collectionId) =>
      s.sharees.all(collectionId).map((r) => ({ id: r.id, email: r.email, encryptedKey: r.encrypted_key })),
    setShare: db.transaction((collectionId, userId, encryptedKey, now) => {
      s.upsertShare.run(collectionId, userId, encryptedKey);
      s.touchCollection.run(now, collectionId);
    }),
    removeShare: db.transaction((collectionId, userId, now) => {
      s.deleteShare.run(collectionId, userId);
      s.touchCollection.run(now, collectionId);
    }),
    setPublicToken: (collectionId, token, now) => {
      s.setPublicToken.run(token, now, collectionId);
    },
    collectionByPublicToken: (token) => collectionRow(s.byPublicToken.get(token)),

    createObject: (objectKey, ownerId, size, now) => {
      s.insertObject.run(objectKey, ownerId, size, now);
    },
    object(objectKey) {
      const r = s.object.get(objectKey);
      return r && { objectKey: r.object_key, ownerId: r.owner_id, size: r.size, fileId: r.file_id };
    },
    createFile,
    unclaimedObjectsBefore: (time) => s.staleObjects.all(time).map((r) => r.object_key),
    deleteUnclaimedObject: (objectKey) => {
      s.deleteObject.run(objectKey);
    },
    file: (id) => fileRow(s.file.get(id)),
    filesIn: (collectionId) => s.filesIn.all(collectionId).map(fileRow),

    /** The albums (ids) a file is in. */
    collectionsOfFile: (fileId) => s.membership.all(fileId).map((r) => r.collection_id),
    isInCollection: (collectionId, fileId) => Boolean(s.inCollection.get(collectionId, fileId)),
    /** Adds files to an album, each with its key wrapped by the album key ([{ fileId, encryptedKey, keyDecryptionNonce }]). */
    addToCollection: db.transaction((collectionId, entries, addedBy, now) => {
      for (const e of entries) s.addMember.run(collectionId, e.fileId, e.encryptedKey, e.keyDecryptionNonce, addedBy, now);
      touch([collectionId], now);
    }),
    /** Removes files from an album; throws LastAlbum (and changes nothing) if one would be in none. */
    removeFromCollection: db.transaction((collectionId, fileIds, now) => {
      for (const id of fileIds) {
        s.removeMember.run(collectionId, id);
        if (s.memberCount.get(id).n === 0) throw new LastAlbum(id);
      }
      touch([collectionId], now);
    }),
    /** Moves files from one album to another (added there with their new key wraps, then removed here). */
    moveBetweenCollections: db.transaction((fromId, toId, entries, addedBy, now) => {
      for (const e of entries) {
        s.addMember.run(toId, e.fileId, e.encryptedKey, e.keyDecryptionNonce, addedBy, now);
        s.removeMember.run(fromId, e.fileId);
      }
      touch([fromId, toId], now);
    }),
    renameCollection: (collectionId, encryptedName, nameDecryptionNonce, now) => {
      s.renameCollection.run(encryptedName, nameDecryptionNonce, now, collectionId);
    },
    /** Files only in this album (deleting it would leave them in none). */
    filesOnlyIn: (collectionId) => s.onlyHere.all(collectionId).map((r) => r.file_id),
    /** Deletes an album: its memberships, shares and link go; throws LastAlbum if a file would be left in none. */
    deleteCollection: db.transaction((collectionId, now) => {
      const orphan = s.onlyHere.get(collectionId);
      if (orphan) throw new LastAlbum(orphan.file_id);
      s.removeCollectionMembers.run(collectionId);
      s.deleteShares.run(collectionId);
      s.markCollectionDeleted.run(now, collectionId);
    }),
    /** Moves files to the trash ([{ fileId, ownerId, encryptedKey, keyDecryptionNonce }], keys under the master key). */
    trashFiles: db.transaction((entries, now) => {
      const albums = [];
      for (const e of entries) {
        const was = s.membership.all(e.fileId).map((r) => r.collection_id);
        albums.push(...was);
        s.insertTrash.run(e.fileId, e.ownerId, e.encryptedKey, e.keyDecryptionNonce, was[0] ?? null, now);
        s.removeMembers.run(e.fileId);
        s.touchFile.run(now, e.fileId);
      }
      touch(albums, now);
    }),
    isTrashed: (fileId) => Boolean(s.trashRow.get(fileId)),
    trashOf: (userId) => s.trashOf.all(userId).map(fileRow),
    /** Puts trashed files back into an album, each with its key wrapped by the album key. */
    restoreFiles: db.transaction((collectionId, entries, addedBy, now) => {
      for (const e of entries) {
        s.addMember.run(collectionId, e.fileId, e.encryptedKey, e.keyDecryptionNonce, addedBy, now);
        s.deleteTrash.run(e.fileId);
        s.touchFile.run(now, e.fileId);
      }
      touch([collectionId], now);
    }),
    /** Deletes files for good (records, ML data) and queues their blobs; returns the object keys queued. */
    deleteFiles: db.transaction((fileIds, now) => deleteFilesNow(fileIds, now)),
    /** Trashed files older than `before` deleted for good (their blobs queued). */
    purgeTrash: db.transaction((before, now) =>
      deleteFilesNow(
        s.expiredTrash.all(before).map((r) => r.file_id),
        now,
      ),
    ),
    /** Blobs to delete (no record references them), oldest first; `forgetDeadObject` once deleted. */
    deadObjects: (limit = 1000) => s.deadObjects.all(limit).map((r) => r.object_key),
    forgetDeadObject: (objectKey) => {
      s.forgetDead.run(objectKey);
    },
    /** Compare-and-swap of a file's magic metadata: true if `version` was the stored one + 1. */
    setMagicMetadata: (fileId, version, encryptedData, decryptionHeader, now) =>
      s.setMagic.run(version, encryptedData, decryptionHeader, now, fileId, version - 1).changes === 1,

    setMlData: (fileId, encryptedData, decryptionHeader, now) => {
      s.upsertMl.run(fileId, encryptedData, decryptionHeader, now);
    },
    mlDataOf: (fileIds) =>
      fileIds
        .map((id) => s.mlOf.get(id))
        .filter(Boolean)
        .map((r) => ({ fileID: r.file_id, encryptedData: r.encrypted_data, decryptionHeader: r.decryption_header })),

    /** Drops expired tokens and old failure records (called now and then). */
    prune(now, failureWindowMs) {
      s.deleteExpiredTokens.run(now);
      s.pruneFailures.run(now - failureWindowMs);
    },
    integrityCheck: () => db.pragma('integrity_check', { simple: true }),
    close: () => db.close(),
  };
}

function migrate(db) {
  const version = db.pragma('user_version', { simple: true });
  if (version > MIGRATIONS.length) throw new Error(`database schema ${version} is newer than this server (${MIGRATIONS.length})`);
  for (let v = version; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
