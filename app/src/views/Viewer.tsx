// The viewer: a photo full size, or a video playing while it streams and decrypts.
import { useEffect, useRef, useState } from 'preact/hooks';
import { closeViewer } from '../actions/viewer.js';
import { useApp, useCtx } from '../hooks.js';
import { playVideo } from '../playback.js';
import { CloseButton, Dialog } from './Dialog.js';

export function Viewer() {
  const ctx = useCtx();
  const viewer = useApp((s) => s.viewer);
  // A public link's owner may allow downloads or not (its viewers still see the photos).
  const downloads = useApp((s) => s.screen !== 'public' || s.publicAlbum?.allowDownload !== false);
  const video = useRef<HTMLVideoElement>(null);
  const [failure, setFailure] = useState<string>();
  useEffect(() => {
    setFailure(undefined);
    const library = ctx.live.library;
    if (!viewer?.video || !library) return;
    const playback = new AbortController(); // closing the viewer stops the download
    const el = video.current!;
    playVideo(library, viewer.file, el, playback.signal).catch((e) => {
      if (!playback.signal.aborted) setFailure(`${viewer.file.meta.title}: ${(e as Error).message}`);
    });
    return () => {
      playback.abort();
      el.pause();
      el.removeAttribute('src');
      el.load();
    };
  }, [viewer, ctx]);
  return (
    <Dialog id="viewer" open={viewer !== null} onClose={() => closeViewer(ctx)} labelledBy="viewer-title">
      <img
        id="viewer-image"
        alt={viewer?.file.meta.title ?? ''}
        src={viewer?.imageUrl}
        hidden={!viewer?.imageUrl || failure !== undefined}
        onError={() =>
          viewer && setFailure(`${viewer.file.meta.title}: this browser cannot show this photo (it is kept as it was uploaded)`)
        }
      />
      <video id="viewer-video" ref={video} controls muted hidden={!viewer?.video} />
      <p id="viewer-title">{failure ?? viewer?.title}</p>
      {viewer?.imageUrl && downloads && (
        <a id="viewer-download" class="button secondary" href={viewer.imageUrl} download={viewer.file.meta.title}>
          Download
        </a>
      )}
      <CloseButton secondary={false} />
    </Dialog>
  );
}
