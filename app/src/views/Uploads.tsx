// One row per file being uploaded, with its progress; a row goes when its file is in the grid,
// and stays when its upload failed (in red, with the reason) or it was skipped (already in the
// library: a note, until the next upload).
import { useApp } from '../hooks.js';

export function Uploads() {
  const rows = useApp((s) => s.uploads);
  return (
    <ul id="uploads" class="uploads">
      {rows.map((r) => (
        <li key={r.id} class={r.failed ? 'failed' : r.skipped ? 'skipped' : undefined}>
          <span>{r.label}</span>
          {!r.failed && !r.skipped && <progress max={r.total} value={r.done} />}
        </li>
      ))}
    </ul>
  );
}
