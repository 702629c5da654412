// The metadata store: everything but blob contents (accounts, tokens, collections, shares,
// objects, file records, ML data). The server calls only the methods below, all synchronous
// and each atomic; sqlite.mjs implements them over SQLite. A PostgreSQL (or other) deployment
// implements the same methods (async ones would need the routes to await them; they are few).
//
// What it holds is what the server may see: emails, ids, times, sizes, public keys, salts,
// nonces, SRP verifiers, SHA-256 hashes of session tokens, and ciphertext as base64 text.
//
// Users
//   createUser({ email, keyAttributes, srpUserID, srpSalt, srpVerifier, now }) -> id | null (email taken)
//   userById(id), userByEmail(email), userBySrpUserID(srpUserID)
//       -> { id, email, keyAttributes, srpUserID, srpSalt, srpVerifier } | undefined
//   replaceLogin(userId, { keyAttributes, srpUserID, srpSalt, srpVerifier })   (recovery)
// Session tokens (by SHA-256 hash)
//   addToken(hash, userId, expiresAt), tokenUserId(hash, now) -> id | undefined,
//   deleteToken(hash), deleteUserTokens(userId)
//   setKeyAttributes(userId, keyAttributes)   (an identity added to an older account)
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
//   createObject(objectKey, ownerId, size, now), object(objectKey) -> { objectKey, ownerId, size, fileId } | undefined
//   createFile(record, now, log?) -> { id, updationTime } (claims both objects; throws ObjectClaimed)
//   removeFile(file, now, log?) -> [objectKey] (the record, its objects' rows and ML data)
//   file(id), filesIn(collectionId)
//   unclaimedObjectsBefore(time) -> [objectKey], deleteUnclaimedObject(objectKey)
// ML data
//   setMlData(fileId, encryptedData, decryptionHeader, now), mlDataOf(fileIds) -> rows
// Upkeep
//   prune(now, failureWindowMs) (expired tokens, old failures), integrityCheck() -> 'ok', close()

/** createFile's refusal when an object is already claimed (raced by another request). */
export class ObjectClaimed extends Error {}

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
