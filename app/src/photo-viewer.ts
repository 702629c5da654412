// The full-screen viewer on PhotoSwipe 5 (what Ente's web app uses): zoom (wheel, pinch, click),
// pan, swipe, arrow keys and Esc are PhotoSwipe's; the pixels are ours. A slide first shows the
// thumbnail, then the original once it is downloaded and decrypted (in the worker pool; a HEIC
// decoded, as browsers do not show it); the next
// and previous photos are decrypted ahead (PhotoSwipe's preload asks for them). A video slide
// gets a <video> with its own controls when it becomes the current slide, playing while it
// streams (playback.ts), and stopped when it is left. PhotoSwipe draws with the CSSOM and its
// own stylesheet (photoswipe.css, served as a file): nothing it does needs an inline style the
// CSP would refuse.
import PhotoSwipe, { type SlideData } from 'photoswipe';
import { FILE_TYPE, type GalleryFile, type Library } from '../../client/src/index.js';
import { viewable } from './media.js';
import { playVideo } from './playback.js';
import type { ThumbnailCache } from './thumbnails.js';

/** The info panel's width (library.css: 20rem) and the narrowest screen it sits beside the photo on. */
const INFO_WIDTH = 320;
const INFO_BESIDE = 800;
/** Slides decrypted ahead of the current one, each way. */
const PRELOAD: [number, number] = [1, 2];

export interface ViewerOptions {
  /** Where the app is served (the HEIC decoder's worker sits there). */
  base: URL;
  files: readonly GalleryFile[];
  index: number;
  library: Library;
  thumbnails: ThumbnailCache<GalleryFile>;
  /** The slide shown changed (also called once at opening). */
  onChange: (file: GalleryFile, index: number) => void;
  onClose: () => void;
  /** The info panel's and the buttons' elements, filled by the caller (Preact renders into them). */
  onInfoPanel: (el: HTMLElement) => void;
  onDownload?: (file: GalleryFile) => void;
}

interface Slide extends SlideData {
  file: GalleryFile;
}

export function openPhotoViewer(o: ViewerOptions): PhotoSwipe {
  const originals = new Map<number, Promise<string>>(); // file id -> object URL of the decrypted original
  const ready = new Map<number, string>();
  const thumbs = new Map<number, string>();
  const closing = new AbortController();
  let infoOpen = false;

  const original = (file: GalleryFile, index: number) => {
    if (originals.has(file.id)) return;
    const pending = o.library.contents(file, closing.signal).then(async (bytes) => {
      const url = URL.createObjectURL(await viewable(o.base, bytes, file.meta.mimeType));
      if (closing.signal.aborted) URL.revokeObjectURL(url);
      else {
        ready.set(file.id, url);
        pswp.refreshSlideContent(index);
      }
      return url;
    });
    pending.catch(() => originals.delete(file.id)); // shown as the thumbnail; a later visit retries
    originals.set(file.id, pending);
  };
  const thumbnail = (file: GalleryFile, index: number) => {
    if (thumbs.has(file.id)) return thumbs.get(file.id);
    o.thumbnails.url(file).then(
      (url) => {
        if (thumbs.has(file.id) || closing.signal.aborted) return;
        thumbs.set(file.id, url);
        if (!ready.has(file.id)) pswp.refreshSlideContent(index);
      },
      () => {},
    );
    return undefined;
  };

  const pswp = new PhotoSwipe({
    dataSource: o.files.map((file) => ({ file }) as Slide),
    index: o.index,
    preload: PRELOAD,
    bgOpacity: 1, // the gallery behind does not show through
    // On a wide screen the open info panel takes the right edge: the photo is fitted beside it.
    paddingFn: (viewport) => ({ top: 0, bottom: 0, left: 0, right: infoOpen && viewport.x >= INFO_BESIDE ? INFO_WIDTH : 0 }),
    showHideAnimationType: 'fade',
    wheelToZoom: true,
    secondaryZoomLevel: 2,
    maxZoomLevel: 6,
    closeTitle: 'Close (Esc)',
    arrowPrevTitle: 'Previous (←)',
    arrowNextTitle: 'Next (→)',
    zoomTitle: 'Zoom',
    errorMsg: 'This browser cannot show this photo (it is kept as it was uploaded).',
  });

  pswp.addFilter('itemData', (data, index) => {
    const file = (data as Slide).file;
    const width = file.meta.width || 1200;
    const height = file.meta.height || 900;
    const thumb = thumbnail(file, index);
    if (file.meta.fileType === FILE_TYPE.video) return { file, type: 'video', width, height, msrc: thumb } as Slide;
    original(file, index);
    return { file, width, height, src: ready.get(file.id) ?? thumb, msrc: thumb, alt: file.meta.title } as Slide;
  });
  // An image slide with nothing yet to show waits (its thumbnail or original refreshes it).
  pswp.on('contentLoad', (e) => {
    const { content } = e;
    if (content.type === 'image' && !content.data.src) {
      e.preventDefault();
      content.element = document.createElement('div');
      content.element.className = 'pswp__content pswp__waiting';
    }
    if (content.type === 'video') {
      e.preventDefault();
      content.element = document.createElement('div');
      content.element.className = 'pswp__content pswp__video-box';
    }
  });
  pswp.on('contentAppend', (e) => {
    const { content } = e;
    const img = content.element;
    if (content.type === 'image' && img instanceof HTMLImageElement) {
      const file = (content.data as Slide).file;
      img.dataset.fileId = String(file.id);
      if (ready.has(file.id) && content.data.src === ready.get(file.id)) img.dataset.original = 'true';
    }
  });

  // A video plays only on the current slide.
  const playing = new Map<HTMLElement, AbortController>();
  pswp.on('contentActivate', ({ content }) => {
    if (content.type !== 'video' || !content.element) return;
    const file = (content.data as Slide).file;
    const box = content.element;
    const video = document.createElement('video');
    video.id = 'viewer-video';
    video.controls = true;
    video.muted = true;
    video.playsInline = true;
    video.className = 'pswp__video';
    if (content.data.msrc) video.poster = content.data.msrc;
    box.replaceChildren(video);
    const stop = new AbortController();
    playing.set(box, stop);
    playVideo(o.library, file, video, stop.signal).catch((err) => {
      if (stop.signal.aborted) return;
      const failure = document.createElement('p');
      failure.className = 'pswp__failure';
      failure.textContent = `${file.meta.title}: ${(err as Error).message}`;
      box.append(failure);
    });
  });
  pswp.on('contentDeactivate', ({ content }) => {
    const box = content.element;
    if (!box) return;
    playing.get(box)?.abort();
    playing.delete(box);
    const video = box.querySelector('video');
    if (video) {
      video.pause();
      video.removeAttribute('src');
      video.load();
      video.remove();
    }
  });
  // Pointer events on a video's controls are the video's, not a swipe.
  pswp.on('pointerDown', (e) => {
    if ((e.originalEvent.target as Element | null)?.closest?.('video')) e.preventDefault();
  });

  const toggleInfo = () => {
    infoOpen = !infoOpen;
    pswp.element?.classList.toggle('pswp--info', infoOpen);
    pswp.updateSize(true);
  };

  pswp.on('uiRegister', () => {
    pswp.ui?.registerElement({
      name: 'info-button',
      title: 'Info (i)',
      ariaLabel: 'Show the photo’s details',
      order: 15,
      isButton: true,
      html: '<svg aria-hidden="true" class="pswp__icn" viewBox="0 0 32 32" width="32" height="32"><circle cx="16" cy="16" r="11" fill="none" stroke="currentColor" stroke-width="2.5"/><rect x="14.7" y="14" width="2.6" height="9" fill="currentColor"/><circle cx="16" cy="10.5" r="1.7" fill="currentColor"/></svg>',
      onClick: () => toggleInfo(),
    });
    if (o.onDownload)
      pswp.ui?.registerElement({
        name: 'download-button',
        title: 'Download the original',
        ariaLabel: 'Download the original',
        order: 16,
        isButton: true,
        html: '<svg aria-hidden="true" class="pswp__icn" viewBox="0 0 32 32" width="32" height="32"><path d="M16 6v13m-6-6 6 6 6-6M8 25h16" fill="none" stroke="currentColor" stroke-width="2.5"/></svg>',
        onClick: () => {
          const file = (pswp.currSlide?.data as Slide | undefined)?.file;
          if (file) o.onDownload?.(file);
          // Keys go back to the viewer (Esc after a download once left the focused button unanswered).
          pswp.element?.focus();
        },
      });
    pswp.ui?.registerElement({ name: 'info-panel', appendTo: 'root', onInit: (el) => o.onInfoPanel(el) });
  });
  pswp.on('keydown', (e) => {
    if (e.originalEvent.key === 'i') toggleInfo();
  });
  // PhotoSwipe's root is a dialog: its name is the photo shown (screen readers announce it).
  const named = (file: GalleryFile) => pswp.element?.setAttribute('aria-label', `${file.meta.title}, photo viewer`);
  pswp.on('change', () => {
    const slide = pswp.currSlide;
    if (!slide) return;
    named((slide.data as Slide).file);
    o.onChange((slide.data as Slide).file, slide.index);
  });
  pswp.on('afterInit', () => {
    if (pswp.element) pswp.element.id = 'viewer';
    named(o.files[o.index]);
    o.onChange(o.files[o.index], o.index);
  });
  // Opened (its fade-in over): the browser tests wait for it before a screenshot.
  pswp.on('openingAnimationEnd', () => pswp.element?.setAttribute('data-opened', ''));
  pswp.on('destroy', () => {
    closing.abort();
    for (const stop of playing.values()) stop.abort();
    for (const url of ready.values()) URL.revokeObjectURL(url);
    o.onClose();
  });
  pswp.init();
  return pswp;
}
