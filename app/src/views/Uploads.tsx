// One row per file being uploaded, with its progress; a row goes when its file is in the grid,
// and stays (in red, with the reason) when its upload failed.
import { useApp } from '../hooks.js';

export function Uploads() {
  const rows = useApp((s) => s.uploads);
  return (
    <ul id="uploads" class="uploads">
      {rows.map((r) => (
        <li key={r.id} class={r.failed ? 'failed' : undefined}>
          <span>{r.label}</span>
          {!r.failed && <progress max={r.total} value={r.done} />}
        </li>
      ))}
    </ul>
  );
}
