// The gallery page: screens, forms, albums, the grid and the viewer. The work happens in the
// modules beside this one (accounts, library, sharing, search), and every byte of crypto in
// cipherlens' worker pool: this thread draws, fetches and keeps keys only while logged in.
import { createWorkerPool } from '../js/dist/crypto.js';
import { createApi } from './api.js';
import { signUp, logIn, recover } from './account.js';
import { Library, FILE_TYPE } from './library.js';
import { Sharing, KeyChangedError, publicLinkOfPage } from './sharing.js';
import { GallerySearch } from './search.js';

const POOL_THREADS = 2;
const DEFAULT_ALBUM = 'My photos';
const $ = (id) => document.getElementById(id);

const core = await createWorkerPool(POOL_THREADS, {
  workerUrl: new URL('crypto-worker.js', location.href).href,
  wasmUrl: new URL('cipherlens-crypto.wasm', location.href).href,
});

let session = null; // the logged-in account (account.js Session)
let library = null;
let sharing = null;
let search = null;
let album = null; // the album shown
let searchReady = null;

function show(screen) {
  for (const s of document.querySelectorAll('main > section')) s.hidden = s.id !== `screen-${screen}`;
  document.body.dataset.screen = screen;
  const inGallery = screen === 'gallery';
  $('lock-button').hidden = !inGallery;
  $('search-form').hidden = !inGallery;
  $('who').hidden = !inGallery;
  $('error').hidden = true;
}

function showProgress(label, done, total) {
  $('busy').hidden = false;
  $('busy-label').textContent = label;
  const bar = $('busy-progress');
  if (total) {
    bar.max = total;
    bar.value = done;
  } else {
    bar.removeAttribute('value'); // indeterminate: Argon2 reports no steps
  }
}

function showError(e) {
  $('error').textContent = e?.message ?? String(e);
  $('error').hidden = false;
}

/** Runs a long task with the busy indicator up, the forms disabled and errors shown in place. */
async function busy(label, fn) {
  $('error').hidden = true;
  showProgress(label);
  document.body.dataset.busy = 'true';
  for (const b of document.querySelectorAll('main form button')) b.disabled = true;
  try {
    return await fn();
  } catch (e) {
    showError(e);
    return undefined;
  } finally {
    $('busy').hidden = true;
    delete document.body.dataset.busy;
    for (const b of document.querySelectorAll('main form button')) b.disabled = false;
  }
}

// Object URLs of decrypted images, revoked on logout.
const objectUrls = [];
function blobUrl(bytes, type) {
  const url = URL.createObjectURL(new Blob([bytes], { type }));
  objectUrls.push(url);
  return url;
}

// Thumbnails decrypt (in the pool) only when their tile scrolls into view.
const thumbnails = new IntersectionObserver(
  (entries) => {
    for (const entry of entries) {
      if (!entry.isIntersecting) continue;
      thumbnails.unobserve(entry.target);
      const { lib, file } = tiles.get(entry.target);
      const img = entry.target.querySelector('img');
      lib.thumbnail(file).then(
        (bytes) => {
          img.src = blobUrl(bytes, 'image/jpeg');
        },
        () => {
          entry.target.classList.add('broken');
        },
      );
    }
  },
  { rootMargin: '200px' },
);
const tiles = new WeakMap();

function renderGrid(grid, lib, files, scores) {
  for (const old of grid.children) thumbnails.unobserve(old);
  grid.replaceChildren();
  for (const file of files) {
    const figure = document.createElement('figure');
    figure.dataset.fileId = file.id;
    const img = document.createElement('img');
    img.alt = file.meta.title;
    const caption = document.createElement('figcaption');
    const title = document.createElement('span');
    title.className = 'title';
    title.textContent = title.title = file.meta.title;
    caption.append(title);
    if (file.meta.fileType === FILE_TYPE.video) figure.classList.add('video');
    if (scores) {
      const score = document.createElement('span');
      score.className = 'score';
      score.textContent = scores.get(file.id).toFixed(2);
      caption.append(score);
    }
    figure.append(img, caption);
    figure.onclick = () => openFile(lib, file);
    tiles.set(figure, { lib, file });
    grid.append(figure);
    thumbnails.observe(figure);
  }
}

// ---- viewer ----
let playback = null; // AbortController of the video streaming into the viewer

async function playStreaming(lib, file, video, signal) {
  const ms = new MediaSource();
  video.src = URL.createObjectURL(ms);
  await new Promise((ok) => ms.addEventListener('sourceopen', ok, { once: true }));
  const buffer = ms.addSourceBuffer(file.meta.mimeType);
  const chunks = await lib.contentStream(file, signal);
  let first = true;
  for await (const chunk of chunks) {
    if (signal.aborted) return;
    buffer.appendBuffer(chunk);
    await new Promise((ok) => buffer.addEventListener('updateend', ok, { once: true }));
    if (first) {
      first = false;
      video.play().catch(() => {}); // playback starts with the first decrypted chunk
    }
  }
  if (ms.readyState === 'open') ms.endOfStream();
}

async function openFile(lib, file) {
  const { meta } = file;
  const img = $('viewer-image');
  const video = $('viewer-video');
  $('viewer-title').textContent = `${meta.title} · ${meta.width}×${meta.height}`;
  img.hidden = video.hidden = true;
  if (meta.fileType === FILE_TYPE.video) {
    video.hidden = false;
    $('viewer').showModal();
    const streamable = meta.mimeType?.includes('codecs=') && MediaSource.isTypeSupported(meta.mimeType);
    const controller = (playback = new AbortController()); // closing the viewer stops the download
    try {
      if (streamable) await playStreaming(lib, file, video, controller.signal);
      else {
        video.src = blobUrl(await lib.contents(file), meta.mimeType);
        video.play().catch(() => {});
      }
    } catch (e) {
      if (!controller.signal.aborted) $('viewer-title').textContent = `${meta.title}: ${e.message}`;
    }
    return;
  }
  const bytes = await busy(`Decrypting ${meta.title}…`, () => lib.contents(file));
  if (!bytes) return;
  img.src = blobUrl(bytes, meta.mimeType || 'image/jpeg');
  img.alt = meta.title;
  img.hidden = false;
  $('viewer').showModal();
}

$('viewer').addEventListener('close', () => {
  playback?.abort();
  playback = null;
  const video = $('viewer-video');
  video.pause();
  video.removeAttribute('src');
  video.load();
});

// ---- accounts ----
const progressLabel = (label) => showProgress(label);

$('signup-form').onsubmit = async (e) => {
  e.preventDefault();
  if ($('signup-password').value !== $('signup-confirm').value) return showError(new Error('The passwords do not match'));
  const result = await busy('Preparing…', () =>
    signUp(core, $('signup-email').value.trim(), $('signup-password').value, progressLabel),
  );
  $('signup-password').value = $('signup-confirm').value = '';
  if (!result) return;
  session = result.session;
  $('phrase-words').replaceChildren(
    ...result.recoveryPhrase.split(' ').map((w) => {
      const li = document.createElement('li');
      li.textContent = w;
      return li;
    }),
  );
  show('phrase');
};

$('phrase-done').onclick = () => {
  $('phrase-words').replaceChildren();
  openGallery();
};

$('login-form').onsubmit = async (e) => {
  e.preventDefault();
  const s = await busy('Preparing…', () => logIn(core, $('login-email').value.trim(), $('login-password').value, progressLabel));
  $('login-password').value = '';
  if (!s) return;
  session = s;
  openGallery();
};

$('recover-form').onsubmit = async (e) => {
  e.preventDefault();
  const s = await busy('Checking your phrase…', () =>
    recover(core, $('recover-email').value.trim(), $('recover-phrase').value, $('recover-password').value, progressLabel),
  );
  $('recover-password').value = '';
  if (!s) return;
  $('recover-phrase').value = '';
  session = s;
  openGallery();
};

$('show-signup').onclick = () => show('signup');
$('show-recover').onclick = () => show('recover');
for (const b of document.querySelectorAll('.show-login')) b.onclick = () => show('login');

$('lock-button').onclick = async () => {
  search?.close();
  library?.close();
  await session?.lock();
  session = library = sharing = search = album = searchReady = null;
  objectUrls.splice(0).forEach((u) => URL.revokeObjectURL(u));
  $('grid').replaceChildren();
  $('album-list').replaceChildren();
  $('uploads').replaceChildren();
  $('search-input').value = '';
  $('search-input').disabled = true;
  $('results-status').textContent = $('search-status').textContent = '';
  show('login');
};

// ---- albums ----
async function openGallery() {
  show('gallery');
  $('who').textContent = session.email;
  library = new Library(core, session.api, {
    masterKey: session.masterKey,
    publicKey: session.publicKey,
    secretKey: session.secretKey,
    userId: session.id,
  });
  sharing = new Sharing(session);
  search = new GallerySearch(core, session.api);
  const albums = await busy('Opening your albums…', async () => {
    const list = await library.loadAlbums();
    if (!list.length) list.push(await library.createAlbum(DEFAULT_ALBUM));
    return list;
  });
  if (!albums) return;
  if (library.unreadableAlbums)
    showError(new Error(`${library.unreadableAlbums} album(s) could not be opened (damaged or tampered with)`));
  renderAlbums();
  await selectAlbum(albums[0]);
  $('my-verification-id').textContent = await core.verificationId(session.publicKey);
  searchReady = openSearch();
}

// Albums shared with this account since it logged in show up when the page gets the focus back.
window.addEventListener('focus', async () => {
  if (!library || document.body.dataset.screen !== 'gallery') return;
  const known = library.albums.size;
  const lib = library;
  await lib.loadAlbums().catch(() => {});
  if (lib === library && lib.albums.size !== known) renderAlbums();
});

function renderAlbums() {
  $('album-list').replaceChildren(
    ...[...library.albums.values()].map((a) => {
      const li = document.createElement('li');
      const button = document.createElement('button');
      button.className = 'album-link';
      button.textContent = a.name;
      if (!a.mine) {
        const from = document.createElement('small');
        from.textContent = `shared by ${a.owner.email}`;
        button.append(from);
      }
      button.setAttribute('aria-current', String(a === album));
      button.onclick = () => selectAlbum(a);
      li.append(button);
      return li;
    }),
  );
}

async function selectAlbum(a) {
  album = a;
  renderAlbums();
  $('album-title').textContent = a.name;
  const info = () =>
    [
      a.mine
        ? a.sharees.length
          ? `shared with ${a.sharees.map((s) => s.email).join(', ')}`
          : ''
        : `shared with you by ${a.owner.email}`,
      a.unreadable ? `${a.unreadable} file${a.unreadable > 1 ? 's' : ''} could not be opened (damaged or tampered with)` : '',
    ]
      .filter(Boolean)
      .join(' · ');
  $('album-info').textContent = info();
  for (const id of ['add-button', 'share-button', 'link-button']) $(id).hidden = !a.mine;
  $('results-status').textContent = '';
  const files = await library.loadFiles(a);
  if (album !== a) return;
  $('album-info').textContent = info();
  renderGrid($('grid'), library, files);
  $('empty').hidden = files.length > 0;
  $('empty').textContent = a.mine
    ? 'No photos yet: drop photos and videos here, or use “Add photos & videos”.'
    : 'This album is empty.';
}

$('album-form').onsubmit = async (e) => {
  e.preventDefault();
  const name = $('album-name').value.trim();
  if (!name) return;
  const a = await busy('Creating the album…', () => library.createAlbum(name));
  if (!a) return;
  $('album-name').value = '';
  await selectAlbum(a);
};

// ---- upload ----
async function uploadFiles(list) {
  const target = album;
  if (!target?.mine) return;
  // Photos and videos only, and never an empty file (Ente refuses those too).
  const files = [...list].filter((f) => f.size > 0 && (f.type.startsWith('image/') || f.type.startsWith('video/')));
  // One row per file, all shown at once; they upload one after another.
  const rows = files.map((f) => {
    const row = document.createElement('li');
    const label = document.createElement('span');
    label.textContent = `Waiting: ${f.name}`;
    const bar = document.createElement('progress');
    bar.max = f.size || 1;
    bar.value = 0;
    row.append(label, bar);
    $('uploads').append(row);
    return { row, label, bar };
  });
  const thumbnails = new Map(); // each file uploaded -> its thumbnail, for search
  for (const [i, f] of files.entries()) {
    const { row, label, bar } = rows[i];
    label.textContent = `Encrypting and uploading ${f.name}`;
    try {
      const { file, thumbnail } = await library.upload(target, f, (done, total) => {
        bar.max = total;
        bar.value = done;
      });
      row.remove();
      thumbnails.set(file, thumbnail);
      if (album === target) await selectAlbum(target);
    } catch (e) {
      label.textContent = `${f.name}: ${e.message}`;
      row.classList.add('failed');
    }
  }
  // Then one indexing run over what was uploaded (indexFiles in the search worker), with its bar.
  if (!thumbnails.size) return;
  await searchReady;
  try {
    await search.index([...thumbnails.keys()], (file) => thumbnails.get(file), showIndexing);
  } catch (e) {
    $('search-status').textContent = `Indexing for search failed: ${e.message}`;
    return;
  }
  showSearchStatus();
}

$('add-input').onchange = (e) => {
  const files = [...e.target.files];
  e.target.value = '';
  uploadFiles(files);
};
$('drop').addEventListener('dragover', (e) => {
  e.preventDefault();
  $('drop').classList.add('over');
});
$('drop').addEventListener('dragleave', () => $('drop').classList.remove('over'));
$('drop').addEventListener('drop', (e) => {
  e.preventDefault();
  $('drop').classList.remove('over');
  uploadFiles(e.dataTransfer.files);
});

// ---- search ----
function showSearchStatus() {
  if (search?.worker) $('search-status').textContent = search.status();
}

/** While photos are indexed for search (indexFiles in the search worker): how far, with a bar. */
function showIndexing(done, total) {
  const bar = $('search-progress');
  bar.hidden = done >= total;
  bar.max = total;
  bar.value = done;
  $('search-status').textContent = done < total ? `Indexing photos for search: ${done} of ${total}` : '';
}

async function openSearch() {
  const input = $('search-input');
  input.disabled = true;
  const s = search;
  try {
    await s.open((label, done, total) => {
      input.placeholder = total ? `${label} ${Math.round((100 * done) / total)}%` : label;
    });
    input.placeholder = 'Search your photos, e.g. “red”';
    // Every album's files: their ML data from the server first, the rest indexed here.
    const files = [];
    for (const a of library.albums.values()) files.push(...(await library.loadFiles(a)));
    await s.sync(files, (f) => library.thumbnail(f), { canUpload: (f) => f.ownerID === session.id, onProgress: showIndexing });
    if (s !== search) return;
    input.disabled = false;
    showSearchStatus();
  } catch (e) {
    if (s === search) input.placeholder = `Search is unavailable: ${e.message}`;
  }
}

$('search-form').onsubmit = async (e) => {
  e.preventDefault();
  const text = $('search-input').value.trim();
  if (!text) return selectAlbum(album);
  const hits = await busy(`Searching for “${text}”…`, () => search.query(text));
  if (!hits) return;
  const files = hits.map((h) => library.files.get(h.fileId)).filter(Boolean);
  renderGrid($('grid'), library, files, new Map(hits.map((h) => [h.fileId, h.score])));
  $('empty').hidden = true;
  $('results-status').textContent = files.length
    ? `${files.length} photo${files.length > 1 ? 's' : ''} match “${text}”, best first.`
    : `Nothing matches “${text}”.`;
};

// ---- sharing ----
let prepared = null;

$('share-button').onclick = () => {
  prepared = null;
  $('share-album').textContent = album.name;
  $('share-form').hidden = false;
  $('share-verify').hidden = $('share-error').hidden = $('share-done').hidden = true;
  $('share-email').value = '';
  $('share-dialog').showModal();
};

$('share-form').onsubmit = async (e) => {
  e.preventDefault();
  $('share-error').hidden = true;
  try {
    prepared = await sharing.prepare($('share-email').value.trim());
    $('share-who').textContent = prepared.contact.email;
    $('their-id').textContent = prepared.theirId;
    $('mine-id').textContent = prepared.myId;
    $('share-form').hidden = true;
    $('share-verify').hidden = false;
  } catch (err) {
    $('share-error').textContent =
      err instanceof KeyChangedError ? err.message : err.status === 404 ? 'There is no account with that email.' : err.message;
    $('share-error').classList.toggle('warning', err instanceof KeyChangedError);
    $('share-error').hidden = false;
  }
};

$('share-confirm').onclick = async () => {
  try {
    await sharing.share(album, prepared);
    $('share-verify').hidden = true;
    $('share-done').textContent = `Shared with ${prepared.contact.email}.`;
    $('share-done').hidden = false;
    await selectAlbum(album);
  } catch (err) {
    $('share-error').textContent = err.message;
    $('share-error').hidden = false;
  }
};

$('link-button').onclick = async () => {
  const link = await busy('Creating the link…', () => sharing.publicLink(album));
  if (!link) return;
  $('link-url').value = link;
  $('link-dialog').showModal();
  $('link-url').select();
};

// ---- public links ----
async function openPublic({ token, key, error }) {
  show('public');
  if (error) return showError(new Error(error));
  const lib = new Library(core, createApi({ accessToken: token }));
  const shown = await busy('Opening the album…', async () => {
    const a = await lib.loadPublicAlbum(key); // the album keeps the key
    $('public-title').textContent = a.name;
    renderGrid($('public-grid'), lib, await lib.loadFiles(a));
    return true;
  });
  if (!shown) $('public-title').textContent = 'This link does not open';
}

const link = publicLinkOfPage();
if (link) openPublic(link);
else show('login');
