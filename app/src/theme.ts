// Light or dark: the system's by default (prefers-color-scheme in the CSS), or the person's
// choice, kept per device and set as <html data-theme> (an attribute: no injected style).
import type { Theme } from './state.js';

const SETTING = 'cipherlens.theme';
export const THEMES: Theme[] = ['system', 'light', 'dark'];

export function savedTheme(): Theme {
  const kept = localStorage.getItem(SETTING) as Theme | null;
  return kept && THEMES.includes(kept) ? kept : 'system';
}

export function applyTheme(theme: Theme): void {
  if (theme === 'system') {
    delete document.documentElement.dataset.theme;
    localStorage.removeItem(SETTING);
  } else {
    document.documentElement.dataset.theme = theme;
    localStorage.setItem(SETTING, theme);
  }
}
