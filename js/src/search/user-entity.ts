// Ente's user entities (web/packages/new/photos/services/user-entity): one random key per entity
// type, kept on the server wrapped by the master key (secretbox; the server calls the nonce
// "header"); each entity's JSON blob-encrypted with its type's key, gzipped first for "cgroup"
// (people) and not for "location". The server stores them opaquely and hands them back by diff.
import { badInput, requireBytes, requireString } from '../runtime/errors.js';
import type { CryptoCore } from '../crypto/core.js';
import { KEY_BYTES } from '../crypto/sizes.js';
import { MiB } from '../crypto/keys.js';
import { gunzip, gzip } from './ml-data.js';

/** The entity types Ente defines: people, and location tags. */
export type EntityType = 'cgroup' | 'location';

/** An entity type's key as the server keeps it (`GET/POST /user-entity/key`). */
export interface EncryptedEntityKey<B extends ArrayBufferLike = ArrayBufferLike> {
  /** The key, secretbox-encrypted with the master key. */
  encryptedKey: Uint8Array<B>;
  /** Its 24-byte nonce ("header" on Ente's wire). */
  header: Uint8Array<B>;
}

/** An entity as the server keeps it (`encryptedData` and `header` on Ente's wire). */
export interface EncryptedEntity<B extends ArrayBufferLike = ArrayBufferLike> {
  /** The entity's JSON (gzipped for cgroups), blob-encrypted with its type's key. */
  encryptedData: Uint8Array<B>;
  /** The blob's 24-byte secretstream header. */
  header: Uint8Array<B>;
}

/** The most one entity's JSON (and its ciphertext) may be: a person holding 100,000 faces is
 *  about 3.5 MB of face IDs. Someone who can write your entities could otherwise inflate a small
 *  gzip to gigabytes here. */
export const ENTITY_MAX_BYTES = 16 * MiB;

const gzipped = (type: EntityType) => type === 'cgroup';

function requireType(type: unknown): EntityType {
  if (type !== 'cgroup' && type !== 'location') throw badInput(`unknown entity type ${String(type)} (cgroup or location)`);
  return type;
}

/**
 * An entity's JSON as its type's plaintext (gzipped for cgroups), for callers that encrypt with
 * a crypto of their own (a gallery's worker pool): `blob.encrypt(await packEntity(type, data), entityKey)`.
 */
export async function packEntity(type: EntityType, data: unknown): Promise<Uint8Array<ArrayBuffer>> {
  requireType(type);
  const json = new TextEncoder().encode(JSON.stringify(data));
  if (json.length > ENTITY_MAX_BYTES) throw badInput(`an entity is larger than ${ENTITY_MAX_BYTES / MiB} MiB as JSON`);
  if (!gzipped(type)) return json;
  try {
    return await gzip(json);
  } finally {
    json.fill(0);
  }
}

/** The reverse of packEntity, on decrypted bytes: inflated at most to ENTITY_MAX_BYTES, then parsed. */
export async function unpackEntity(type: EntityType, plain: Uint8Array): Promise<unknown> {
  requireType(type);
  const json = gzipped(type) ? await gunzip(requireBytes('entity', plain), ENTITY_MAX_BYTES) : requireBytes('entity', plain);
  try {
    if (json.length > ENTITY_MAX_BYTES) throw badInput(`an entity is larger than ${ENTITY_MAX_BYTES / MiB} MiB as JSON`);
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(json);
    } catch {
      throw badInput('an entity is not valid UTF-8');
    }
    try {
      return JSON.parse(requireString('entity', text));
    } catch {
      throw badInput('an entity is not valid JSON');
    }
  } finally {
    if (json !== plain) json.fill(0);
  }
}

export function makeUserEntities(crypto: Pick<CryptoCore, 'generateKey' | 'secretbox' | 'blob'>) {
  return {
    /**
     * A new entity key and its wrapped form for the server. The key is yours to zero after use.
     * (Ente creates one per type, the first time a client needs it, and never replaces it.)
     */
    createKey(masterKey: Uint8Array): {
      /** The entity key (32 bytes): yours to zero after use. */
      key: Uint8Array<ArrayBuffer>;
      /** Its wrapped form, for the server. */
      encrypted: EncryptedEntityKey<ArrayBuffer>;
    } {
      requireBytes('masterKey', masterKey, KEY_BYTES);
      const key = crypto.generateKey();
      const { ciphertext, nonce } = crypto.secretbox.encrypt(key, masterKey);
      return { key, encrypted: { encryptedKey: ciphertext, header: nonce } };
    },

    /** The entity key from its wrapped form; a wrong master key or any change: AUTH_FAILED. */
    openKey(encrypted: EncryptedEntityKey, masterKey: Uint8Array): Uint8Array<ArrayBuffer> {
      requireBytes('masterKey', masterKey, KEY_BYTES);
      const key = crypto.secretbox.decrypt(encrypted?.encryptedKey, encrypted?.header, masterKey);
      if (key.length !== KEY_BYTES) {
        key.fill(0);
        throw badInput(`an entity key must be ${KEY_BYTES} bytes`);
      }
      return key;
    },

    /** An entity's JSON encrypted as Ente's clients write it (gzipped first for cgroups). */
    async encrypt(type: EntityType, data: unknown, entityKey: Uint8Array): Promise<EncryptedEntity<ArrayBuffer>> {
      requireBytes('entityKey', entityKey, KEY_BYTES);
      const plain = await packEntity(type, data);
      try {
        const { ciphertext, header } = crypto.blob.encrypt(plain, entityKey);
        return { encryptedData: ciphertext, header };
      } finally {
        plain.fill(0);
      }
    },

    /**
     * An entity's JSON, decrypted (strictly, or as Ente's web client does with `legacy: true`:
     * any tag), inflated at most to ENTITY_MAX_BYTES and parsed.
     */
    async decrypt(
      type: EntityType,
      encrypted: EncryptedEntity,
      entityKey: Uint8Array,
      options: {
        /** Accept any secretstream tag, as Ente's web client does (default: FINAL only). */
        legacy?: boolean;
      } = {},
    ): Promise<unknown> {
      requireType(type);
      const data = requireBytes('encryptedData', encrypted?.encryptedData);
      if (data.length > ENTITY_MAX_BYTES + 17) throw badInput(`an encrypted entity is larger than ${ENTITY_MAX_BYTES / MiB} MiB`);
      const plain = (options.legacy ? crypto.blob.decryptLegacy : crypto.blob.decrypt)(data, encrypted.header, entityKey);
      try {
        return await unpackEntity(type, plain);
      } finally {
        plain.fill(0);
      }
    },
  };
}
