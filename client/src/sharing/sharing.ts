// Sharing an album, on its signed log: the album key sealed to the other account's box key, sent
// with the owner's share statement (a log entry naming the member's account, address and both
// keys, the sealed key's hash and the role). The member's identity is checked and pinned in the
// account record (contacts.ts); both verification IDs are given so people can compare them. The
// owner changes roles, unshares and makes or revokes the public link the same way; a member
// leaves with an entry of its own.
import type { RecordKeeper } from '../account/record.js';
import type { Session } from '../account/session.js';
import { appendEntry } from '../library/album-trust.js';
import type { Album } from '../library/albums.js';
import { ReadOnlyAlbum, type Library } from '../library/library.js';
import type { Member } from '../trust/album-log.js';
import { sealedKeyHash } from '../trust/listing.js';
import type { Role } from '../wire/api.js';
import type { Contact } from '../wire/answers.js';
import { changedMessage, type ContactIdentity, lookUpContact, pinContactOf } from './contacts.js';
import { linkUrl } from './public-link.js';

/** The server gave another identity for a contact than the one pinned: nothing was shared. */
export class KeyChangedError extends Error {
  override name = 'KeyChangedError';
}

export interface PreparedShare {
  contact: Contact;
  /** No identity was pinned for this contact yet (it is pinned when the share is confirmed). */
  firstUse: boolean;
  /** The pinned identity's IDs were compared before. */
  compared: boolean;
  /** Both verification IDs (box and signing keys), theirs and this account's. */
  theirId: string;
  myId: string;
  found: ContactIdentity;
}

export class Sharing {
  constructor(
    readonly session: Session,
    readonly library: Library,
    readonly keeper: RecordKeeper,
  ) {}

  private owned(album: Album) {
    if (!album.mine || !album.trust?.state) throw new ReadOnlyAlbum('Only its owner shares an album.');
    return album.trust;
  }

  /**
   * What the person sharing checks before confirming: both verification IDs and whether the
   * identity is new. Throws KeyChangedError if it is not the pinned one (its keys, its account,
   * or a conflict between this account's devices), ContactError if it does not hold at all.
   */
  async prepare(email: string): Promise<PreparedShare> {
    const found = await lookUpContact(this.session, this.keeper, email);
    if (found.check.status === 'changed') throw new KeyChangedError(changedMessage(found.identity.email, found.check.what));
    return {
      contact: found.contact,
      firstUse: found.check.status === 'first-use',
      compared: found.check.status === 'pinned' && found.check.contact.verified,
      theirId: found.theirId,
      myId: found.myId,
      found,
    };
  }

  /**
   * Seals the album key to the contact (prepared above), with the share statement; pins their
   * identity if new, as verified if the person compared the IDs (`compared`).
   */
  async share(
    album: Album,
    prepared: PreparedShare,
    { role = 'viewer', compared = false }: { role?: Role; compared?: boolean } = {},
  ) {
    const trust = this.owned(album);
    const { identity, contact } = { identity: prepared.found.identity, contact: prepared.contact };
    const sealed = await this.session.crypto.box.seal(album.key.slice(), identity.boxPublicKey);
    const body = {
      op: 'share' as const,
      memberAccountId: contact.id,
      memberEmail: identity.email,
      memberBoxKey: identity.boxPublicKey,
      memberSigningKey: identity.signingPublicKey,
      sealedKeyHash: await sealedKeyHash(sealed),
      role,
    };
    await appendEntry(this.library.context(), album.id, trust, body, (logEntry) =>
      this.session.api.share(album.id, identity.email, sealed, role, logEntry),
    );
    await pinContactOf(this.keeper, prepared.found, { verified: compared || prepared.compared });
    album.sharees = [...album.sharees.filter((s) => s.id !== contact.id), { id: contact.id, email: identity.email, role }];
    await this.library.noteSeen();
  }

  /** Marks a contact's identity verified (the person compared the IDs after sharing). */
  async markCompared(prepared: PreparedShare) {
    await pinContactOf(this.keeper, prepared.found, { verified: true });
  }

  /** The album's members by its log (not the server's list). */
  members(album: Album): Member[] {
    return [...(album.trust?.state?.members.values() ?? [])];
  }

  async setRole(album: Album, member: Member, role: Role) {
    const trust = this.owned(album);
    const body = { op: 'role' as const, memberAccountId: member.accountId, memberSigningKey: member.signingKey, role };
    await appendEntry(this.library.context(), album.id, trust, body, (logEntry) =>
      this.session.api.role(album.id, member.email, role, logEntry),
    );
    album.sharees = album.sharees.map((s) => (s.id === member.accountId ? { ...s, role } : s));
    await this.library.noteSeen();
  }

  async unshare(album: Album, member: Member) {
    const trust = this.owned(album);
    const body = { op: 'unshare' as const, memberAccountId: member.accountId, memberSigningKey: member.signingKey };
    await appendEntry(this.library.context(), album.id, trust, body, (logEntry) =>
      this.session.api.unshare(album.id, member.email, logEntry),
    );
    album.sharees = album.sharees.filter((s) => s.id !== member.accountId);
    await this.library.noteSeen();
  }

  /** Leaves an album shared with this account (its own entry in the log). */
  async leave(album: Album) {
    if (album.mine || !album.trust?.state) throw new ReadOnlyAlbum('This album is not shared with you.');
    await appendEntry(this.library.context(), album.id, album.trust, { op: 'leave' }, (logEntry) =>
      this.session.api.leave(album.id, logEntry),
    );
    this.library.albums.delete(album.id);
    album.key.fill(0);
  }

  /**
   * Turns the album's public link on with these settings (expiresAt: ms since the epoch, 0 for
   * never) and resolves to its URL: `<origin>/?t=<token>#<album key>.<owner's signing key>`
   * (base58), so whoever opens it can check the album's log against its owner's key.
   */
  async setLink(album: Album, origin: string, { expiresAt = 0, allowDownload = true } = {}): Promise<string> {
    const trust = this.owned(album);
    const body = { op: 'link' as const, enabled: 1, expiresAt, allowDownload: allowDownload ? 1 : 0 };
    const { accessToken } = await appendEntry(this.library.context(), album.id, trust, body, (logEntry) =>
      this.session.api.createPublicLink(album.id, { expiresAt, allowDownload, logEntry }),
    );
    await this.library.noteSeen();
    return linkUrl(origin, accessToken, album.key, this.session.identity.signing.publicKey);
  }

  /** Turns the album's public link off: its token stops working. */
  async revokeLink(album: Album) {
    const trust = this.owned(album);
    const body = { op: 'link' as const, enabled: 0, expiresAt: 0, allowDownload: 0 };
    await appendEntry(this.library.context(), album.id, trust, body, (logEntry) =>
      this.session.api.deletePublicLink(album.id, logEntry),
    );
    await this.library.noteSeen();
  }
}
