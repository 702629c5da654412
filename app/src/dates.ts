// Dates as the gallery shows them, from Ente's microsecond times, in this device's time zone and
// language: headers of the timeline, the viewer's info, and what search understands of a date.
const MONTH = new Intl.DateTimeFormat(undefined, { month: 'long', year: 'numeric' });
const DAY = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short' });
const FULL = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'short' });
const SHORT = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

const at = (micros: number) => new Date(Math.floor(micros / 1000));
const pad = (n: number) => String(n).padStart(2, '0');

/** "2023-06-14": the local day of a time (headers group by it). */
export function dayKey(micros: number): string {
  const d = at(micros);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export const monthLabel = (micros: number) => MONTH.format(at(micros));
export const dayLabel = (micros: number) => DAY.format(at(micros));
export const fullDate = (micros: number) => FULL.format(at(micros));
export const shortDate = (micros: number) => SHORT.format(at(micros));

/** Month names in English and in this device's language, lower case, January first. */
const MONTH_NAMES: string[][] = (() => {
  const names: string[][] = [];
  const long = new Intl.DateTimeFormat(undefined, { month: 'long' });
  const en = new Intl.DateTimeFormat('en', { month: 'long' });
  const enShort = new Intl.DateTimeFormat('en', { month: 'short' });
  for (let m = 0; m < 12; m++) {
    const d = new Date(2000, m, 15);
    names.push([...new Set([en.format(d), enShort.format(d), long.format(d)].map((s) => s.toLowerCase().replace(/\.$/, '')))]);
  }
  return names;
})();

/** What a word of a search says about dates: a year ("2023") or a month ("june", "jun"). */
export type DateWord = { year: number } | { month: number };

export function dateWord(word: string): DateWord | undefined {
  const w = word.toLowerCase();
  if (/^(19|20)\d\d$/.test(w)) return { year: Number(w) };
  const month = MONTH_NAMES.findIndex((names) => names.includes(w));
  return month >= 0 ? { month } : undefined;
}

/** Whether a time falls in every one of `words`' years and months. */
export function matchesDates(micros: number, words: DateWord[]): boolean {
  const d = at(micros);
  return words.every((w) => ('year' in w ? d.getFullYear() === w.year : d.getMonth() === w.month));
}
