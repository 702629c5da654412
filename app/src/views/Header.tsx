// The bar: the brand, the theme, and in the gallery the search box, who is signed in, lock and
// log out. On a phone the search box takes a row of its own (gallery.css).
import { runQuery } from '../actions/search.js';
import { lockApp, logOut } from '../actions/session.js';
import { formFields, useApp, useCtx } from '../hooks.js';
import type { Theme } from '../state.js';
import { applyTheme, THEMES } from '../theme.js';

const THEME_NAMES: Record<Theme, string> = { system: 'System theme', light: 'Light', dark: 'Dark' };

function ThemeChoice() {
  const ctx = useCtx();
  const theme = useApp((s) => s.theme);
  return (
    <select
      id="theme-select"
      class="theme"
      aria-label="Colour theme"
      value={theme}
      onChange={(e) => {
        const next = e.currentTarget.value as Theme;
        applyTheme(next);
        ctx.store.set({ theme: next });
      }}
    >
      {THEMES.map((t) => (
        <option key={t} value={t}>
          {THEME_NAMES[t]}
        </option>
      ))}
    </select>
  );
}

export function Header() {
  const ctx = useCtx();
  const inGallery = useApp((s) => s.screen === 'gallery');
  const search = useApp((s) => s.search);
  const email = useApp((s) => s.account?.email);
  return (
    <header class="bar">
      <span class="brand">
        cipherlens <small>photos</small>
      </span>
      {inGallery && (
        <search class="search">
          <form id="search-form" onSubmit={(e) => runQuery(ctx, formFields(e).query ?? '')}>
            <input
              id="search-input"
              name="query"
              type="search"
              placeholder={search.placeholder}
              aria-label="Search your photos"
              disabled={!search.enabled}
            />
          </form>
        </search>
      )}
      <span class="spacer" />
      <ThemeChoice />
      {inGallery && (
        <>
          <span id="who" class="who">
            {email}
          </span>
          <button id="app-lock-button" type="button" onClick={() => lockApp(ctx)}>
            Lock
          </button>
          <button id="lock-button" type="button" onClick={() => logOut(ctx)}>
            Log out
          </button>
        </>
      )}
    </header>
  );
}
