// What a photo's EXIF says about when and where it was taken, and with what, read with exifr
// (its lite build: JPEG, HEIC, TIFF and PNG headers, EXIF and GPS; no eval, runs under the CSP).
// Only the header is read, never the pixels. A file without EXIF, or with EXIF exifr cannot read,
// gives what it has (possibly nothing): the date then comes from the file's time.
import { parse } from 'exifr/dist/lite.esm.mjs';

export interface PhotoFacts {
  /** When it was taken, in microseconds since the epoch (Ente's unit). */
  takenAt?: number;
  /** Which EXIF field gave `takenAt`. */
  dateFrom?: 'DateTimeOriginal' | 'CreateDate';
  cameraMake?: string;
  cameraModel?: string;
  latitude?: number;
  longitude?: number;
}

const EXIF_DATE = /^(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?$/;
const OFFSET = /^([+-])(\d{2}):?(\d{2})$/;

/**
 * An EXIF date ("2023:06:14 09:30:00", local time where it was taken) in microseconds: with its
 * offset (OffsetTimeOriginal, EXIF 2.31) when it has one, else as local time here (as Ente reads
 * it); undefined when it is not a real date (cameras write "0000:00:00 00:00:00").
 */
export function exifDate(text: unknown, offset?: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const m = EXIF_DATE.exec(text.trim());
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number);
  if (y < 1800 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return undefined;
  const ms = m[7] ? Math.round(Number(`0.${m[7]}`) * 1000) : 0;
  const o = typeof offset === 'string' ? OFFSET.exec(offset.trim()) : null;
  const time = o
    ? Date.UTC(y, mo - 1, d, h, mi, s, ms) - (o[1] === '-' ? -1 : 1) * (Number(o[2]) * 60 + Number(o[3])) * 60_000
    : new Date(y, mo - 1, d, h, mi, s, ms).getTime();
  return Number.isFinite(time) ? time * 1000 : undefined;
}

const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim().slice(0, 100) : undefined);
const coordinate = (v: unknown, limit: number) =>
  typeof v === 'number' && Number.isFinite(v) && Math.abs(v) <= limit ? v : undefined;

/** The facts `photo`'s EXIF holds; {} when it has none or exifr cannot read it. */
export async function readPhotoFacts(photo: Blob): Promise<PhotoFacts> {
  let tags: Record<string, unknown> | undefined;
  try {
    tags = await parse(photo, {
      tiff: true,
      exif: true,
      gps: true,
      ifd1: false,
      interop: false,
      xmp: false,
      icc: false,
      iptc: false,
      jfif: false,
      reviveValues: false, // dates as written: their time zone is ours to decide
      // No `pick`: the lite build lacks the dictionaries of the blocks it would filter.
    });
  } catch {
    return {};
  }
  if (!tags) return {};
  const facts: PhotoFacts = {};
  const original = exifDate(tags.DateTimeOriginal, tags.OffsetTimeOriginal);
  const digitized = original === undefined ? exifDate(tags.CreateDate, tags.OffsetTimeDigitized) : undefined;
  if (original !== undefined) Object.assign(facts, { takenAt: original, dateFrom: 'DateTimeOriginal' });
  else if (digitized !== undefined) Object.assign(facts, { takenAt: digitized, dateFrom: 'CreateDate' });
  facts.cameraMake = text(tags.Make);
  facts.cameraModel = text(tags.Model);
  facts.latitude = coordinate(tags.latitude, 90);
  facts.longitude = coordinate(tags.longitude, 180);
  if (facts.latitude === undefined || facts.longitude === undefined) {
    delete facts.latitude;
    delete facts.longitude;
  }
  for (const k of Object.keys(facts) as (keyof PhotoFacts)[]) if (facts[k] === undefined) delete facts[k];
  return facts;
}
