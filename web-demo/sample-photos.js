// Draws a few sample "photos" so a new vault has something to show. Each is a JPEG made on an
// OffscreenCanvas: simple scenes with a dominant colour, which the search demo can find.
const W = 960;
const H = 720;

function gradient(ctx, stops) {
  const g = ctx.createLinearGradient(0, 0, 0, H);
  stops.forEach(([at, colour]) => g.addColorStop(at, colour));
  ctx.fillStyle = g;
  ctx.fillRect(0, 0, W, H);
}

function circle(ctx, x, y, r, colour) {
  ctx.fillStyle = colour;
  ctx.beginPath();
  ctx.arc(x, y, r, 0, Math.PI * 2);
  ctx.fill();
}

const SCENES = [
  ['Sunset over the sea', (c) => { gradient(c, [[0, '#ff7e29'], [0.55, '#ffb347'], [0.56, '#1c4e80'], [1, '#0b2545']]); circle(c, 480, 400, 90, '#ffdd57'); }],
  ['Red tulips', (c) => { gradient(c, [[0, '#9fd3ff'], [0.5, '#6fb7e8'], [0.51, '#3d8b37'], [1, '#2a6126']]); for (let i = 0; i < 14; i++) circle(c, 60 + i * 65, 470 + (i % 3) * 40, 34, '#d7263d'); }],
  ['Green forest', (c) => { gradient(c, [[0, '#cfe8c9'], [1, '#1e5128']]); c.fillStyle = '#0f3d1e'; for (let i = 0; i < 9; i++) { c.beginPath(); c.moveTo(50 + i * 110, 650); c.lineTo(105 + i * 110, 180 + (i % 2) * 60); c.lineTo(160 + i * 110, 650); c.fill(); } }],
  ['Blue lagoon', (c) => { gradient(c, [[0, '#bde0fe'], [0.4, '#48cae4'], [1, '#023e8a']]); circle(c, 200, 520, 60, '#90e0ef'); }],
  ['Yellow field', (c) => { gradient(c, [[0, '#a2d2ff'], [0.45, '#caf0f8'], [0.46, '#ffd60a'], [1, '#e9c46a']]); circle(c, 780, 140, 60, '#fff3b0'); }],
  ['Night sky', (c) => { gradient(c, [[0, '#03045e'], [1, '#000814']]); for (let i = 0; i < 120; i++) circle(c, (i * 379) % W, (i * 211) % (H - 200), 2 + (i % 3), '#ffffff'); circle(c, 760, 160, 50, '#f1faee'); }],
  ['Purple lavender', (c) => { gradient(c, [[0, '#e0c3fc'], [0.5, '#b983ff'], [1, '#5a189a']]); }],
  ['Orange autumn', (c) => { gradient(c, [[0, '#fcbf49'], [1, '#d65108']]); for (let i = 0; i < 30; i++) circle(c, (i * 157) % W, (i * 97) % H, 18, '#9d0208'); }],
];

export const SAMPLE_COUNT = SCENES.length;

/** Yields { name, bytes (JPEG), width, height } for each sample scene. */
export async function* samplePhotos() {
  for (const [name, draw] of SCENES) {
    const canvas = new OffscreenCanvas(W, H);
    draw(canvas.getContext('2d'));
    const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.9 });
    yield { name, bytes: new Uint8Array(await blob.arrayBuffer()), width: W, height: H };
  }
}

/** A JPEG thumbnail whose longest side is `size`. */
export async function makeThumbnail(bytes, size = 320) {
  const bitmap = await createImageBitmap(new Blob([bytes]));
  const scale = Math.min(1, size / Math.max(bitmap.width, bitmap.height));
  const w = Math.max(1, Math.round(bitmap.width * scale));
  const h = Math.max(1, Math.round(bitmap.height * scale));
  const canvas = new OffscreenCanvas(w, h);
  canvas.getContext('2d').drawImage(bitmap, 0, 0, w, h);
  const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.8 });
  const dims = { width: bitmap.width, height: bitmap.height };
  bitmap.close();
  return { thumbnail: new Uint8Array(await blob.arrayBuffer()), ...dims };
}
