// Sharing an album: the collection key sealed to the other account's public key. The server
// hands out public keys, so it could hand out its own: contacts' keys are pinned on first use
// (stored on this device in IndexedDB, secretbox-encrypted under the master key) and a changed
// key refuses the share. Both accounts' verification IDs are shown so people can compare them.
// Public links carry the album key in the URL fragment, which browsers never send.
import bs58 from 'bs58';
import { fromB64, toB64 } from './api.js';

const DB_NAME = 'cipherlens-gallery';
const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

function request(req) {
  return new Promise((ok, fail) => {
    req.onsuccess = () => ok(req.result);
    req.onerror = () => fail(req.error);
  });
}

async function pinStore() {
  const open = indexedDB.open(DB_NAME, 1);
  open.onupgradeneeded = () => open.result.createObjectStore('pins');
  const db = await request(open);
  const tx = (mode) => db.transaction('pins', mode).objectStore('pins');
  return {
    get: (account) => request(tx('readonly').get(account)),
    put: (account, value) => request(tx('readwrite').put(value, account)),
  };
}

export class KeyChangedError extends Error {}

export class Sharing {
  constructor(session) {
    this.session = session;
    this.core = session.core;
  }

  /** email → public key (base64) of every contact this account pinned. */
  async pins() {
    const sealed = await (await pinStore()).get(this.session.id);
    if (!sealed) return {};
    const json = await this.core.secretbox.decrypt(sealed.ciphertext, sealed.nonce, this.session.masterKey);
    return JSON.parse(fromUtf8.decode(json));
  }

  async pin(email, publicKey) {
    const pins = { ...(await this.pins()), [email]: publicKey };
    const sealed = await this.core.secretbox.encrypt(utf8.encode(JSON.stringify(pins)), this.session.masterKey);
    await (await pinStore()).put(this.session.id, sealed);
  }

  /**
   * What the person sharing checks before confirming: both verification IDs and whether the key
   * is new (pinned on confirm). Throws KeyChangedError if it differs from the pinned one.
   */
  async prepare(email) {
    const contact = await this.session.api.publicKey(email);
    const pinned = (await this.pins())[contact.email];
    if (pinned !== undefined && pinned !== contact.publicKey) {
      throw new KeyChangedError(
        `The server now gives a different key for ${contact.email} than the one ` +
          'you verified before. It may be trying to read your album: nothing was shared.',
      );
    }
    const theirs = fromB64(contact.publicKey);
    return {
      contact,
      firstUse: pinned === undefined,
      theirId: await this.core.verificationId(theirs),
      myId: await this.core.verificationId(this.session.publicKey),
    };
  }

  /** Seals the album key to the contact (prepared above) and pins their key if new. */
  async share(album, { contact, firstUse }) {
    const sealed = await this.core.box.seal(album.key.slice(), fromB64(contact.publicKey));
    await this.session.api.share(album.id, contact.email, toB64(sealed));
    if (firstUse) await this.pin(contact.email, contact.publicKey);
    album.sharees = [...album.sharees, { id: contact.id, email: contact.email }];
  }

  /** `<origin>/?t=<accessToken>#<base58 album key>` */
  async publicLink(album) {
    const { accessToken } = await this.session.api.createPublicLink(album.id);
    return `${location.origin}/?t=${encodeURIComponent(accessToken)}#${bs58.encode(album.key)}`;
  }
}

/** The access token and album key of a public link in this page's address, or undefined. */
export function publicLinkOfPage() {
  const token = new URLSearchParams(location.search).get('t');
  const fragment = location.hash.slice(1);
  if (!token || !fragment) return undefined;
  let key;
  try {
    key = bs58.decode(fragment);
  } catch {
    return { token, error: 'This link is damaged: its key does not read.' };
  }
  if (key.length !== 32) return { token, error: 'This link is damaged: its key has the wrong length.' };
  return { token, key: Uint8Array.from(key) };
}
