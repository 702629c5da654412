// Uploads cut off before they finished (a closed or reloaded tab, a lost connection), kept so the
// same files picked again resume where the server stopped. Each record holds the file's name, size
// and hash (to recognise it), its album, the server's object and the stream header, and the file
// key wrapped with the account's master key; all of it sealed with the device's wrapping key
// (session/vault.ts). Only the account id and the bytes sent are in the clear.
import { fromB64, toB64, type ResumeFrom } from '../../../client/src/index.js';
import type { Ctx } from '../context.js';
import { db } from '../session/db.js';
import { open, seal, type Sealed } from '../session/vault.js';

/** What identifies a file picked again, and where it was going. */
export interface PendingFile {
  albumId: number;
  name: string;
  size: number;
  /** Ente's file hash (base64 BLAKE2b-512) of the contents. */
  hash: string;
}

export interface Pending extends PendingFile {
  id: string;
  /** Bytes of ciphertext the server had at the last count, and the object's size. */
  sent: number;
  total: number;
}

interface Stored {
  accountId: number;
  sent: number;
  total: number;
  sealed: Sealed;
}

interface Plain extends PendingFile {
  objectKey: string;
  header: string;
  wrappedKey: string;
  keyNonce: string;
}

const aad = (accountId: number, id: string) => `upload|${accountId}|${id}`;
const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

function account(ctx: Ctx) {
  const session = ctx.live.session;
  if (!session) throw new Error('the account is locked');
  return { accountId: session.id, masterKey: session.keys().masterKey };
}

/** Keeps an upload that just started; resolves to its record's id. */
export async function keepPending(ctx: Ctx, file: PendingFile, started: ResumeFrom, total: number): Promise<string> {
  const { accountId, masterKey } = account(ctx);
  const wrapped = await ctx.core.secretbox.encrypt(started.key, masterKey.slice()); // started.key is a copy: detached
  const plain: Plain = {
    ...file,
    objectKey: started.objectKey,
    header: toB64(started.header),
    wrappedKey: toB64(wrapped.ciphertext),
    keyNonce: toB64(wrapped.nonce),
  };
  const id = toB64(crypto.getRandomValues(new Uint8Array(12)));
  const sealed = await seal(utf8.encode(JSON.stringify(plain)), aad(accountId, id));
  await db.put('uploads', id, { accountId, sent: 0, total, sealed } satisfies Stored);
  return id;
}

/** Notes how far an upload got (shown in the list after a reload). */
export async function notePending(id: string, sent: number): Promise<void> {
  const stored = await db.get<Stored>('uploads', id);
  if (stored) await db.put('uploads', id, { ...stored, sent });
}

async function openStored(accountId: number, id: string, stored: Stored): Promise<Plain | undefined> {
  try {
    return JSON.parse(fromUtf8.decode(await open(stored.sealed, aad(accountId, id)))) as Plain;
  } catch {
    return undefined; // sealed on another device key, or damaged: not this account's to resume
  }
}

/** This account's unfinished uploads. */
export async function listPending(ctx: Ctx): Promise<Pending[]> {
  const { accountId } = account(ctx);
  const tx = await db.entries<Stored>('uploads');
  const out: Pending[] = [];
  for (const [id, stored] of tx) {
    if (stored.accountId !== accountId) continue;
    const plain = await openStored(accountId, id, stored);
    if (plain)
      out.push({
        id,
        albumId: plain.albumId,
        name: plain.name,
        size: plain.size,
        hash: plain.hash,
        sent: stored.sent,
        total: stored.total,
      });
  }
  return out;
}

/** The key, header and object to resume `pending` with. */
export async function resumeFrom(ctx: Ctx, pending: Pending): Promise<ResumeFrom> {
  const { accountId, masterKey } = account(ctx);
  const stored = await db.get<Stored>('uploads', pending.id);
  const plain = stored && (await openStored(accountId, pending.id, stored));
  if (!plain) throw new Error('the unfinished upload is no longer kept');
  const key = await ctx.core.secretbox.decrypt(fromB64(plain.wrappedKey), fromB64(plain.keyNonce), masterKey.slice());
  return { key, header: fromB64(plain.header), objectKey: plain.objectKey };
}

export async function dropPending(id: string): Promise<void> {
  await db.delete('uploads', id).catch(() => {});
}
