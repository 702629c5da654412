// What the app shows, as one object (store.ts holds it). Live objects with keys (the session,
// the library, search) are not state: they live in the app's services (app.ts).
import type { Album, GalleryFile, PreparedShare, Role } from '../../client/src/index.js';
import type { Person } from 'cipherlens/search';

export type Screen = 'loading' | 'login' | 'signup' | 'recover' | 'phrase' | 'unlock' | 'gallery' | 'public';
export type Theme = 'system' | 'light' | 'dark';

/** A file being uploaded, with its progress (it goes to the report when it ends). */
export interface UploadRow {
  id: number;
  name: string;
  label: string;
  done: number;
  total: number;
}

/** How a picked file ended: uploaded, failed (to retry), or not uploaded and why. */
export type Outcome = 'done' | 'failed' | 'unsupported' | 'empty' | 'too-large' | 'duplicate';

/** One line of the upload report, which stays until dismissed. */
export interface ReportItem {
  id: number;
  name: string;
  outcome: Outcome;
  /** Why, in words (a failure's error, a placeholder's reason, where the library has it already). */
  message?: string;
  /** Uploaded with a placeholder thumbnail: no preview could be made. */
  placeholder?: boolean;
  /** Finished an upload a closed tab had cut off (only what the server lacked was sent). */
  resumed?: boolean;
}

/** An upload cut off before this page (a reload, a closed tab), resumable by picking the file again. */
export interface Unfinished {
  id: string;
  name: string;
  size: number;
  sent: number;
  total: number;
  album: string;
}

/** What the main pane shows: every photo by date, one album, the archive, the trash, near-duplicates, or search results. */
export type View = 'timeline' | 'album' | 'favourites' | 'archive' | 'trash' | 'similar' | 'search';

export interface SearchHit {
  file: GalleryFile;
  /** CLIP's score, when the picture matched. */
  score?: number;
  /** Why it matched, in words ("name", "June 2023", "album “Trip”", "video", "picture"). */
  why: string[];
}

export interface ShareState {
  album: Album;
  /** When the dialog opened (a new opening starts with an empty form). */
  openedAt: number;
  step: 'email' | 'verify' | 'done';
  /** The role the person chose for them. */
  role: Role;
  prepared?: PreparedShare;
  error?: { message: string; warning: boolean };
  done?: string;
}

export interface ViewerState {
  /** The files the viewer goes through (the grid's, in its order), and the one opened first. */
  files: readonly GalleryFile[];
  index: number;
  /** The one shown now. */
  file: GalleryFile;
}

export interface AppState {
  screen: Screen;
  /** A long task under way: its label and, when it has steps, how far it is. */
  busy: { label: string; done?: number; total?: number } | null;
  error: string | null;
  /** The recovery phrase, shown once after sign-up. */
  phrase: string[] | null;
  /** The signed-in account. */
  account: { email: string; verificationId: string } | null;
  /** What the server did wrong about the whole account (an older account record), in words. */
  accountNotices: string[];
  /** What the album shown and its files disagree with its signed log on, in words. */
  findings: string[];
  /** The album's fingerprint: its log's version and head, as 24 words to compare like an ID. */
  fingerprint: { version: number; words: string } | null;
  albums: Album[];
  album: Album | null;
  /** The grid: the album's files (null while they load), or search hits with their scores. */
  files: GalleryFile[] | null;
  scores: Map<number, number> | null;
  resultsStatus: string;
  uploads: UploadRow[];
  uploadReport: ReportItem[];
  unfinished: Unfinished[];
  search: {
    enabled: boolean;
    placeholder: string;
    status: string;
    progress: { done: number; total: number } | null;
  };
  /** People found in the photos (named ones first), and how far finding them is. */
  people: {
    list: Person[];
    status: string;
    progress: { done: number; total: number } | null;
  };
  viewer: ViewerState | null;
  view: View;
  /** Newest first (the default) or oldest first, in date-ordered views. */
  order: 'newest' | 'oldest';
  /** Every photo and video of every album, once each (the timeline; null while they load). */
  allFiles: GalleryFile[] | null;
  /** Selected files (ids) in the view shown, and the last one clicked (shift-click ranges from it). */
  selection: ReadonlySet<number>;
  anchor: number | null;
  /** The last search: what was typed and what it found. */
  results: { query: string; hits: SearchHit[] } | null;
  /** Near-duplicates, group by group (the similar-photos view), and the threshold used. */
  similar: { groups: GalleryFile[][]; threshold: number } | null;
  /** The dialog choosing an album for the selection (add to or move to). */
  albumPicker: 'add' | 'move' | null;
  /** The dialog renaming or deleting the album shown. */
  albumDialog: 'rename' | 'delete' | null;
  /** Storage used and the account's quota (bytes; quota null: none). */
  usage: { usedBytes: number; quotaBytes: number | null } | null;
  share: ShareState | null;
  link: string | null;
  /** The public link's settings (expiresAt: ms, 0 for never). */
  linkSettings: { expiresAt: number; allowDownload: boolean };
  /** A public link's album: what the log disagrees with, and whether its owner allows downloads. */
  publicAlbum: { title: string; files: GalleryFile[]; findings: string[]; allowDownload: boolean } | null;
  /** Bumped to re-render what shows album details (sharees, unreadable counts) after a change. */
  albumsVersion: number;
  /** The unlock screen's account (this device keeps it), or null. */
  unlock: { email: string } | null;
  /** The server ended the session: the dialog saying so is up. */
  sessionEnded: boolean;
  /** The email the log-in form starts with (the account whose session ended). */
  loginEmail: string;
  theme: Theme;
}

export const SEARCH_PLACEHOLDER = 'Search your photos, e.g. “red”';

export const initialState = (): AppState => ({
  screen: 'loading',
  busy: null,
  error: null,
  phrase: null,
  account: null,
  accountNotices: [],
  findings: [],
  fingerprint: null,
  albums: [],
  album: null,
  files: null,
  scores: null,
  resultsStatus: '',
  uploads: [],
  uploadReport: [],
  unfinished: [],
  search: { enabled: false, placeholder: SEARCH_PLACEHOLDER, status: '', progress: null },
  people: { list: [], status: '', progress: null },
  viewer: null,
  view: 'timeline',
  order: 'newest',
  allFiles: null,
  selection: new Set(),
  anchor: null,
  results: null,
  similar: null,
  albumPicker: null,
  albumDialog: null,
  usage: null,
  share: null,
  link: null,
  linkSettings: { expiresAt: 0, allowDownload: true },
  publicAlbum: null,
  albumsVersion: 0,
  unlock: null,
  sessionEnded: false,
  loginEmail: '',
  theme: 'system',
});
