// The people found in the photos, beside the albums: named people first, then the clusters
// nobody named yet, each with how many photos; choosing one shows their photos, and a cluster
// (or a person) can be named here.
import { useState } from 'preact/hooks';
import type { Person } from 'cipherlens/search';
import { hidePerson, namePerson, photoOfFace, removeFace, showPerson } from '../actions/people.js';
import { useApp, useCtx } from '../hooks.js';

function PersonRow({ person, index }: { person: Person; index: number }) {
  const ctx = useCtx();
  const [editing, setEditing] = useState(false);
  const count = person.fileIds.length;
  const save = async (e: Event) => {
    e.preventDefault();
    const input = (e.currentTarget as HTMLFormElement).elements.namedItem('name') as HTMLInputElement;
    const name = input.value.trim();
    if (!name) return;
    setEditing(false);
    await namePerson(ctx, person, name);
  };
  return (
    <li class="person" data-person={person.name ?? ''}>
      <button type="button" class="album-link" id={`person-${index}`} onClick={() => showPerson(ctx, person)}>
        {person.name || 'Unnamed'}
        <small>
          {count} photo{count === 1 ? '' : 's'}
        </small>
      </button>
      {editing ? (
        <form class="person-form" onSubmit={save}>
          <input name="name" aria-label="Name" placeholder="Name" required maxLength={100} value={person.name ?? ''} />
          <button type="submit">Save</button>
        </form>
      ) : (
        <>
          <button type="button" class="secondary small name-button" onClick={() => setEditing(true)}>
            {person.name ? 'Rename' : 'Name'}
          </button>
          <button
            type="button"
            class="secondary small hide-button"
            aria-label={`Hide ${person.name || 'this person'}`}
            onClick={() => hidePerson(ctx, person)}
          >
            Hide
          </button>
        </>
      )}
      {person.type === 'cgroup' && (
        <details class="person-faces">
          <summary>Faces</summary>
          <ul>
            {person.faceIDs.map((faceID) => (
              <li key={faceID}>
                <span>{photoOfFace(ctx, faceID)}</span>
                <button
                  type="button"
                  class="secondary small remove-face"
                  aria-label={`Not ${person.name}: remove this face`}
                  onClick={() => removeFace(ctx, person, faceID)}
                >
                  Not {person.name}
                </button>
              </li>
            ))}
          </ul>
        </details>
      )}
    </li>
  );
}

export function People() {
  const list = useApp((s) => s.people.list);
  const status = useApp((s) => s.people.status);
  const progress = useApp((s) => s.people.progress);
  return (
    <section class="people" aria-label="People">
      <h2>People</h2>
      <p id="people-status" class="lede">
        {status}{' '}
        <progress
          id="people-progress"
          hidden={!progress || progress.done >= progress.total}
          max={progress?.total}
          value={progress?.done}
        />
      </p>
      <ul id="people-list">
        {list.map((p, i) => (
          <PersonRow key={p.id} person={p} index={i} />
        ))}
      </ul>
    </section>
  );
}
