// People: found after search is ready (faces from ML data first, the rest found here from the
// thumbnails), clustered, listed beside the albums; a person's photos shown in the grid; naming a
// cluster makes a person every device of the account sees.
import type { Person } from 'cipherlens/search';
import type { GalleryFile } from '../../../client/src/index.js';
import { mlWrites, type Ctx } from '../context.js';
import { GalleryPeople } from '../people.js';
import type { AppState } from '../state.js';
import { busy, showError } from './feedback.js';
import { showPersonResults } from './search.js';

const setPeople = (ctx: Ctx, patch: Partial<AppState['people']>) => ctx.store.set((s) => ({ people: { ...s.people, ...patch } }));

function showFinding(ctx: Ctx, done: number, total: number) {
  setPeople(ctx, { progress: { done, total }, status: done < total ? `Finding faces: ${done} of ${total}` : '' });
}

/** Clusters again and shows the list (and where its faces came from). */
async function relist(ctx: Ctx, people: GalleryPeople) {
  await people.refresh();
  if (people !== ctx.live.people) return;
  setPeople(ctx, { list: people.list(), status: people.status(), progress: null });
}

export async function openPeople(ctx: Ctx) {
  const { live } = ctx;
  const library = live.library!;
  const session = live.session!;
  await live.searchReady; // search writes the CLIP entries first; the faces go in beside them
  if (library !== live.library) return;
  const people = new GalleryPeople(ctx.core, library, session.keys().masterKey, ctx.base);
  live.people = people;
  try {
    setPeople(ctx, { status: 'Finding people…' });
    await people.open();
    const files: GalleryFile[] = [];
    // One at a time: an album of some 125,000 photos spread into push() overflows the stack.
    for (const a of library.albums.values()) for (const f of await library.loadFiles(a)) files.push(f);
    await mlWrites(live, async () => {
      const written = await people.sync(files, (f) => library.thumbnail(f), {
        canIndex: (f) => f.ownerID === session.id,
        onProgress: (done, total) => showFinding(ctx, done, total),
      });
      if (written.length) await live.search?.caughtUp(written);
    });
    await relist(ctx, people);
  } catch (e) {
    if (people === live.people) setPeople(ctx, { status: `People are unavailable: ${(e as Error).message}` });
  }
}

/** Finds the faces of files just uploaded (after search has indexed them). */
export async function findUploadedFaces(ctx: Ctx, thumbnails: Map<GalleryFile, Uint8Array>) {
  const { live } = ctx;
  await live.peopleReady;
  const people = live.people;
  if (!people) return;
  try {
    await mlWrites(live, async () => {
      const written = await people.sync([...thumbnails.keys()], async (f) => thumbnails.get(f)!, {
        onProgress: (done, total) => showFinding(ctx, done, total),
      });
      if (written.length) await live.search?.caughtUp(written);
    });
    await relist(ctx, people);
  } catch (e) {
    setPeople(ctx, { status: `Finding faces failed: ${(e as Error).message}` });
  }
}

const label = (p: Person) => p.name || 'Unnamed';

/** Shows a person's photos in the results view. */
export function showPerson(ctx: Ctx, person: Person) {
  showPersonResults(ctx, label(person), person.fileIds);
}

/** Takes a face that is not them out of a person (it never rejoins them, on any device). */
export async function removeFace(ctx: Ctx, person: Person, faceID: string) {
  const people = ctx.live.people;
  if (!people) return;
  try {
    await busy(ctx, `Removing a face from ${label(person)}…`, () => people.removeFace(person, faceID));
    await relist(ctx, people);
  } catch (e) {
    showError(ctx, e);
  }
}

/** The photo a face is in, by the file id its faceID starts with (Ente's form). */
export function photoOfFace(ctx: Ctx, faceID: string): string {
  const file = ctx.live.library?.files.get(Number(faceID.split('_')[0]));
  return file?.meta.title ?? 'a photo';
}

/** Hides a person or a cluster (every device of the account stops showing it). */
export async function hidePerson(ctx: Ctx, person: Person) {
  const people = ctx.live.people;
  if (!people) return;
  try {
    await busy(ctx, `Hiding ${label(person)}…`, () => people.hide(person));
    await relist(ctx, people);
  } catch (e) {
    showError(ctx, e);
  }
}

/** Names a cluster (merging it into a person of that name) or renames a person (every device of the account sees it). */
export async function namePerson(ctx: Ctx, person: Person, name: string) {
  const people = ctx.live.people;
  if (!people) return;
  try {
    await busy(ctx, `Saving “${name}”…`, () => people.name(person, name.trim()));
    await relist(ctx, people);
  } catch (e) {
    showError(ctx, e);
  }
}
