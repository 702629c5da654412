// Each album's signed log, as the library uses it: read and verified (and refreshed from the last
// verified head), folded, checked against the head this account saw before, the listing compared
// with the fold; and each change this account makes written as the log's next entry, sent with
// the change (the server appends both or neither; when another member wrote first, the log is
// read again and the entry signed anew).
import type { RecordKeeper } from '../account/record.js';
import type { ClientCrypto } from '../crypto.js';
import { type AlbumState, type Body, foldLog, nextPlace, type SignedEntry, signEntry, verifyLog } from '../trust/album-log.js';
import { sameBytes } from '../trust/bytes.js';
import type { TrustError } from '../trust/errors.js';
import { canonicalEmail } from '../trust/identity.js';
import { checkSeen, compareAlbum, type Finding, type ListedAlbum, type Me, nameHash } from '../trust/listing.js';
import { pinnedKeys, seenHead } from '../trust/record.js';
import type { Api, LogEntry, Role } from '../wire/api.js';
import { isStatus } from '../wire/errors.js';

/** Findings that make an album read-only: whoever controls it may not be who it seems. */
const BLOCKING = new Set<Finding['kind']>([
  'not-yours',
  'unverified-share',
  'sealed-key',
  'owner-key',
  'history',
  'rollback',
  'fork',
]);

/** A verified entry as the trust keeps it: its place and hash (what the next entry and checkSeen read). */
export interface LogLink {
  seq: number;
  hash: Uint8Array;
}
const linkOf = (e: SignedEntry): LogLink => ({ seq: e.entry.seq, hash: e.hash });

export interface AlbumTrust {
  /** The fold of the verified entries (undefined: the log has no valid first entry). */
  state?: AlbumState;
  /** Every verified entry, by seq from 0 (kept as links: a cached fold has no entry bodies). */
  entries: LogLink[];
  /** What the log, the listing and what this account saw before disagree on. */
  findings: Finding[];
  /** This account's role in the album, by the log. */
  role?: 'owner' | Role;
  /** The owner's verification ID was compared (its identity is pinned and verified). */
  ownerCompared: boolean;
  /** Files may be added (by the owner, or a collaborator of a verified share) and nothing blocks it. */
  writable: boolean;
}

/** What album trust needs of the account: its crypto, API, who it is, and its record (none: a link). */
export interface TrustContext {
  crypto: ClientCrypto;
  api: Api;
  me?: Me & { signingSecretKey: Uint8Array };
  keeper?: RecordKeeper;
}

const APPEND_ATTEMPTS = 4;

/** The log's new entries after the trust's last verified one, verified and folded into it. */
export function refreshLog(ctx: TrustContext, albumId: number, trust: AlbumTrust): Promise<TrustError | undefined> {
  return exclusive([trust], () => refreshNow(ctx, albumId, trust));
}

/** Who is reading or writing each album's log: one at a time, so entries are never taken twice. */
const turns = new WeakMap<AlbumTrust, Promise<unknown>>();

/**
 * Runs `fn` once no other read or write of these albums' logs is under way (the gallery loads
 * albums while uploads and organising write to them; a read that overlapped a write would take
 * the written entry twice and see a broken history).
 */
async function exclusive<T>(trusts: readonly AlbumTrust[], fn: () => Promise<T>): Promise<T> {
  const waits = trusts.map((t) => turns.get(t) ?? Promise.resolve());
  const run = Promise.all(waits.map((w) => w.catch(() => {}))).then(fn);
  const done = run.catch(() => {});
  for (const t of trusts) turns.set(t, done);
  return run;
}

async function refreshNow(ctx: TrustContext, albumId: number, trust: AlbumTrust): Promise<TrustError | undefined> {
  const head = trust.entries.at(-1);
  const wire = await ctx.api.log(albumId, nextPlace(head).seq);
  const verified = await verifyLog(
    ctx.crypto,
    albumId,
    wire.map(({ entry, signature }) => ({ bytes: entry, signature })),
    head,
  );
  const folded = foldLog(verified.entries, trust.state);
  const applied = folded.error
    ? verified.entries.slice(0, folded.state ? folded.state.head.seq - (head?.seq ?? -1) : 0)
    : verified.entries;
  // One at a time: a new device reads a whole album's log at once, and spreading some 120,000
  // entries into one call overflows V8's stack (an album of a million photos would never open).
  for (const entry of applied) trust.entries.push(linkOf(entry));
  trust.state = folded.state;
  return verified.error ?? folded.error;
}

/**
 * An album's trust from its log and its listing. `mine`: its key opened with this account's
 * master key (the only proof of ownership). `previous`: the trust of an earlier listing, whose
 * verified entries are kept (only the log's new entries are read).
 */
export async function verifyAlbum(
  ctx: TrustContext,
  listed: ListedAlbum,
  mine: boolean,
  previous?: AlbumTrust,
): Promise<AlbumTrust> {
  const trust: AlbumTrust = {
    entries: previous && !previous.findings.some((f) => f.kind === 'history') ? [...previous.entries] : [],
    state: previous && !previous.findings.some((f) => f.kind === 'history') ? previous.state : undefined,
    findings: [],
    ownerCompared: mine,
    writable: false,
  };
  const error = await refreshLog(ctx, listed.id, trust);
  if (error) trust.findings.push({ kind: 'history', albumId: listed.id, error });
  // An album of this account's whose log was never started (a create interrupted): start it.
  if (mine && !trust.state && trust.entries.length === 0 && !error && ctx.me) {
    await appendEntry(
      ctx,
      listed.id,
      trust,
      { op: 'create', nameHash: await nameHash(listed.encryptedName, listed.nameDecryptionNonce) },
      (logEntry) => ctx.api.appendLog(listed.id, logEntry),
    );
  }
  const seen = ctx.keeper && seenHead(ctx.keeper.record, listed.id);
  const rollback = checkSeen(listed.id, trust.entries, seen);
  if (rollback) trust.findings.push(rollback);
  const { state } = trust;
  if (!state) {
    // No log at all (or none that holds): nobody vouches for this album.
    if (!mine && ctx.me && listed.owner.id === ctx.me.accountId) trust.findings.push({ kind: 'not-yours', albumId: listed.id });
    else if (!mine)
      trust.findings.push({ kind: 'unverified-share', albumId: listed.id, ownerEmail: canonicalEmail(listed.owner.email) });
    return trust;
  }
  if (ctx.me) {
    const ownerEmail = canonicalEmail(listed.owner.email);
    const pin = !mine ? ctx.keeper?.record.contacts[ownerEmail] : undefined;
    const ownerKey = pin && pinnedKeys(pin).signingPublicKey;
    trust.ownerCompared =
      mine || (pin?.verified === true && ownerKey !== undefined && sameBytes(ownerKey, state.owner.signingKey));
    // One at a time, as the log's entries: a spread's arguments are bounded by the stack.
    for (const finding of await compareAlbum(state, listed, ctx.me, { mine, ownerKey })) trust.findings.push(finding);
    trust.role = mine ? 'owner' : state.members.get(ctx.me.accountId)?.role;
  }
  trust.writable = (trust.role === 'owner' || trust.role === 'collaborator') && !trust.findings.some((f) => BLOCKING.has(f.kind));
  return trust;
}

/**
 * Writes `body` as the album's next log entry with the change `send` makes (which carries the
 * entry to the server); when the log moved on (409), reads it again and signs anew. The entry is
 * folded into `trust` once the server took it.
 */
export async function appendEntry<T>(
  ctx: TrustContext,
  albumId: number,
  trust: AlbumTrust,
  body: Body,
  send: (logEntry: LogEntry) => Promise<T>,
): Promise<T> {
  const me = ctx.me;
  if (!me) throw new Error('a public link writes nothing');
  return exclusive([trust], () => appendNow(ctx, me, albumId, trust, body, send));
}

async function appendNow<T>(
  ctx: TrustContext,
  me: NonNullable<TrustContext['me']>,
  albumId: number,
  trust: AlbumTrust,
  body: Body,
  send: (logEntry: LogEntry) => Promise<T>,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const { seq, prev } = nextPlace(trust.entries.at(-1));
    const signed = await signEntry(
      ctx.crypto,
      { albumId, seq, prev, time: Date.now(), authorAccountId: me.accountId, authorKey: me.signingKey, ...body },
      me.signingSecretKey,
    );
    try {
      const result = await send({ entry: signed.bytes, signature: signed.signature });
      const folded = foldLog([signed], trust.state);
      if (folded.error) throw folded.error;
      trust.entries.push(linkOf(signed));
      trust.state = folded.state;
      return result;
    } catch (e) {
      if (!isStatus(e, 409) || attempt + 1 >= APPEND_ATTEMPTS) throw e;
      const error = await refreshNow(ctx, albumId, trust);
      if (error) throw error;
    }
  }
}

/** Entries one change writes to one album's log: `bodies` in order, after the album's head. */
export interface LogPart {
  albumId: number;
  trust: AlbumTrust;
  bodies: Body[];
}

/**
 * Writes several entries, in one or more albums' logs, with the one change `send` makes (an
 * organising request: add, remove, move, trash, restore); each album's entries chained one after
 * another from its head. As appendEntry: when a log moved on (409), the logs are read again and
 * the entries signed anew; they are folded in once the server took them.
 */
export async function appendEntries<T>(
  ctx: TrustContext,
  parts: readonly LogPart[],
  send: (logEntries: LogEntry[]) => Promise<T>,
): Promise<T> {
  const me = ctx.me;
  if (!me) throw new Error('a public link writes nothing');
  return exclusive(
    parts.map((p) => p.trust),
    () => appendAllNow(ctx, me, parts, send),
  );
}

async function appendAllNow<T>(
  ctx: TrustContext,
  me: NonNullable<TrustContext['me']>,
  parts: readonly LogPart[],
  send: (logEntries: LogEntry[]) => Promise<T>,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const signed: { part: LogPart; entries: SignedEntry[] }[] = [];
    for (const part of parts) {
      const entries: SignedEntry[] = [];
      let head: LogLink | undefined = part.trust.entries.at(-1);
      for (const body of part.bodies) {
        const { seq, prev } = nextPlace(head);
        const entry = await signEntry(
          ctx.crypto,
          {
            albumId: part.albumId,
            seq,
            prev,
            time: Date.now(),
            authorAccountId: me.accountId,
            authorKey: me.signingKey,
            ...body,
          },
          me.signingSecretKey,
        );
        entries.push(entry);
        head = { seq, hash: entry.hash };
      }
      signed.push({ part, entries });
    }
    try {
      const result = await send(
        signed.flatMap(({ entries }) => entries.map((e) => ({ entry: e.bytes, signature: e.signature }))),
      );
      for (const { part, entries } of signed) {
        if (!entries.length) continue;
        const folded = foldLog(entries, part.trust.state);
        if (folded.error) throw folded.error;
        for (const entry of entries) part.trust.entries.push(linkOf(entry));
        part.trust.state = folded.state;
      }
      return result;
    } catch (e) {
      if (!isStatus(e, 409) || attempt + 1 >= APPEND_ATTEMPTS) throw e;
      for (const part of parts) {
        const error = await refreshNow(ctx, part.albumId, part.trust);
        if (error) throw error;
      }
    }
  }
}
