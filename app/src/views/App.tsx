// The page: the bar, the screen of the moment, the busy and error lines, and the dialogs. The
// body carries the screen's name (data-screen) and whether a task is running (data-busy).
import { useEffect } from 'preact/hooks';
import { useApp } from '../hooks.js';
import { AlbumDialog, AlbumPicker } from './AlbumDialogs.js';
import { AlbumScreen } from './Gallery.js';
import { Header } from './Header.js';
import { LinkDialog } from './LinkDialog.js';
import { LogIn } from './LogIn.js';
import { Phrase } from './Phrase.js';
import { PublicView } from './PublicView.js';
import { Recover } from './Recover.js';
import { ShareDialog } from './ShareDialog.js';
import { SessionEnded } from './SessionEnded.js';
import { SignUp } from './SignUp.js';
import { Unlock } from './Unlock.js';
import { Viewer } from './Viewer.js';

const SCREENS = {
  loading: () => null,
  login: LogIn,
  signup: SignUp,
  recover: Recover,
  phrase: Phrase,
  unlock: Unlock,
  gallery: AlbumScreen,
  public: PublicView,
};

function Busy() {
  const busy = useApp((s) => s.busy);
  const running = busy !== null;
  useEffect(() => {
    if (running) document.body.dataset.busy = 'true';
    else delete document.body.dataset.busy;
  }, [running]);
  return (
    <div id="busy" class="busy" hidden={!busy}>
      <p id="busy-label">{busy?.label}</p>
      {busy?.total ? <progress id="busy-progress" max={busy.total} value={busy.done} /> : <progress id="busy-progress" />}
    </div>
  );
}

function ErrorLine() {
  const error = useApp((s) => s.error);
  return (
    <p id="error" class="error" role="alert" hidden={!error}>
      {error}
    </p>
  );
}

export function App() {
  const screen = useApp((s) => s.screen);
  useEffect(() => {
    document.body.dataset.screen = screen;
  }, [screen]);
  const Screen = SCREENS[screen];
  return (
    <>
      <Header />
      <main>
        <Screen />
        <Busy />
        <ErrorLine />
      </main>
      <Viewer />
      <ShareDialog />
      <LinkDialog />
      <AlbumPicker />
      <AlbumDialog />
      <SessionEnded />
    </>
  );
}
