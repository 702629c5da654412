// Each finding in plain words, for the person looking at the album: what the server did, what
// the app did about it, and nothing they must decode. The app shows these; the lying-server
// tests assert them.
import type { Finding } from './listing.js';

export interface Wording {
  /** The album's name as the person knows it (its decrypted name), or a description. */
  album: string;
  /** A time as people read it; by default e.g. "3 March 2025 at 14:05" (UTC). */
  when?: (ms: number) => string;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** "3 March 2025 at 14:05" in UTC: the same on every machine (tests compare it). */
export function formatTime(ms: number): string {
  const d = new Date(ms);
  const month = d.toLocaleString('en-GB', { month: 'long', timeZone: 'UTC' });
  const hh = String(d.getUTCHours()).padStart(2, '0');
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  return `${d.getUTCDate()} ${month} ${d.getUTCFullYear()} at ${hh}:${mm} UTC`;
}

export function describe(f: Finding, { album, when = formatTime }: Wording): string {
  const a = `“${album}”`;
  switch (f.kind) {
    case 'rollback':
      return (
        `The server showed an older version of ${a} than you saw on ${when(f.seen.seenAt)} ` +
        `(change ${f.shownSeq + 1} of ${f.seen.seq + 1}). Changes made since may be hidden from you.`
      );
    case 'fork':
      return (
        `The server showed a different history of ${a} than the one you saw on ${when(f.seen.seenAt)}. ` +
        'It may be showing other members another version of this album.'
      );
    case 'history':
      return `The server added a change to ${a}'s history that no member signed; the album is shown as it was before it.`;
    case 'withheld':
      return `The server left out ${plural(f.count, 'photo')} of ${a}.`;
    case 'injected':
      return `The server showed ${plural(f.fileIds.length, 'photo')} in ${a} that nobody in the album added; ${f.fileIds.length === 1 ? 'it is' : 'they are'} hidden.`;
    case 'moved':
      return `The server showed ${plural(f.fileIds.length, 'photo')} from another album in ${a}; ${f.fileIds.length === 1 ? 'it is' : 'they are'} hidden.`;
    case 'altered':
      return `The server changed ${plural(f.fileIds.length, 'photo')} in ${a} (${f.parts.join(', ')}); ${f.fileIds.length === 1 ? 'it is' : 'they are'} hidden.`;
    case 'duplicated':
      return `The server showed ${plural(f.fileIds.length, 'photo')} of ${a} twice; the copies are hidden.`;
    case 'thumbnail':
      return `The server sent a thumbnail in ${a} that is not the photo's own; it is not shown.`;
    case 'name':
      return `The server showed a name for ${a} that its owner did not give it.`;
    case 'owner':
      return `The server named someone else as the owner of ${a}.`;
    case 'members': {
      const parts = [];
      if (f.added.length) parts.push(`lists ${f.added.join(', ')}, who ${f.added.length === 1 ? 'was' : 'were'} never added`);
      if (f.missing.length) parts.push(`leaves out ${f.missing.join(', ')}`);
      return `The server's list of the people ${a} is shared with ${parts.join(' and ')}.`;
    }
    case 'not-yours':
      return `The server showed ${a} as yours, but you did not create it: it is shown read-only, and nothing you add goes into it.`;
    case 'unverified-share':
      return `${a} is shown as shared by ${f.ownerEmail}, but ${f.ownerEmail} never signed that share: it is read-only, and nothing you add goes into it.`;
    case 'sealed-key':
      return `The key the server gave you for ${a} is not the one ${f.ownerEmail} shared: it is read-only, and nothing you add goes into it.`;
    case 'link-off':
      return `The server still serves ${a} through a link its owner turned off or that expired.`;
    case 'owner-key':
      return `${a} is signed with a different key than the one you checked for ${f.ownerEmail}: it may not be theirs. It is read-only.`;
  }
}
