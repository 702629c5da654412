// People across devices: Ente's "cgroup" user entities, each its JSON gzipped and blob-encrypted
// with the account's cgroup key, that key secretbox-wrapped by the master key on the server.
// Everything the server sends is checked here: a key that does not open under the master key
// or an entity that does not decrypt, inflate and parse as a cgroup is never used.
import { ENTITY_DIFF_MAX } from '../../../contract/limits.mjs';
import { packEntity, parseCGroupData, unpackEntity, type CGroup, type CGroupData, type EntityType } from 'cipherlens/search';
import { type ClientCrypto, wipe, wrap } from '../crypto.js';
import type { Api } from '../wire/api.js';
import type { EntityRecord } from '../wire/answers.js';
import { isStatus } from '../wire/errors.js';
import { malformed } from '../wire/parse.js';

/**
 * The account's key for `type` entities, opened with the master key: the server's, or a new one
 * stored there (if another device stores one first, that one is fetched and used). Wipe it after use.
 */
export async function openEntityKey(
  crypto: ClientCrypto,
  api: Api,
  masterKey: Uint8Array,
  type: EntityType = 'cgroup',
): Promise<Uint8Array> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const stored = await api.entityKey(type);
      if (stored.type !== type) throw malformed('entity key', `is for ${stored.type}, not ${type}`);
      return await crypto.secretbox.decrypt(stored.encryptedKey, stored.header, masterKey);
    } catch (e) {
      if (!isStatus(e, 404)) throw e;
    }
    const key = await crypto.generateKey();
    const { ciphertext, nonce } = await wrap(crypto, key, masterKey);
    try {
      await api.createEntityKey(type, ciphertext, nonce);
      return key;
    } catch (e) {
      wipe(key);
      if (!isStatus(e, 409)) throw e; // another device stored its key first: fetch that one
    }
  }
  throw malformed('entity key', 'was neither found nor stored');
}

/** What a pull of the people brought: changed people, removed ones, and where to pull from next. */
export interface PeopleChanges {
  /** People created or changed since `sinceTime`, decrypted and checked. */
  people: CGroup[];
  /** Ids of people deleted since then. */
  deleted: string[];
  /** Entities that did not decrypt or parse (left out, counted). */
  unreadable: number;
  /** The latest change seen: the next pull's `sinceTime`. */
  latest: number;
}

/** The people (cgroups) changed after `sinceTime` (0: all of them), page by page. */
export async function pullPeople(crypto: ClientCrypto, api: Api, entityKey: Uint8Array, sinceTime = 0): Promise<PeopleChanges> {
  const changes: PeopleChanges = { people: [], deleted: [], unreadable: 0, latest: sinceTime };
  for (;;) {
    const { diff } = await api.entityDiff('cgroup', changes.latest, ENTITY_DIFF_MAX);
    changes.unreadable += diff.rejected;
    for (const e of diff.items) {
      if (e.updatedAt <= changes.latest) throw malformed('entity diff', 'went back in time');
      changes.latest = e.updatedAt;
      if (e.type !== 'cgroup') {
        changes.unreadable++;
        continue;
      }
      if (e.isDeleted) {
        changes.deleted.push(e.id);
        continue;
      }
      try {
        changes.people.push(await openPerson(crypto, e, entityKey));
      } catch {
        changes.unreadable++; // tampered with, or not a cgroup
      }
    }
    if (diff.items.length === 0 || diff.items.length + diff.rejected < ENTITY_DIFF_MAX) return changes;
  }
}

async function openPerson(crypto: ClientCrypto, e: EntityRecord, entityKey: Uint8Array): Promise<CGroup> {
  if (!e.encryptedData || !e.header) throw malformed(e.id, 'has no data');
  const plain = await crypto.blob.decrypt(e.encryptedData, e.header, entityKey);
  try {
    return { id: e.id, data: parseCGroupData(await unpackEntity('cgroup', plain)), updatedAt: e.updatedAt };
  } finally {
    wipe(plain);
  }
}

/** Encrypts and stores a person: a new one (no `id`), or a new version of the one with that id. */
export async function savePerson(
  crypto: ClientCrypto,
  api: Api,
  entityKey: Uint8Array,
  data: CGroupData,
  id?: string,
): Promise<CGroup> {
  const plain = await packEntity('cgroup', data);
  const { ciphertext, header } = await crypto.blob.encrypt(plain, entityKey);
  wipe(plain);
  const body = { encryptedData: ciphertext, header };
  const e = id === undefined ? await api.createEntity('cgroup', body) : await api.updateEntity(id, body);
  if (e.type !== 'cgroup' || (id !== undefined && e.id !== id)) throw malformed('entity', 'is not the one saved');
  return { id: e.id, data, updatedAt: e.updatedAt };
}

/** Deletes a person (other devices see it go in their next pull). */
export const deletePerson = (api: Api, id: string) => api.deleteEntity(id);
