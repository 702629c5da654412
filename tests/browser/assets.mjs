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
