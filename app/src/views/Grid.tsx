// A grid of tiles, one per file, keyed by its id: a new file adds a tile, nothing is rebuilt.
// A tile asks the thumbnail cache for its image only once it scrolls near the view.
import { memo } from 'preact/compat';
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { FILE_TYPE, type GalleryFile } from '../../../client/src/index.js';
import type { ThumbnailCache } from '../thumbnails.js';

/** One IntersectionObserver for a grid's tiles, each waiting for its element to come near. */
function useNearView() {
  return useMemo(() => {
    const waiting = new Map<Element, () => void>();
    const observer = new IntersectionObserver(
      (entries) => {
        for (const entry of entries) {
          if (!entry.isIntersecting) continue;
          observer.unobserve(entry.target);
          waiting.get(entry.target)?.();
          waiting.delete(entry.target);
        }
      },
      { rootMargin: '200px' },
    );
    return {
      watch(el: Element, near: () => void) {
        waiting.set(el, near);
        observer.observe(el);
        return () => {
          waiting.delete(el);
          observer.unobserve(el);
        };
      },
      disconnect: () => observer.disconnect(),
    };
  }, []);
}

type NearView = ReturnType<typeof useNearView>;

interface TileProps {
  file: GalleryFile;
  score?: number;
  thumbnails: ThumbnailCache<GalleryFile>;
  nearView: NearView;
  onOpen: (file: GalleryFile) => void;
}

const Tile = memo(function Tile({ file, score, thumbnails, nearView, onOpen }: TileProps) {
  const ref = useRef<HTMLElement>(null);
  const [src, setSrc] = useState<string>();
  const [broken, setBroken] = useState(false);
  // Watched as soon as it is in the page (not after paint): a tile the grid scrolls past before
  // an effect would have run is still seen.
  useLayoutEffect(() => {
    let live = true;
    const stop = nearView.watch(ref.current!, () =>
      thumbnails.url(file).then(
        (url) => live && setSrc(url),
        () => live && setBroken(true),
      ),
    );
    return () => {
      live = false;
      stop();
    };
  }, [file, thumbnails, nearView]);
  const { title } = file.meta;
  const classes = [file.meta.fileType === FILE_TYPE.video && 'video', broken && 'broken'].filter(Boolean).join(' ');
  return (
    <figure ref={ref} data-file-id={file.id} class={classes || undefined}>
      {/* The tile's picture is a button: reached with Tab, opened with Enter or Space. */}
      <button type="button" class="open" aria-label={`Open ${title}`} onClick={() => onOpen(file)}>
        <img alt="" src={src} />
      </button>
      <figcaption>
        <span class="title" title={title}>
          {title}
        </span>
        {score !== undefined && <span class="score">{score.toFixed(2)}</span>}
      </figcaption>
    </figure>
  );
});

interface GridProps {
  id: string;
  files: GalleryFile[];
  scores?: Map<number, number> | null;
  thumbnails: ThumbnailCache<GalleryFile>;
  onOpen: (file: GalleryFile) => void;
}

export function Grid({ id, files, scores, thumbnails, onOpen }: GridProps) {
  const nearView = useNearView();
  useEffect(() => () => nearView.disconnect(), [nearView]);
  return (
    <section id={id} class="grid" aria-label="Photos">
      {files.map((f) => (
        <Tile key={f.id} file={f} score={scores?.get(f.id)} thumbnails={thumbnails} nearView={nearView} onOpen={onOpen} />
      ))}
    </section>
  );
}
