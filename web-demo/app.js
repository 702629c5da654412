// The gallery page: screens, forms and the photo grid. gallery.js does the work, in
// cipherlens' worker threads; this file shows its results.
import { call, reportProgressTo } from './gallery.js';

const $ = (id) => document.getElementById(id);

reportProgressTo((task, p) => {
  if (task === 'search' && !document.body.dataset.busy) return showSearchLoading(p);
  return showProgress(p);
});

function show(screen) {
  for (const s of document.querySelectorAll('main > section')) s.hidden = s.id !== `screen-${screen}`;
  document.body.dataset.screen = screen;
  const inGallery = screen === 'gallery';
  $('add-button').hidden = !inGallery;
  $('lock-button').hidden = !inGallery;
  $('search-form').hidden = !inGallery;
}

function showProgress({ label, done, total }) {
  $('busy').hidden = false;
  $('busy-label').textContent = label;
  const bar = $('busy-progress');
  if (total) {
    bar.max = total;
    bar.value = done;
  } else {
    bar.removeAttribute('value');  // indeterminate: Argon2 reports no steps
  }
}

const SEARCH_PLACEHOLDER = $('search-input').placeholder;

/** While search loads behind the open gallery, the search box says how far it is. */
function showSearchLoading({ label, done, total }) {
  const input = $('search-input');
  input.disabled = true;
  input.placeholder = total ? `${label} ${Math.round((100 * done) / total)}%` : label;
}

/** Search opens after the grid shows: the photos do not wait for the models and the index. */
async function openSearchInBackground() {
  const input = $('search-input');
  input.disabled = true;
  try {
    await call('openSearch');
    input.placeholder = SEARCH_PLACEHOLDER;
    input.disabled = false;
  } catch (e) {
    if (document.body.dataset.screen === 'gallery') input.placeholder = `Search is unavailable: ${e.message}`;
  }
}

/** Runs a long task with the busy indicator up and errors shown in place. */
async function busy(label, fn) {
  $('error').hidden = true;
  showProgress({ label });
  document.body.dataset.busy = 'true';
  for (const b of document.querySelectorAll('form button')) b.disabled = true;
  try {
    return await fn();
  } catch (e) {
    $('error').textContent = e.message;
    $('error').hidden = false;
    return undefined;
  } finally {
    $('busy').hidden = true;
    delete document.body.dataset.busy;
    for (const b of document.querySelectorAll('form button')) b.disabled = false;
  }
}

const objectUrls = [];
function imageUrl(bytes) {
  const url = URL.createObjectURL(new Blob([bytes], { type: 'image/jpeg' }));
  objectUrls.push(url);
  return url;
}

let allPhotos = [];

async function openGallery() {
  show('gallery');
  allPhotos = await call('list');
  if (allPhotos.length === 0) {
    await busy('Adding sample photos…', () => call('addSamples'));
    allPhotos = await call('list');
  }
  renderGrid(allPhotos);
  openSearchInBackground();
  $('verification-id').textContent = await call('verificationId');
}

function renderGrid(photos, scores) {
  const grid = $('grid');
  grid.replaceChildren();
  $('empty').hidden = photos.length > 0 || Boolean(scores);
  for (const photo of photos) {
    const figure = document.createElement('figure');
    const img = document.createElement('img');
    img.alt = photo.title;
    const caption = document.createElement('figcaption');
    const title = document.createElement('span');
    title.className = 'title';
    title.textContent = title.title = photo.title;  // cut with an ellipsis when long: full text on hover
    caption.append(title);
    if (scores) {
      const score = document.createElement('span');
      score.className = 'score';
      score.textContent = scores.get(photo.id).toFixed(2);
      caption.append(score);
    }
    figure.append(img, caption);
    figure.onclick = () => openPhoto(photo);
    grid.append(figure);
    call('thumbnail', photo.id).then((bytes) => { img.src = imageUrl(bytes); });
  }
}

async function openPhoto(photo) {
  const bytes = await busy(`Decrypting ${photo.title}…`, () => call('photo', photo.id));
  if (!bytes) return;
  $('viewer-image').src = imageUrl(bytes);
  $('viewer-image').alt = photo.title;
  $('viewer-title').textContent = `${photo.title} · ${photo.width}×${photo.height}`;
  $('viewer').showModal();
}

$('create-form').onsubmit = async (e) => {
  e.preventDefault();
  if ($('create-password').value !== $('create-confirm').value) {
    $('error').textContent = 'The passwords do not match';
    $('error').hidden = false;
    return;
  }
  const result = await busy('Preparing…', () => call('create', $('create-password').value));
  if (!result) return;
  $('phrase-words').replaceChildren(...result.recoveryPhrase.split(' ').map((w) => {
    const li = document.createElement('li');
    li.textContent = w;
    return li;
  }));
  show('phrase');
};

$('phrase-done').onclick = () => openGallery();

$('unlock-form').onsubmit = async (e) => {
  e.preventDefault();
  const ok = await busy('Preparing…', async () => (await call('unlock', $('unlock-password').value), true));
  $('unlock-password').value = '';
  if (ok) openGallery();
};

$('recover-form').onsubmit = async (e) => {
  e.preventDefault();
  const ok = await busy('Checking your phrase…', async () =>
    (await call('recover', $('recover-phrase').value, $('recover-password').value), true));
  if (ok) openGallery();
};

$('search-form').onsubmit = async (e) => {
  e.preventDefault();
  const text = $('search-input').value.trim();
  const status = $('search-status');
  if (!text) {
    status.hidden = true;
    return renderGrid(allPhotos);
  }
  const hits = await busy(`Searching for “${text}”…`, () => call('search', text));
  if (!hits) return;
  const byId = new Map(allPhotos.map((p) => [p.id, p]));
  renderGrid(hits.map((h) => byId.get(h.fileId)).filter(Boolean), new Map(hits.map((h) => [h.fileId, h.score])));
  status.textContent = hits.length ? `${hits.length} photo${hits.length > 1 ? 's' : ''} match “${text}”, best first`
    : `Nothing matches “${text}”`;
  status.hidden = false;
};

$('show-recover').onclick = () => show('recover');
$('show-unlock').onclick = () => show('unlock');

$('lock-button').onclick = async () => {
  await call('lock');
  objectUrls.splice(0).forEach((u) => URL.revokeObjectURL(u));
  $('grid').replaceChildren();
  $('search-input').value = '';
  $('search-input').placeholder = SEARCH_PLACEHOLDER;
  $('search-status').hidden = true;
  allPhotos = [];
  show('unlock');
};

$('add-input').onchange = async (e) => {
  const files = await Promise.all([...e.target.files].map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })));
  e.target.value = '';
  await busy('Encrypting…', () => call('addFiles', files));
  allPhotos = await call('list');
  renderGrid(allPhotos);
};

const { hasAccount } = await call('status');
show(hasAccount ? 'unlock' : 'create');
