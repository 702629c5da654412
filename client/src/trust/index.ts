// The trust layer of the gallery's client: identities the client checks, pinned contacts in
// an encrypted account record, owner-signed shares and signed album logs, and the comparison of
// what a server lists with what the logs fold to. Pure: no DOM, no network; the crypto comes
// from the caller (the package's core, in this thread or in workers).
export { TrustError, type TrustErrorCode } from './errors.js';
export type { TrustCrypto } from './crypto.js';
export { encodeStatement, decodeStatement, type Schema, type FieldType, type Fields } from './canonical.js';
export { sha256, sameBytes, toHex, fromHex } from './bytes.js';
export {
  canonicalEmail,
  identityStatement,
  signIdentity,
  verifyIdentity,
  verificationId,
  checkOwnIdentity,
  type Identity,
  type OwnIdentity,
} from './identity.js';
export {
  makeSigningAttributes,
  openSigningAttributes,
  SIGNING_ATTRIBUTE_BYTES,
  type SigningAttributes,
} from './signing-keys.js';
export {
  encodeEntry,
  decodeEntry,
  signEntry,
  entryHash,
  verifyLog,
  foldLog,
  nextPlace,
  type Entry,
  type Body,
  type Op,
  type Role,
  type SignedEntry,
  type LogHead,
  type AlbumState,
  type FileState,
  type Member,
} from './album-log.js';
export { packFold, unpackFold } from './fold-cache.js';
export {
  keyWrapHash,
  contentHeaderHash,
  thumbnailHash,
  metadataHash,
  nameHash,
  sealedKeyHash,
  checkSeen,
  nextSeen,
  compareAlbum,
  compareFiles,
  thumbnailMatches,
  type Finding,
  type FilePart,
  type SeenHead,
  type ListedAlbum,
  type ListedFile,
  type Me,
} from './listing.js';
export { describe, formatTime, type Wording } from './messages.js';
export {
  RECORD_FORMAT,
  emptyRecord,
  sealRecord,
  openRecord,
  checkContact,
  pinContact,
  pinnedKeys,
  seenHead,
  seeHead,
  forked,
  mergeRecords,
  type AccountRecord,
  type PinnedContact,
  type RecordHead,
  type ContactCheck,
} from './record.js';
export {
  checkThumbnail,
  thumbnailSizeAllowed,
  MAX_THUMBNAIL_BYTES,
  MAX_THUMBNAIL_SIDE,
  MAX_THUMBNAIL_PIXELS,
  type ThumbnailCheck,
} from './thumbnail.js';
