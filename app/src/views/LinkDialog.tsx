// The album's public link, selected for copying. The part after # is the album key.
import { useEffect, useRef } from 'preact/hooks';
import { closeLink, setLinkDownloadsShown } from '../actions/sharing.js';
import { useApp, useCtx } from '../hooks.js';
import { CloseButton, Dialog } from './Dialog.js';

export function LinkDialog() {
  const ctx = useCtx();
  const link = useApp((s) => s.link);
  const downloads = useApp((s) => s.linkDownloads);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (link) input.current?.select();
  }, [link]);
  return (
    <Dialog id="link-dialog" open={link !== null} onClose={() => closeLink(ctx)}>
      <h2>Public link</h2>
      <p>Anyone with this link can see the album. The part after # is the album's key: browsers never send it to the server.</p>
      <input id="link-url" ref={input} readOnly aria-label="Public link" value={link ?? ''} />
      <label class="check-line">
        <input
          id="link-downloads"
          type="checkbox"
          checked={downloads}
          onChange={(e) => setLinkDownloadsShown(ctx, (e.currentTarget as HTMLInputElement).checked)}
        />{' '}
        Visitors may download (the originals and the album as a ZIP)
      </label>
      <CloseButton />
    </Dialog>
  );
}
