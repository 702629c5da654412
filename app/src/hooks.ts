// The views' two hooks: the app's context (actions take it) and the part of the state they show.
import { useCtx } from './context.js';
import type { AppState } from './state.js';
import { useSelect } from './store.js';

export { useCtx };
export const useApp = <T>(select: (state: AppState) => T): T => useSelect<AppState, T>(select);

/** The named fields of a submitted form, as strings. */
export function formFields(e: Event): Record<string, string> {
  e.preventDefault();
  const form = e.currentTarget as HTMLFormElement;
  return Object.fromEntries([...new FormData(form)].map(([k, v]) => [k, String(v)]));
}
