// The metadata store: everything but blob contents (accounts, tokens, collections, shares,
// objects, file records, ML data, and what stateless instances share). The server calls only
// the methods below; each returns a promise and is atomic. sql.mjs implements them once over
// SQLite (sqlite.mjs, the default) and PostgreSQL (postgres.mjs, when DATABASE_URL is set);
// the schema is migrations.mjs.
//
// What it holds is what the server may see: emails, ids, times, sizes, public keys, salts,
// nonces, SRP verifiers, SHA-256 hashes of session tokens, and ciphertext as base64 text.
//
// Users
//   createUser({ email, keyAttributes, srpUserID, srpSalt, srpVerifier, now }) -> id | null (email taken)
//   userById(id), userByEmail(email), userBySrpUserID(srpUserID)
//       -> { id, email, keyAttributes, srpUserID, srpSalt, srpVerifier, quotaBytes } | undefined
//   replaceLogin(userId, { keyAttributes, srpUserID, srpSalt, srpVerifier })   (recovery)
//   setKeyAttributes(userId, keyAttributes, previous) -> bool   (an identity added to an older account, compare-and-swap)
//   usage(userId) -> { usedBytes, objects }, setQuota(userId, bytes | null)
// Session tokens (by SHA-256 hash)
//   addToken(hash, userId, expiresAt), tokenUserId(hash, now) -> id | undefined,
//   deleteToken(hash), deleteUserTokens(userId)
// Failed authentications (rate limiting), by subject ('srp:<srpUserID>', 'recovery:<email>')
//   addAuthFailure(subject, at), authFailuresSince(subject, since) -> { count, oldest }
// Collections
//   createCollection({ ownerID, encryptedKey, keyDecryptionNonce, encryptedName, nameDecryptionNonce, now }) -> id
//   collection(id) -> row | undefined, collectionsOf(userId) -> rows (owned and shared with),
//   sharees(collectionId) -> [{ id, email, encryptedKey, role }],
//   setShare(collectionId, userId, encryptedKey, now, role?, log?), removeShare(collectionId, userId, now, log?),
//   setRole(collectionId, userId, role, now, log?), renameCollection(collectionId, { encryptedName,
//   nameDecryptionNonce }, now, log?), setPublicToken(collectionId, token | null, now),
//   setPublicLink(collectionId, { token, expiresAt, allowDownload }, now, log?), collectionByPublicToken(token)
// Album logs: `log` is { seq, prev, entry, signature, hash } (prev and hash in hex); a change
// given one appends it in the same transaction, or neither happens (LogConflict off the head)
//   appendLog(collectionId, log), logHead(collectionId) -> { seq, hash } | undefined,
//   logFrom(collectionId, since, limit) -> [{ seq, entry, signature }]
// Account records (opaque, versioned)
//   record(userId) -> { version, encryptedData, decryptionNonce } | undefined
//   putRecord(userId, { version, encryptedData, decryptionNonce }, now)  (RecordConflict unless version = stored + 1)
// Objects (uploads) and files
//   createObject(objectKey, ownerId, size, now, quotaBytes) (throws QuotaExceeded)
//   object(objectKey) -> { objectKey, ownerId, size, fileId, lockId, lockAt } | undefined
//   lockObjects(keys, lockId, now, staleBefore) -> bool, touchLock(key, lockId, now) -> bool,
//   unlockObjects(keys, lockId)
//   createFile(record, now, log?) -> { id, updationTime } (claims both objects; throws ObjectClaimed)
//   removeFile(file, now, log?) -> [objectKey] (the record, its objects' rows and ML data)
//   file(id), filesPage(collectionId, after { time, id } | null, limit)
//   fileChanges(collectionId, after { time, id }, limit) -> [file row | { id, updationTime, removed: true }]
//       (members and files that left, by update time then id; every membership delete notes one,
//       rejoining clears it), pruneRemovals(before) (older ones; sets removalsPrunedThrough)
//   unclaimedObjectsBefore(time) -> [objectKey], deleteUnclaimedObject(objectKey)
// Organising (files in several albums) and the trash
//   collectionsOfFile(fileId) -> [collectionId], isInCollection(collectionId, fileId)
//   addToCollection(collectionId, [{ fileId, encryptedKey, keyDecryptionNonce }], addedBy, now)
//   removeFromCollection(collectionId, fileIds, now)   (throws LastAlbum: a file would be in none)
//   moveBetweenCollections(fromId, toId, entries, addedBy, now), renameCollection(id, name, nonce, now)
//   filesOnlyIn(collectionId), deleteCollection(collectionId, now)   (soft; throws LastAlbum)
//   trashFiles([{ fileId, ownerId, encryptedKey, keyDecryptionNonce }], now), isTrashed(fileId), trashOf(userId)
//   restoreFiles(collectionId, entries, addedBy, now)   (throws NotInTrash: restored or deleted meanwhile)
//   deleteFiles(fileIds, now) -> objectKeys queued, purgeTrash(before, now) -> objectKeys queued
//   deadObjects(limit) -> [objectKey], forgetDeadObject(objectKey)   (blobs no record references)
//   setMagicMetadata(fileId, version, encryptedData, decryptionHeader, now) -> true | false (version race)
// ML data
//   setMlData(fileId, encryptedData, decryptionHeader, now), mlDataOf(fileIds) -> rows,
//   mlChanges(collectionId, after { time, id } | null, limit) -> [{ fileID, updationTime, bytes }]
//       (a collection's ML data by update time then file id, after the cursor; sizes, not contents)
// User entities (Ente's; times in microseconds)
//   entityKey(userId, type) -> { type, encryptedKey, header, createdAt } | undefined,
//   createEntityKey(userId, type, encryptedKey, header, now) -> bool (false: it had one)
//   createEntity(userId, { id, type, encryptedData, header }, nowMicros) -> row,
//   updateEntity(userId, id, encryptedData, header, nowMicros) -> row | undefined,
//   deleteEntity(userId, id, nowMicros) -> bool, entityDiff(userId, type, sinceTime, limit) -> rows
// Shared by instances
//   addPending(kind, id, value, expiresAt), takePending(kind, id, now) -> value | undefined
//   hit(key, windowStart) -> count in that window, serverSecret(name, candidate) -> Buffer
// Upkeep
//   prune(now, failureWindowMs), integrityCheck() -> 'ok', ping(), close()

/** createFile's refusal when an object is already claimed (raced by another request). */
export class ObjectClaimed extends Error {}

/** A change that would leave a file in no album (and not in the trash): refused whole. */
export class LastAlbum extends Error {
  constructor(fileId) {
    super(`file ${fileId} would be left in no album`);
    this.fileId = fileId;
  }
}

/** restoreFiles' refusal when a file left the trash meanwhile (restored or deleted by another request). */
export class NotInTrash extends Error {
  constructor(fileId) {
    super(`file ${fileId} is not in the trash`);
    this.fileId = fileId;
  }
}

/** createObject's refusal when the account's objects would pass its quota. */
export class QuotaExceeded extends Error {
  constructor(usedBytes, quotaBytes) {
    super(`storage quota of ${quotaBytes} bytes reached (${usedBytes} used)`);
    this.usedBytes = usedBytes;
    this.quotaBytes = quotaBytes;
  }
}

/** An album log entry that does not extend the log's head (`head`: { seq, hash } or undefined). */
export class LogConflict extends Error {
  constructor(head) {
    super('the entry does not extend the log');
    this.head = head;
  }
}

/** An account record write whose version does not follow the stored one (`version`). */
export class RecordConflict extends Error {
  constructor(version) {
    super('the record changed');
    this.version = version;
  }
}
