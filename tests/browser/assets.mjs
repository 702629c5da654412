// Media the browser suites upload or play, made once by Debian's ffmpeg into build/test-assets/.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

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
