// The device's wrapping key: AES-256-GCM made by WebCrypto as non-extractable and kept in
// IndexedDB (a structured clone keeps it non-extractable: script can use it, never read it).
// Whatever the app keeps of an account at rest (a tab's keys, the unlock record of new tabs,
// unfinished uploads) is sealed with it, so no key is ever in storage in plaintext. Each sealed
// value names what it holds (`aad`), so one cannot be swapped for another.
import { db } from './db.js';

const KEY_ID = 'device';

export interface Sealed {
  iv: Uint8Array<ArrayBuffer>;
  data: ArrayBuffer;
}

let deviceKey: Promise<CryptoKey> | undefined;

function wrappingKey(): Promise<CryptoKey> {
  deviceKey ??= (async () => {
    const kept = await db.get<CryptoKey>('keys', KEY_ID);
    if (kept) return kept;
    const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
    await db.put('keys', KEY_ID, key);
    return key;
  })();
  deviceKey.catch(() => {
    deviceKey = undefined;
  });
  return deviceKey;
}

const utf8 = new TextEncoder();

export async function seal(plain: Uint8Array, aad: string): Promise<Sealed> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const data = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: utf8.encode(aad) },
    await wrappingKey(),
    plain as Uint8Array<ArrayBuffer>,
  );
  return { iv, data };
}

/** The plaintext `sealed` holds; throws if it was sealed for another `aad` or changed. */
export async function open(sealed: Sealed, aad: string): Promise<Uint8Array> {
  const plain = await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: sealed.iv, additionalData: utf8.encode(aad) },
    await wrappingKey(),
    sealed.data,
  );
  return new Uint8Array(plain);
}

/** Byte fields packed one after another, each after its 4-byte length. */
export function pack(fields: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(fields.reduce((n, f) => n + 4 + f.length, 0));
  const view = new DataView(out.buffer);
  let at = 0;
  for (const f of fields) {
    view.setUint32(at, f.length);
    out.set(f, at + 4);
    at += 4 + f.length;
  }
  return out;
}

export function unpack(bytes: Uint8Array, count: number): Uint8Array[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fields: Uint8Array[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    const n = view.getUint32(at);
    if (at + 4 + n > bytes.length) throw new Error('a kept value is damaged');
    fields.push(bytes.slice(at + 4, at + 4 + n));
    at += 4 + n;
  }
  return fields;
}
