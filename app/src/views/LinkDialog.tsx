// The album's public link, selected for copying, with its settings: when it expires and whether
// its viewers may download photos; and a button to turn it off. The part after # holds the album's
// key (and its owner's signing key, which the viewer's app checks the album against).
import { useEffect, useRef } from 'preact/hooks';
import { closeLink, createLink, turnOffLink } from '../actions/sharing.js';
import { useApp, useCtx } from '../hooks.js';
import { CloseButton, Dialog } from './Dialog.js';

const DAY = 24 * 60 * 60 * 1000;
const EXPIRIES: [string, number][] = [
  ['never', 0],
  ['in a day', DAY],
  ['in a week', 7 * DAY],
  ['in 30 days', 30 * DAY],
];

export function LinkDialog() {
  const ctx = useCtx();
  const link = useApp((s) => s.link);
  const settings = useApp((s) => s.linkSettings);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (link) input.current?.select();
  }, [link]);
  const update = (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const after = Number((form.elements.namedItem('expiry') as HTMLSelectElement).value);
    const allowDownload = (form.elements.namedItem('download') as HTMLInputElement).checked;
    createLink(ctx, { expiresAt: after ? Date.now() + after : 0, allowDownload });
  };
  const expires = settings.expiresAt ? new Date(settings.expiresAt).toLocaleString() : '';
  return (
    <Dialog id="link-dialog" open={link !== null} onClose={() => closeLink(ctx)}>
      <h2>Public link</h2>
      <p>
        Anyone with this link can see the album. The part after # holds the album's key: browsers never send it to the server.
      </p>
      <input id="link-url" ref={input} readOnly aria-label="Public link" value={link ?? ''} />
      <p id="link-state" class="lede">
        {expires ? `Expires ${expires}.` : 'Never expires.'} {settings.allowDownload ? 'Downloads allowed.' : 'No downloads.'}
      </p>
      <form id="link-form" onSubmit={update}>
        <label>
          Expires{' '}
          <select id="link-expiry" name="expiry">
            {EXPIRIES.map(([label, ms]) => (
              <option key={label} value={ms}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label class="check">
          <input id="link-download" name="download" type="checkbox" defaultChecked={settings.allowDownload} /> Viewers may
          download photos
        </label>
        <div class="actions">
          <button id="link-update" type="submit" class="secondary">
            Update the link
          </button>
          <button id="link-off" type="button" class="secondary" onClick={() => turnOffLink(ctx)}>
            Turn the link off
          </button>
        </div>
      </form>
      <CloseButton />
    </Dialog>
  );
}
