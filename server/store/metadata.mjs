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
// Failed authentications (rate limiting)
//   addAuthFailure(userId, at), authFailuresSince(userId, since) -> { count, oldest }
// Collections
//   createCollection({ ownerID, encryptedKey, keyDecryptionNonce, encryptedName, nameDecryptionNonce, now }) -> id
//   collection(id) -> row | undefined, collectionsOf(userId) -> rows (owned and shared with),
//   sharees(collectionId) -> [{ id, email, encryptedKey }], setShare(collectionId, userId, encryptedKey, now),
//   removeShare(collectionId, userId, now), setPublicToken(collectionId, token | null, now),
//   collectionByPublicToken(token)
// Objects (uploads) and files
//   createObject(objectKey, ownerId, size, now), object(objectKey) -> { objectKey, ownerId, size, fileId } | undefined
//   createFile(record, now) -> { id, updationTime } (claims both objects; throws ObjectClaimed)
//   file(id), filesIn(collectionId)
//   unclaimedObjectsBefore(time) -> [objectKey], deleteUnclaimedObject(objectKey)
// Organising (files in several albums) and the trash
//   collectionsOfFile(fileId) -> [collectionId], isInCollection(collectionId, fileId)
//   addToCollection(collectionId, [{ fileId, encryptedKey, keyDecryptionNonce }], addedBy, now)
//   removeFromCollection(collectionId, fileIds, now)   (throws LastAlbum: a file would be in none)
//   moveBetweenCollections(fromId, toId, entries, addedBy, now), renameCollection(id, name, nonce, now)
//   filesOnlyIn(collectionId), deleteCollection(collectionId, now)   (soft; throws LastAlbum)
//   trashFiles([{ fileId, ownerId, encryptedKey, keyDecryptionNonce }], now), isTrashed(fileId), trashOf(userId)
//   restoreFiles(collectionId, entries, addedBy, now)
//   deleteFiles(fileIds, now) -> objectKeys queued, purgeTrash(before, now) -> objectKeys queued
//   deadObjects(limit) -> [objectKey], forgetDeadObject(objectKey)   (blobs no record references)
//   setMagicMetadata(fileId, version, encryptedData, decryptionHeader, now) -> true | false (version race)
// ML data
//   setMlData(fileId, encryptedData, decryptionHeader, now), mlDataOf(fileIds) -> rows
// Upkeep
//   prune(now, failureWindowMs) (expired tokens, old failures), integrityCheck() -> 'ok', close()

/** createFile's refusal when an object is already claimed (raced by another request). */
export class ObjectClaimed extends Error {}

/** A change that would leave a file in no album (and not in the trash): refused whole. */
export class LastAlbum extends Error {
  constructor(fileId) {
    super(`file ${fileId} would be left in no album`);
    this.fileId = fileId;
  }
}
