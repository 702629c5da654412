// Sharing an album: its key sealed to the other account's public key. The server hands out
// public keys, so it could hand out its own: contacts' keys are pinned on first use (in a
// PinStore the app provides, encrypted under the master key) and a changed key refuses the
// share. Both accounts' verification IDs are given so people can compare them.
import type { Session } from '../account/session.js';
import type { Album } from '../library/albums.js';
import { toB64 } from '../wire/b64.js';
import type { Contact } from '../wire/answers.js';

/** Where an account's pins live (encrypted; the store never sees a key in plaintext). */
export interface PinStore {
  load(accountId: number): Promise<{ ciphertext: Uint8Array; nonce: Uint8Array } | undefined>;
  save(accountId: number, sealed: { ciphertext: Uint8Array; nonce: Uint8Array }): Promise<void>;
}

/** The server gave a different key for a contact than the one pinned: nothing was shared. */
export class KeyChangedError extends Error {
  override name = 'KeyChangedError';
}

export interface PreparedShare {
  contact: Contact;
  /** No key was pinned for this contact yet (it is pinned when the share is confirmed). */
  firstUse: boolean;
  theirId: string;
  myId: string;
}

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

export class Sharing {
  constructor(
    readonly session: Session,
    readonly pinStore: PinStore,
  ) {}

  /** email → public key (base64) of every contact this account pinned. */
  async pins(): Promise<Record<string, string>> {
    const sealed = await this.pinStore.load(this.session.id);
    if (!sealed) return {};
    const json = await this.session.crypto.secretbox.decrypt(sealed.ciphertext, sealed.nonce, this.session.keys().masterKey);
    return JSON.parse(fromUtf8.decode(json));
  }

  private async pin(email: string, publicKey: string): Promise<void> {
    const pins = { ...(await this.pins()), [email]: publicKey };
    const sealed = await this.session.crypto.secretbox.encrypt(utf8.encode(JSON.stringify(pins)), this.session.keys().masterKey);
    await this.pinStore.save(this.session.id, sealed);
  }

  /**
   * What the person sharing checks before confirming: both verification IDs and whether the key
   * is new. Throws KeyChangedError if it differs from the pinned one.
   */
  async prepare(email: string): Promise<PreparedShare> {
    const { crypto } = this.session;
    const contact = await this.session.api.publicKey(email);
    const pinned = (await this.pins())[contact.email];
    if (pinned !== undefined && pinned !== toB64(contact.publicKey)) {
      throw new KeyChangedError(
        `The server now gives a different key for ${contact.email} than the one ` +
          'you verified before. It may be trying to read your album: nothing was shared.',
      );
    }
    return {
      contact,
      firstUse: pinned === undefined,
      theirId: await crypto.verificationId(contact.publicKey),
      myId: await crypto.verificationId(this.session.publicKey),
    };
  }

  /** Seals the album key to the contact (prepared above) and pins their key if new. */
  async share(album: Album, { contact, firstUse }: PreparedShare): Promise<void> {
    const sealed = await this.session.crypto.box.seal(album.key.slice(), contact.publicKey);
    await this.session.api.share(album.id, contact.email, sealed);
    if (firstUse) await this.pin(contact.email, toB64(contact.publicKey));
    album.sharees = [...album.sharees, { id: contact.id, email: contact.email }];
  }
}
