// The gallery's client for its server's contract (docs/server-api.md), headless: the app, the
// server's tests and any load driver use it, in browsers or Node (node.ts adds SRP in this
// thread, which the app runs in a worker instead). Everything the server sends is
// parsed at the edge (wire/answers.ts) and every key is opened here, never trusted from it.
export { ROUTES, HEADERS, ERROR_CODES, pathOf, type Route } from '../../contract/routes.mjs';
export * as limits from '../../contract/limits.mjs';
export type { ClientOptions, OnStep } from './options.js';
export { type ClientCrypto, type KdfStrength, wipe } from './crypto.js';
// The wire
export { createApi, type Api, type KeyAttributes, type SrpSetup, type NewFile, type Role, type LogEntry } from './wire/api.js';
export { ApiError, isStatus } from './wire/errors.js';
export { toB64, fromB64, toB64Url } from './wire/b64.js';
export { toWire, type WireForm } from './wire/wire-form.js';
export type { HttpOptions, Credentials } from './wire/http.js';
export { uploadObject, pieces, type UploadOptions, type ByteChunks } from './wire/upload.js';
export type { Collection, FileRecord, Contact, Person, SrpVerify, ChangesFrom, FileChanges, Removal } from './wire/answers.js';
// Accounts
export { signUp } from './account/signup.js';
export { logIn, logInWithKek, proveSrp } from './account/login.js';
export { recover } from './account/recovery.js';
export { makeAccountKeys, type AccountKeys as NewAccountKeys } from './account/keys.js';
export { Session, openSession } from './account/session.js';
export { resumeSession, type KeptSession } from './account/resume.js';
export { AccountError, type AccountErrorCode } from './account/errors.js';
export type { SrpEngine, SrpLogin } from './account/srp-engine.js';
// Albums and files
export { Library } from './library/library.js';
export type { Album, AccountKeys } from './library/albums.js';
export { newestFirst, type GalleryFile } from './library/files.js';
export { FILE_TYPE, parseMetadata, type FileMeta } from './library/metadata.js';
export { cipherSize, uploadFile, type NewFileInput, type ResumeFrom, type UploadHooks } from './library/upload.js';
export { encryptStream, decryptStream, chunksOf, type Source } from './library/streams.js';
export {
  putMlData,
  putClipEmbedding,
  fileMlData,
  clipEmbeddings,
  fileFaces,
  mlChanges,
  clipChanges,
  faceChanges,
  FaceFeed,
  ML_CLIENT,
  type FileMl,
  type MlChanges,
  type ClipChanges,
  type ClipOpener,
  type MlBatch,
  type MlOpener,
  type FaceChanges,
} from './library/ml-data.js';
export { openEntityKey, pullPeople, savePerson, deletePerson, type PeopleChanges } from './library/people.js';
// Sharing
export { Sharing, KeyChangedError, type PreparedShare } from './sharing/sharing.js';
export { lookUpContact, ContactError, type ContactIdentity } from './sharing/contacts.js';
export { linkUrl, parsePublicLink, type OpenedLink } from './sharing/public-link.js';
export { RecordKeeper, memoryDeviceStore, type DeviceStore, type SealedRecord, type RecordFinding } from './account/record.js';
export { ThumbnailRejected, ReadOnlyAlbum, type LogCache } from './library/library.js';
export type { FileCache } from './library/file-cache.js';
export type { AlbumTrust } from './library/album-trust.js';
export type { Member } from './trust/album-log.js';
// The trust layer: identities, pinned contacts, signed album logs, listings against them.
export * as trust from './trust/index.js';
