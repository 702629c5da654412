// Media the browser suites upload or play, made once by Debian's ffmpeg (and heif-enc, for HEIC)
// into build/test-assets/.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';

const DIR = fileURLToPath(new URL('../../build/test-assets/', import.meta.url));

function made(name, args) {
  const file = DIR + name;
  if (!existsSync(file)) {
    mkdirSync(DIR, { recursive: true });
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args, `${file}.tmp`]);
    renameSync(`${file}.tmp`, file);
  }
  return readFileSync(file);
}

/** A VP8 WebM of noise (incompressible, so ~12 MB = 3 stream chunks). */
export const noiseVideo = () =>
  made('noise-6s-vp8.webm', [
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=320x240:rate=25',
    '-t',
    '6',
    '-vf',
    'noise=alls=60:allf=t',
    '-c:v',
    'libvpx',
    '-b:v',
    '16M',
    '-minrate',
    '16M',
    '-maxrate',
    '16M',
    '-bufsize',
    '4M',
    '-deadline',
    'realtime',
    '-cpu-used',
    '8',
    '-g',
    '25',
    '-an',
    '-f',
    'webm',
  ]);

/** A JPEG photo of one colour (ffmpeg's colour names or 0xRRGGBB), 640×480. */
export const colourPhoto = (colour) =>
  made(`photo-${colour}.jpg`, ['-f', 'lavfi', '-i', `color=c=${colour}:s=640x480`, '-frames:v', '1', '-q:v', '3', '-f', 'mjpeg']);

/** A PNG of noise (incompressible), about 10 MiB: three 4 MiB stream chunks. */
export const noisePhoto = () =>
  made('noise-10mib.png', [
    '-f',
    'lavfi',
    '-i',
    'color=c=gray:s=1960x1960,noise=alls=100:allf=t',
    '-frames:v',
    '1',
    '-c:v',
    'png',
    '-f',
    'image2',
  ]);

/**
 * A JPEG with EXIF written by Pillow (Debian's python3-pil, an independent writer): `colour`
 * (r, g, b), `size` [w, h], and the tags given: `original` (DateTimeOriginal), `offset`
 * (OffsetTimeOriginal), `digitized` (CreateDate), `make`, `model`, `gps` [lat, lon] in degrees.
 * Made fresh each call (small), so each can differ.
 */
export function exifPhoto({
  colour = [200, 30, 30],
  size = [640, 480],
  original,
  offset,
  digitized,
  make,
  model,
  gps,
  quality = 90,
}) {
  const script = `
import sys, json, io
from PIL import Image
from PIL.TiffImagePlugin import IFDRational
o = json.loads(sys.argv[1])
im = Image.new('RGB', tuple(o['size']), tuple(o['colour']))
# a few shapes, so photos are not flat (and near-duplicates have something to keep)
for i in range(0, o['size'][0], 40):
    for j in range(0, o['size'][1], 40):
        if (i // 40 + j // 40) % 3 == 0:
            im.paste(tuple((c + 60) % 256 for c in o['colour']), (i, j, i + 20, j + 20))
ex = Image.Exif()
if o.get('make'): ex[0x010F] = o['make']
if o.get('model'): ex[0x0110] = o['model']
sub = {}
if o.get('original'): sub[0x9003] = o['original']
if o.get('offset'): sub[0x9011] = o['offset']
if o.get('digitized'): sub[0x9004] = o['digitized']
if sub: ex[0x8769] = sub
def dms(v):
    v = abs(v); d = int(v); m = int((v - d) * 60); s = round(((v - d) * 60 - m) * 60 * 100)
    return (IFDRational(d), IFDRational(m), IFDRational(s, 100))
if o.get('gps'):
    lat, lon = o['gps']
    ex[0x8825] = {1: 'N' if lat >= 0 else 'S', 2: dms(lat), 3: 'E' if lon >= 0 else 'W', 4: dms(lon)}
out = io.BytesIO()
im.save(out, 'JPEG', exif=ex, quality=o['quality'])
sys.stdout.buffer.write(out.getvalue())
`;
  const args = { colour, size, original, offset, digitized, make, model, gps, quality };
  return execFileSync('/usr/bin/python3', ['-c', script, JSON.stringify(args)], { maxBuffer: 64 << 20 });
}

/** A 64×48 RGBA picture: red on the left, green on the right, its bottom half transparent. */
export function halvesRgba() {
  const width = 64;
  const height = 48;
  const data = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) data.set([x < 32 ? 255 : 0, x < 32 ? 0 : 200, 0, y < 24 ? 255 : 0], (y * width + x) * 4);
  return { width, height, data };
}

/** halvesRgba() as a PNG (pngjs). */
export function transparentPng() {
  const png = new PNG({ width: 64, height: 48 });
  halvesRgba().data.copy(png.data);
  return PNG.sync.write(png);
}

/** halvesRgba() as a HEIC with its alpha plane, made by Debian's heif-enc (libheif + x265). */
export function heicPhoto() {
  const file = `${DIR}halves.heic`;
  if (!existsSync(file)) {
    mkdirSync(DIR, { recursive: true });
    writeFileSync(`${DIR}halves.png`, transparentPng());
    execFileSync('heif-enc', ['-q', '90', '-o', `${file}.tmp.heic`, `${DIR}halves.png`], { stdio: 'ignore' });
    renameSync(`${file}.tmp.heic`, file);
  }
  return readFileSync(file);
}
