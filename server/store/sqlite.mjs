// The metadata store (metadata.mjs) over SQLite through better-sqlite3: one file in the data
// directory, WAL journal, foreign keys on, schema migrated by version (PRAGMA user_version).
import Database from 'better-sqlite3';
import { LogConflict, ObjectClaimed, RecordConflict } from './metadata.mjs';

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
  // 2: the trust layer (docs/formats.md): album logs (opaque entries the server keeps in order),
  // account records (opaque, versioned), sharees' roles, link settings; failed attempts counted
  // per subject (an SRP user id or a recovery address, known or not) instead of per account.
  `CREATE TABLE album_log (
     collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
     seq INTEGER NOT NULL,
     entry TEXT NOT NULL,
     signature TEXT NOT NULL,
     hash TEXT NOT NULL,
     PRIMARY KEY (collection_id, seq));
   CREATE TABLE account_records (
     user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
     version INTEGER NOT NULL,
     encrypted_data TEXT NOT NULL,
     decryption_nonce TEXT NOT NULL,
     updation_time INTEGER NOT NULL);
   ALTER TABLE shares ADD COLUMN role TEXT NOT NULL DEFAULT 'viewer';
   ALTER TABLE collections ADD COLUMN link_expires_at INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE collections ADD COLUMN link_allow_download INTEGER NOT NULL DEFAULT 1;
   DROP TABLE auth_failures;
   CREATE TABLE attempt_failures (
     subject TEXT NOT NULL,
     at INTEGER NOT NULL);
   CREATE INDEX attempt_failures_subject ON attempt_failures(subject, at);`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;
const ZERO_HASH = '0'.repeat(64);

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
    linkExpiresAt: r.link_expires_at,
    linkAllowDownload: r.link_allow_download === 1,
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
    updationTime: r.updation_time,
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
    setKeyAttributes: q('UPDATE users SET key_attributes = ? WHERE id = ?'),
    addFailure: q('INSERT INTO attempt_failures (subject, at) VALUES (?, ?)'),
    failuresSince: q('SELECT count(*) AS count, min(at) AS oldest FROM attempt_failures WHERE subject = ? AND at > ?'),
    pruneFailures: q('DELETE FROM attempt_failures WHERE at <= ?'),
    insertCollection: q(`INSERT INTO collections (owner_id, encrypted_key, key_decryption_nonce, encrypted_name,
                         name_decryption_nonce, updation_time) VALUES (?, ?, ?, ?, ?, ?)`),
    collection: q('SELECT c.*, u.email AS owner_email FROM collections c JOIN users u ON u.id = c.owner_id WHERE c.id = ?'),
    collectionsOf: q(`SELECT c.*, u.email AS owner_email, NULL AS shared_key FROM collections c
                        JOIN users u ON u.id = c.owner_id WHERE c.owner_id = @user
                      UNION ALL
                      SELECT c.*, u.email AS owner_email, s.encrypted_key AS shared_key FROM collections c
                        JOIN users u ON u.id = c.owner_id JOIN shares s ON s.collection_id = c.id WHERE s.user_id = @user
                      ORDER BY id`),
    sharees: q(`SELECT u.id, u.email, s.encrypted_key, s.role FROM shares s JOIN users u ON u.id = s.user_id
                WHERE s.collection_id = ? ORDER BY u.id`),
    upsertShare: q(`INSERT INTO shares (collection_id, user_id, encrypted_key, role) VALUES (?, ?, ?, ?)
                    ON CONFLICT (collection_id, user_id) DO UPDATE SET encrypted_key = excluded.encrypted_key,
                    role = excluded.role`),
    setRole: q('UPDATE shares SET role = ? WHERE collection_id = ? AND user_id = ?'),
    rename: q('UPDATE collections SET encrypted_name = ?, name_decryption_nonce = ?, updation_time = ? WHERE id = ?'),
    deleteShare: q('DELETE FROM shares WHERE collection_id = ? AND user_id = ?'),
    touchCollection: q('UPDATE collections SET updation_time = ? WHERE id = ?'),
    setPublicToken: q('UPDATE collections SET public_token = ?, updation_time = ? WHERE id = ?'),
    setLink: q(`UPDATE collections SET public_token = ?, link_expires_at = ?, link_allow_download = ?, updation_time = ?
                WHERE id = ?`),
    byPublicToken: q(
      'SELECT c.*, u.email AS owner_email FROM collections c JOIN users u ON u.id = c.owner_id WHERE c.public_token = ?',
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
    filesIn: q(`SELECT f.*, fo.size AS file_size, tho.size AS thumb_size FROM files f
                JOIN objects fo ON fo.object_key = f.file_object JOIN objects tho ON tho.object_key = f.thumb_object
                WHERE f.collection_id = ? ORDER BY f.id`),
    upsertMl: q(`INSERT INTO ml_data (file_id, encrypted_data, decryption_header, updation_time) VALUES (?, ?, ?, ?)
                 ON CONFLICT (file_id) DO UPDATE SET encrypted_data = excluded.encrypted_data,
                 decryption_header = excluded.decryption_header, updation_time = excluded.updation_time`),
    mlOf: q('SELECT file_id, encrypted_data, decryption_header FROM ml_data WHERE file_id = ?'),
    deleteFile: q('DELETE FROM files WHERE id = ?'),
    deleteObjectRow: q('DELETE FROM objects WHERE object_key = ?'),
    logHead: q('SELECT seq, hash FROM album_log WHERE collection_id = ? ORDER BY seq DESC LIMIT 1'),
    appendLog: q('INSERT INTO album_log (collection_id, seq, entry, signature, hash) VALUES (?, ?, ?, ?, ?)'),
    logFrom: q('SELECT seq, entry, signature FROM album_log WHERE collection_id = ? AND seq >= ? ORDER BY seq LIMIT ?'),
    record: q('SELECT version, encrypted_data, decryption_nonce FROM account_records WHERE user_id = ?'),
    insertRecord: q(`INSERT INTO account_records (user_id, version, encrypted_data, decryption_nonce, updation_time)
                     VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`),
    updateRecord: q(`UPDATE account_records SET version = ?, encrypted_data = ?, decryption_nonce = ?, updation_time = ?
                     WHERE user_id = ? AND version = ?`),
  };

  /** Appends `log` (an entry checked by the route) at the head of its album's log, or throws LogConflict. */
  const appendLog = (collectionId, log) => {
    const head = s.logHead.get(collectionId);
    const seq = head ? head.seq + 1 : 0;
    if (log.seq !== seq || log.prev !== (head ? head.hash : ZERO_HASH)) throw new LogConflict(head);
    s.appendLog.run(collectionId, log.seq, log.entry, log.signature, log.hash);
  };
  /** Runs `change` and appends `log` (if any) in one transaction: both happen or neither. */
  const withLog = db.transaction((collectionId, log, change) => {
    if (log) appendLog(collectionId, log);
    return change();
  });

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
    for (const key of [r.file.objectKey, r.thumbnail.objectKey]) {
      if (s.claimObject.run(id, key).changes !== 1) throw new ObjectClaimed();
    }
    s.touchCollection.run(now, r.collectionID);
    return { id, updationTime: now };
  });

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
    setKeyAttributes: (userId, keyAttributes) => {
      s.setKeyAttributes.run(JSON.stringify(keyAttributes), userId);
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

    addAuthFailure: (subject, at) => {
      s.addFailure.run(subject, at);
    },
    authFailuresSince: (subject, since) => s.failuresSince.get(subject, since),

    createCollection({ ownerID, encryptedKey, keyDecryptionNonce, encryptedName, nameDecryptionNonce, now }) {
      return Number(
        s.insertCollection.run(ownerID, encryptedKey, keyDecryptionNonce, encryptedName, nameDecryptionNonce, now)
          .lastInsertRowid,
      );
    },
    collection: (id) => collectionRow(s.collection.get(id)),
    collectionsOf: (userId) => s.collectionsOf.all({ user: userId }).map(collectionRow),
    sharees: (collectionId) =>
      s.sharees.all(collectionId).map((r) => ({ id: r.id, email: r.email, encryptedKey: r.encrypted_key, role: r.role })),
    setShare: (collectionId, userId, encryptedKey, now, role = 'viewer', log = undefined) =>
      withLog(collectionId, log, () => {
        s.upsertShare.run(collectionId, userId, encryptedKey, role);
        s.touchCollection.run(now, collectionId);
      }),
    removeShare: (collectionId, userId, now, log = undefined) =>
      withLog(collectionId, log, () => {
        s.deleteShare.run(collectionId, userId);
        s.touchCollection.run(now, collectionId);
      }),
    setRole: (collectionId, userId, role, now, log) =>
      withLog(collectionId, log, () => {
        s.setRole.run(role, collectionId, userId);
        s.touchCollection.run(now, collectionId);
      }),
    renameCollection: (collectionId, { encryptedName, nameDecryptionNonce }, now, log) =>
      withLog(collectionId, log, () => {
        s.rename.run(encryptedName, nameDecryptionNonce, now, collectionId);
      }),
    setPublicToken: (collectionId, token, now) => {
      s.setPublicToken.run(token, now, collectionId);
    },
    setPublicLink: (collectionId, { token, expiresAt = 0, allowDownload = true }, now, log = undefined) =>
      withLog(collectionId, log, () => {
        s.setLink.run(token, expiresAt, allowDownload ? 1 : 0, now, collectionId);
      }),
    collectionByPublicToken: (token) => collectionRow(s.byPublicToken.get(token)),

    createObject: (objectKey, ownerId, size, now) => {
      s.insertObject.run(objectKey, ownerId, size, now);
    },
    object(objectKey) {
      const r = s.object.get(objectKey);
      return r && { objectKey: r.object_key, ownerId: r.owner_id, size: r.size, fileId: r.file_id };
    },
    createFile: (record, now, log = undefined) => withLog(record.collectionID, log, () => createFile(record, now)),
    /** Deletes a file record and its objects' rows (ML data goes with it); returns the object keys. */
    removeFile: (file, now, log) =>
      withLog(file.collectionID, log, () => {
        s.deleteFile.run(file.id);
        for (const key of [file.file.objectKey, file.thumbnail.objectKey]) s.deleteObjectRow.run(key);
        s.touchCollection.run(now, file.collectionID);
        return [file.file.objectKey, file.thumbnail.objectKey];
      }),
    unclaimedObjectsBefore: (time) => s.staleObjects.all(time).map((r) => r.object_key),
    deleteUnclaimedObject: (objectKey) => {
      s.deleteObject.run(objectKey);
    },
    file: (id) => fileRow(s.file.get(id)),
    filesIn: (collectionId) => s.filesIn.all(collectionId).map(fileRow),

    setMlData: (fileId, encryptedData, decryptionHeader, now) => {
      s.upsertMl.run(fileId, encryptedData, decryptionHeader, now);
    },
    mlDataOf: (fileIds) =>
      fileIds
        .map((id) => s.mlOf.get(id))
        .filter(Boolean)
        .map((r) => ({ fileID: r.file_id, encryptedData: r.encrypted_data, decryptionHeader: r.decryption_header })),

    appendLog: (collectionId, log) => withLog(collectionId, log, () => {}),
    logHead: (collectionId) => s.logHead.get(collectionId),
    logFrom: (collectionId, since, limit) => s.logFrom.all(collectionId, since, limit),

    record: (userId) => {
      const r = s.record.get(userId);
      return r && { version: r.version, encryptedData: r.encrypted_data, decryptionNonce: r.decryption_nonce };
    },
    /** Stores version `version` if the stored one is `version - 1` (none: 0); else RecordConflict. */
    putRecord: db.transaction((userId, { version, encryptedData, decryptionNonce }, now) => {
      const done =
        version === 1
          ? s.insertRecord.run(userId, version, encryptedData, decryptionNonce, now)
          : s.updateRecord.run(version, encryptedData, decryptionNonce, now, userId, version - 1);
      if (done.changes !== 1) throw new RecordConflict(s.record.get(userId)?.version ?? 0);
    }),

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
