// Uploads: a row per file while it uploads, with its progress; the report of how each picked file
// ended (done, failed with Retry, not uploaded and why: already in the library, say), which stays
// until dismissed; and the uploads a closed tab cut off, which resume when the same files are
// picked again.
import { dismissReport, forgetUnfinished, retryUpload } from '../actions/upload.js';
import { useApp, useCtx } from '../hooks.js';
import type { Outcome, ReportItem } from '../state.js';

const HEADINGS: Record<Outcome, string> = {
  done: 'Uploaded',
  failed: 'Failed',
  unsupported: 'Not a photo or video',
  empty: 'Empty',
  'too-large': 'Too large',
  duplicate: 'Already in your library',
};
/** More files uploaded than this in one report: their list is folded. */
const FOLD_DONE = 5;
const ORDER: Outcome[] = ['failed', 'too-large', 'unsupported', 'empty', 'duplicate', 'done'];

const percent = (done: number, total: number) => `${Math.floor((100 * done) / Math.max(1, total))}%`;

function Progress() {
  const rows = useApp((s) => s.uploads);
  return (
    <ul id="uploads" class="uploads" aria-label="Uploads in progress">
      {rows.map((r) => (
        <li key={r.id}>
          <span>{r.label}</span>
          <progress max={r.total} value={r.done} aria-label={`${r.name}: ${percent(r.done, r.total)}`} />
        </li>
      ))}
    </ul>
  );
}

function Line({ item }: { item: ReportItem }) {
  const ctx = useCtx();
  const note = [item.resumed && 'resumed: only what the server lacked was sent', item.message].filter(Boolean).join(' · ');
  return (
    <li class={`outcome-${item.outcome}`} data-outcome={item.outcome}>
      <span class="name">{item.name}</span>
      {note && <span class="note">{note}</span>}
      {item.outcome === 'failed' && (
        <button type="button" class="secondary small retry" onClick={() => retryUpload(ctx, item.id)}>
          Retry
        </button>
      )}
    </li>
  );
}

function Report() {
  const ctx = useCtx();
  const items = useApp((s) => s.uploadReport);
  if (!items.length) return null;
  const count = (o: Outcome) => items.filter((i) => i.outcome === o).length;
  const summary = ORDER.filter((o) => count(o))
    .map((o) => `${count(o)} ${HEADINGS[o].toLowerCase()}`)
    .join(' · ');
  return (
    <section id="upload-report" class="report" aria-labelledby="upload-report-title">
      <div class="report-head">
        <h2 id="upload-report-title">Upload report</h2>
        <span id="upload-summary" role="status">
          {summary}
        </span>
        <span class="spacer" />
        <button id="report-dismiss" type="button" class="secondary small" onClick={() => dismissReport(ctx)}>
          Dismiss
        </button>
      </div>
      {ORDER.filter((o) => count(o)).map((o) => {
        const list = (
          <ul>
            {items
              .filter((i) => i.outcome === o)
              .map((i) => (
                <Line key={i.id} item={i} />
              ))}
          </ul>
        );
        // A long list of files that went well folds away (they are in the grid); the rest stays open.
        return o === 'done' && count(o) > FOLD_DONE ? (
          <details key={o} class="done-list">
            <summary>
              <h3>
                {HEADINGS[o]} ({count(o)})
              </h3>
            </summary>
            {list}
          </details>
        ) : (
          <div key={o}>
            <h3>{HEADINGS[o]}</h3>
            {list}
          </div>
        );
      })}
    </section>
  );
}

function UnfinishedList({ onPick }: { onPick: () => void }) {
  const ctx = useCtx();
  const unfinished = useApp((s) => s.unfinished);
  // Picked files go through the shown album, else the account's first (each resumes into its own).
  const writable = useApp((s) => s.view !== 'album' || s.album?.trust?.writable === true);
  if (!unfinished.length) return null;
  return (
    <section id="unfinished" class="report unfinished" aria-labelledby="unfinished-title">
      <h2 id="unfinished-title">Unfinished uploads</h2>
      <p>
        These uploads stopped before they finished (the page was closed or reloaded). Pick the same files again to finish them:
        only what the server does not have yet is sent.
      </p>
      <ul>
        {unfinished.map((u) => (
          <li key={u.id}>
            <span class="name">{u.name}</span>{' '}
            <span class="note">
              {percent(u.sent, u.total)} sent{u.album && ` · to “${u.album}”`}
            </span>
          </li>
        ))}
      </ul>
      <div class="actions">
        {writable ? (
          <button id="unfinished-pick" type="button" onClick={onPick}>
            Pick the files
          </button>
        ) : (
          <span class="note">Open an album you can add to, then pick them there.</span>
        )}
        <button id="unfinished-forget" type="button" class="secondary" onClick={() => forgetUnfinished(ctx)}>
          Forget them
        </button>
      </div>
    </section>
  );
}

export function Uploads({ onPick }: { onPick: () => void }) {
  return (
    <>
      <UnfinishedList onPick={onPick} />
      <Progress />
      <Report />
    </>
  );
}
