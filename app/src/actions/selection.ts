// Multi-select in the grid shown: click a tile's check (or Ctrl/⌘-click, or Space) to add or
// remove it, shift-click for the range from the last one clicked, Ctrl/⌘+A for every file of the
// view, Esc to clear. With a selection, a click on a tile selects rather than opens.
import type { GalleryFile } from '../../../client/src/index.js';
import type { Ctx } from '../context.js';
import { openViewer } from './viewer.js';

export function clearSelection(ctx: Ctx) {
  ctx.store.set({ selection: new Set(), anchor: null });
}

/** The files of the grid shown (a public link's album on its page). */
const shown = (ctx: Ctx): readonly GalleryFile[] => {
  const s = ctx.store.get();
  return (s.screen === 'public' ? s.publicAlbum?.files : s.files) ?? [];
};

export function selectAll(ctx: Ctx) {
  ctx.store.set({ selection: new Set(shown(ctx).map((f) => f.id)) });
}

/** A tile was clicked (or Enter/Space on it); `toggle`: its check box or Space. */
export function tileClicked(ctx: Ctx, file: GalleryFile, index: number, e: MouseEvent | KeyboardEvent, toggle: boolean) {
  const s = ctx.store.get();
  const files = shown(ctx);
  const selecting = s.selection.size > 0;
  if (e.shiftKey && s.anchor !== null && files.length) {
    const [from, to] = s.anchor < index ? [s.anchor, index] : [index, s.anchor];
    const next = new Set(s.selection);
    for (let i = from; i <= Math.min(to, files.length - 1); i++) next.add(files[i].id);
    ctx.store.set({ selection: next });
    return;
  }
  if (toggle || selecting || e.ctrlKey || e.metaKey) {
    const next = new Set(s.selection);
    if (next.has(file.id)) next.delete(file.id);
    else next.add(file.id);
    ctx.store.set({ selection: next, anchor: index });
    return;
  }
  ctx.store.set({ anchor: index });
  openViewer(ctx, file);
}

/** The selected files, in the grid's order. */
export function selectedFiles(ctx: Ctx): GalleryFile[] {
  const s = ctx.store.get();
  return shown(ctx).filter((f) => s.selection.has(f.id));
}
