// What a search box query asks for, in words people type: CLIP (the picture), a file's name, a
// date ("2023", "June", "june 2023"), an album's name and a file type ("videos", "photos", "png").
// Dates and types narrow what the other words find; alone, they list every file that has them.
import { FILE_TYPE, type GalleryFile } from '../../client/src/index.js';
import { dateWord, matchesDates, type DateWord } from './dates.js';

export interface ParsedQuery {
  /** The words left for CLIP, names and albums ("" when the query is only dates and types). */
  text: string;
  dates: DateWord[];
  /** Ente's file type asked for, or a file extension ("png"). */
  type?: number;
  extension?: string;
}

const TYPE_WORDS: Record<string, number> = {
  video: FILE_TYPE.video,
  videos: FILE_TYPE.video,
  photo: FILE_TYPE.image,
  photos: FILE_TYPE.image,
  image: FILE_TYPE.image,
  images: FILE_TYPE.image,
  picture: FILE_TYPE.image,
  pictures: FILE_TYPE.image,
};
const EXTENSIONS = new Set(['jpg', 'jpeg', 'png', 'gif', 'webp', 'heic', 'heif', 'avif', 'webm', 'mp4', 'mov', 'mkv']);

export function parseQuery(input: string): ParsedQuery {
  const words = input.trim().split(/\s+/).filter(Boolean);
  const rest: string[] = [];
  const out: ParsedQuery = { text: '', dates: [] };
  for (const word of words) {
    const w = word.toLowerCase().replace(/^\./, '');
    const date = dateWord(w);
    if (date) out.dates.push(date);
    else if (TYPE_WORDS[w] !== undefined && out.type === undefined) out.type = TYPE_WORDS[w];
    else if (EXTENSIONS.has(w) && out.extension === undefined) out.extension = w === 'jpeg' ? 'jpg' : w;
    else rest.push(word);
  }
  out.text = rest.join(' ');
  return out;
}

const extensionOf = (f: GalleryFile) => {
  const m = /\.([a-z0-9]+)$/i.exec(f.meta.title);
  const ext = m?.[1].toLowerCase();
  return ext === 'jpeg' ? 'jpg' : ext;
};

/** Whether `file` has the query's dates and type (the filters). */
export function passesFilters(file: GalleryFile, q: ParsedQuery): boolean {
  if (q.dates.length && !matchesDates(file.meta.creationTime, q.dates)) return false;
  if (q.type !== undefined && file.meta.fileType !== q.type) return false;
  if (q.extension !== undefined && extensionOf(file) !== q.extension) return false;
  return true;
}

/** The filters in words ("June 2023", "videos"), for the results line. */
export function describeFilters(q: ParsedQuery): string[] {
  const names = new Intl.DateTimeFormat(undefined, { month: 'long' });
  const out = q.dates.map((d) => ('year' in d ? String(d.year) : names.format(new Date(2000, d.month, 15))));
  if (q.type !== undefined) out.push(q.type === FILE_TYPE.video ? 'videos' : 'photos');
  if (q.extension) out.push(`.${q.extension} files`);
  return out;
}
