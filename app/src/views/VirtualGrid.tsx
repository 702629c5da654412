// The photo grid of every view (the timeline, an album, the archive, the trash, search hits):
// rows of tiles, with month and day headers when the view is by date, virtualised with TanStack's
// virtual-core over the window's scroll, so only the rows near the screen are in the page: a
// 100,000-photo library costs the same to scroll as a 100-photo one. Rows have fixed heights
// (computed from the width), so nothing is measured while scrolling. A tile asks for its
// thumbnail once it has stayed in the page a moment (a fast scroll through thousands of rows
// downloads none of them). Positions are set through the CSSOM (style objects), which the CSP
// allows; no <style> or style attribute is written.
import { observeWindowOffset, observeWindowRect, Virtualizer, windowScroll } from '@tanstack/virtual-core';
import { memo } from 'preact/compat';
import { useCallback, useEffect, useLayoutEffect, useMemo, useReducer, useRef, useState } from 'preact/hooks';
import { FILE_TYPE, type GalleryFile } from '../../../client/src/index.js';
import { dayKey, dayLabel, monthLabel } from '../dates.js';
import type { ThumbnailCache } from '../thumbnails.js';

/** Layout, in CSS pixels (gallery.css draws tiles to fill these). */
const MIN_TILE = 150;
const MIN_TILE_PHONE = 110;
const GAP = 8;
const CAPTION = 28;
/** With notes (search results: date, album, why), a second caption line. */
const NOTED_CAPTION = 46;
const MONTH_ROW = 52;
const DAY_ROW = 34;
/** Rows kept in the page beyond the screen, each side. */
const OVERSCAN = 4;
/** How long a tile stays in the page before its thumbnail is asked for. */
const THUMBNAIL_DELAY_MS = 80;

type Row =
  | { kind: 'month'; key: string; label: string }
  | { kind: 'day'; key: string; label: string; first: number; last: number }
  | { kind: 'tiles'; key: string; first: number; last: number };

/** The rows of `files` in `cols` columns; with `byDate`, a header at each new month and day. */
export function layoutRows(files: readonly GalleryFile[], cols: number, byDate: boolean): Row[] {
  const rows: Row[] = [];
  const tiles = (first: number, last: number) => {
    for (let i = first; i < last; i += cols) rows.push({ kind: 'tiles', key: `t${i}`, first: i, last: Math.min(last, i + cols) });
  };
  if (!byDate) {
    tiles(0, files.length);
    return rows;
  }
  let month = '';
  for (let i = 0; i < files.length; ) {
    const day = dayKey(files[i].meta.creationTime);
    let end = i + 1;
    while (end < files.length && dayKey(files[end].meta.creationTime) === day) end++;
    const m = day.slice(0, 7);
    if (m !== month) {
      month = m;
      rows.push({ kind: 'month', key: `m${i}`, label: monthLabel(files[i].meta.creationTime) });
    }
    rows.push({ kind: 'day', key: `d${i}`, label: dayLabel(files[i].meta.creationTime), first: i, last: end });
    tiles(i, end);
    i = end;
  }
  return rows;
}

interface TileProps {
  file: GalleryFile;
  index: number;
  score?: number;
  note?: string;
  selected: boolean;
  selecting: boolean;
  thumbnails: ThumbnailCache<GalleryFile>;
  onTile: (file: GalleryFile, index: number, e: MouseEvent | KeyboardEvent, toggle: boolean) => void;
}

const Tile = memo(function Tile({ file, index, score, note, selected, selecting, thumbnails, onTile }: TileProps) {
  const [src, setSrc] = useState<string>();
  const [broken, setBroken] = useState(false);
  useEffect(() => {
    let live = true;
    const timer = setTimeout(
      () =>
        thumbnails.url(file).then(
          (url) => live && setSrc(url),
          () => live && setBroken(true),
        ),
      THUMBNAIL_DELAY_MS,
    );
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [file, thumbnails]);
  const { title } = file.meta;
  const classes = [file.meta.fileType === FILE_TYPE.video && 'video', broken && 'broken', selected && 'selected']
    .filter(Boolean)
    .join(' ');
  return (
    <figure data-file-id={file.id} class={classes || undefined}>
      <button
        type="button"
        class="open"
        aria-label={selecting ? `${selected ? 'Unselect' : 'Select'} ${title}` : `Open ${title}`}
        onClick={(e) => onTile(file, index, e, false)}
      >
        <img alt={title} src={src} draggable={false} />
      </button>
      <button
        type="button"
        class="check"
        aria-label={selected ? `Unselect ${title}` : `Select ${title}`}
        aria-pressed={selected}
        onClick={(e) => {
          e.stopPropagation();
          onTile(file, index, e, true);
        }}
      />
      <figcaption>
        <span class="title" title={title}>
          {title}
        </span>
        {note && <span class="note">{note}</span>}
        {score !== undefined && <span class="score">{score.toFixed(2)}</span>}
      </figcaption>
    </figure>
  );
});

export interface GridProps {
  id: string;
  files: readonly GalleryFile[];
  thumbnails: ThumbnailCache<GalleryFile>;
  /** Month and day headers (the files are in date order). */
  byDate?: boolean;
  scores?: Map<number, number> | null;
  /** A short note under a tile (e.g. its album, in search results). */
  notes?: Map<number, string> | null;
  selection?: ReadonlySet<number>;
  /** A tile clicked: `toggle` when its check box (or Space) was used. */
  onTile: (file: GalleryFile, index: number, e: MouseEvent | KeyboardEvent, toggle: boolean) => void;
}

/** The grid's width, followed as the window or the layout changes. */
function useWidth(ref: { current: HTMLElement | null }) {
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const el = ref.current!;
    const observer = new ResizeObserver(() => setWidth(el.clientWidth));
    observer.observe(el);
    setWidth(el.clientWidth);
    return () => observer.disconnect();
  }, [ref]);
  return width;
}

export function VirtualGrid({ id, files, thumbnails, byDate = false, scores, notes, selection, onTile }: GridProps) {
  const ref = useRef<HTMLElement>(null);
  const width = useWidth(ref);
  const phone = width > 0 && width < 600;
  const minTile = phone ? MIN_TILE_PHONE : MIN_TILE;
  const cols = Math.max(2, Math.floor((width + GAP) / (minTile + GAP)) || 2);
  const tile = width ? (width - GAP * (cols - 1)) / cols : minTile;
  const tileRow = Math.round((tile * 3) / 4) + (notes ? NOTED_CAPTION : CAPTION) + GAP;
  const rows = useMemo(() => layoutRows(files, cols, byDate), [files, cols, byDate]);
  // Stable between renders: virtual-core recomputes every row's position (O(rows)) when its
  // getItemKey changes, and each scroll renders (100,000 files: 700 ms tasks before, BENCHMARKS.md).
  const size = useCallback(
    (i: number) => (rows[i].kind === 'tiles' ? tileRow : rows[i].kind === 'month' ? MONTH_ROW : DAY_ROW),
    [rows, tileRow],
  );
  const itemKey = useCallback((i: number) => rows[i]?.key ?? i, [rows]);

  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const virtualizer = useMemo(
    () =>
      new Virtualizer<Window, HTMLElement>({
        count: 0,
        getScrollElement: () => window,
        estimateSize: () => 0,
        scrollToFn: windowScroll,
        observeElementRect: observeWindowRect,
        observeElementOffset: observeWindowOffset,
        onChange: () => rerender(0),
      }),
    [],
  );
  // Whole pixels: a sum of fractions that differs in its last bit would recompute every row.
  const scrollMargin = ref.current ? Math.round(ref.current.getBoundingClientRect().top + window.scrollY) : 0;
  virtualizer.setOptions({
    ...virtualizer.options,
    count: rows.length,
    estimateSize: size,
    getItemKey: itemKey,
    overscan: OVERSCAN,
    scrollMargin,
  });
  useLayoutEffect(() => virtualizer._didMount(), [virtualizer]);
  // What sits above the grid can grow or shrink (the upload report, a finding): the page's height
  // changes, and the grid's offset (scrollMargin, read at render) is read again.
  useLayoutEffect(() => {
    const observer = new ResizeObserver(() => rerender(0));
    observer.observe(document.body);
    return () => observer.disconnect();
  }, []);
  useLayoutEffect(() => {
    virtualizer._willUpdate();
  });
  // Sizes change with the width (a new column count): positions are computed again.
  useLayoutEffect(() => virtualizer.measure(), [virtualizer, rows, tileRow]);

  const selecting = (selection?.size ?? 0) > 0;
  const items = virtualizer.getVirtualItems();
  return (
    <section
      id={id}
      ref={ref}
      class={notes ? 'vgrid noted' : 'vgrid'}
      aria-label="Photos"
      data-count={files.length}
      style={{ height: `${virtualizer.getTotalSize()}px` }}
    >
      {items.map((item) => {
        const row = rows[item.index];
        if (!row) return null;
        const at = { transform: `translateY(${item.start - scrollMargin}px)`, height: `${item.size}px` };
        if (row.kind === 'month')
          return (
            <h2 key={row.key} class="vrow month" style={at}>
              {row.label}
            </h2>
          );
        if (row.kind === 'day')
          return (
            <h3 key={row.key} class="vrow day" style={at}>
              {row.label}
            </h3>
          );
        const cells = [];
        for (let i = row.first; i < row.last; i++) {
          const f = files[i];
          cells.push(
            <Tile
              key={f.id}
              file={f}
              index={i}
              score={scores?.get(f.id)}
              note={notes?.get(f.id)}
              selected={selection?.has(f.id) ?? false}
              selecting={selecting}
              thumbnails={thumbnails}
              onTile={onTile}
            />,
          );
        }
        return (
          <div
            key={row.key}
            class="vrow tiles"
            style={{ ...at, gridTemplateColumns: `repeat(${cols}, 1fr)`, gap: `${GAP}px`, paddingBottom: `${GAP}px` }}
          >
            {cells}
          </div>
        );
      })}
    </section>
  );
}
