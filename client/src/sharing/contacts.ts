// Contacts, pinned per account: the identity the server hands out for an address is believed only
// with its self-signature for that address, and is compared with the one pinned in the account
// record (by canonical email, bound to the account id). No pin yet is a first use (the app shows
// both verification IDs before anything is shared); a different identity is a warning, never a
// silent new pin. Comparing the IDs marks the pin verified.
import type { RecordKeeper } from '../account/record.js';
import type { Session } from '../account/session.js';
import { verifies } from '../trust/crypto.js';
import { canonicalEmail, identityStatement, type Identity, verificationId } from '../trust/identity.js';
import { type ContactCheck, checkContact, pinContact } from '../trust/record.js';
import type { Contact } from '../wire/answers.js';

export type ContactErrorCode = 'other-address' | 'no-signing-key' | 'not-signed';

/** The server's answer for an address does not hold up: nothing may be shared with it. */
export class ContactError extends Error {
  override name = 'ContactError';
  constructor(
    readonly code: ContactErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface ContactIdentity {
  contact: Contact;
  identity: Identity;
  check: ContactCheck;
  /** Both verification IDs (over box and signing keys), theirs and this account's. */
  theirId: string;
  myId: string;
}

/** The identity of `email`'s account, checked (self-signature, canonical address) and against the pins. */
export async function lookUpContact(session: Session, keeper: RecordKeeper, email: string): Promise<ContactIdentity> {
  const { crypto } = session;
  const address = canonicalEmail(email);
  const contact = await session.api.publicKey(address);
  if (canonicalEmail(contact.email) !== address) {
    throw new ContactError('other-address', `The server answered for ${contact.email}, not ${address}: nothing was shared.`);
  }
  if (!contact.signingPublicKey || !contact.identitySignature) {
    throw new ContactError(
      'no-signing-key',
      `${address} has no signing key yet: ask them to log in to the gallery once, then share again.`,
    );
  }
  const identity: Identity = {
    email: address,
    boxPublicKey: contact.publicKey,
    signingPublicKey: contact.signingPublicKey,
    signature: contact.identitySignature,
  };
  const statement = identityStatement(address, identity.boxPublicKey, identity.signingPublicKey);
  if (!(await verifies(crypto, identity.signature, statement, identity.signingPublicKey))) {
    throw new ContactError('not-signed', `The server sent keys for ${address} that ${address} never signed: nothing was shared.`);
  }
  const mine = session.identity;
  return {
    contact,
    identity,
    check: checkContact(keeper.record, identity, contact.id),
    theirId: await verificationId(crypto, identity.boxPublicKey, identity.signingPublicKey),
    myId: await verificationId(crypto, mine.boxPublicKey, mine.signing.publicKey),
  };
}

/** Pins a first-used contact (or marks a pinned one verified when the IDs were compared). */
export async function pinContactOf(keeper: RecordKeeper, found: ContactIdentity, { verified }: { verified: boolean }) {
  if (found.check.status === 'changed') throw new Error('a changed identity is never pinned over the old one');
  if (found.check.status === 'pinned' && (found.check.contact.verified || !verified)) return;
  await keeper.update((r) => pinContact(r, found.identity, found.contact.id, { verified, now: Date.now() }));
}

/** Words for a changed identity: what differs, and that nothing was shared. */
export function changedMessage(email: string, what: ('keys' | 'account' | 'conflict')[]): string {
  const why = what.includes('keys')
    ? 'a different key than the one you verified before'
    : what.includes('account')
      ? 'another account than the one you verified before'
      : 'a key that another of your devices was not shown';
  return `The server now gives ${why} for ${email}. It may be trying to read your album: nothing was shared.`;
}
