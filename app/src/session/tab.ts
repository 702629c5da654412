// What lets a reload stay signed in without the password: the account's keys and sealed token,
// sealed with the device's wrapping key (vault.ts) and kept in sessionStorage, so they last as
// long as this tab (a reload keeps them, a new tab or a restarted browser does not).
import { fromB64, toB64, type KeptSession, type Session } from '../../../client/src/index.js';
import { open, pack, seal, unpack } from './vault.js';

const TAB_KEY = 'cipherlens.session';

interface TabRecord {
  v: 1;
  id: number;
  email: string;
  publicKey: string;
  iv: string;
  data: string;
}

const aad = (r: { id: number; email: string; publicKey: string }) => `tab|${r.id}|${r.email}|${r.publicKey}`;

export async function keepTab(session: Session): Promise<void> {
  const { masterKey, secretKey } = session.keys();
  const plain = pack([masterKey, secretKey, session.encryptedToken]);
  const who = { id: session.id, email: session.email, publicKey: toB64(session.publicKey) };
  try {
    const sealed = await seal(plain, aad(who));
    const record: TabRecord = { v: 1, ...who, iv: toB64(sealed.iv), data: toB64(new Uint8Array(sealed.data)) };
    sessionStorage.setItem(TAB_KEY, JSON.stringify(record));
  } finally {
    plain.fill(0);
  }
}

/** This tab's kept session, or undefined (none, or it does not open: it is forgotten then). */
export async function keptTab(): Promise<KeptSession | undefined> {
  const text = sessionStorage.getItem(TAB_KEY);
  if (!text) return undefined;
  try {
    const r = JSON.parse(text) as TabRecord;
    const plain = await open({ iv: fromB64(r.iv), data: fromB64(r.data).buffer }, aad(r));
    const [masterKey, secretKey, encryptedToken] = unpack(plain, 3);
    plain.fill(0);
    return { id: r.id, email: r.email, publicKey: fromB64(r.publicKey), encryptedToken, masterKey, secretKey };
  } catch {
    forgetTab();
    return undefined;
  }
}

export function forgetTab(): void {
  sessionStorage.removeItem(TAB_KEY);
}
