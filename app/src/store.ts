// The app's state in one place: a plain object replaced (never mutated) by set(), and the views
// that read a part of it re-render when that part changes.
import { createContext } from 'preact';
import { useContext, useEffect, useReducer, useRef } from 'preact/hooks';

export interface Store<S> {
  get(): S;
  /** Merges `patch` (or what `update` returns from the current state) into a new state. */
  set(patch: Partial<S> | ((state: S) => Partial<S>)): void;
  subscribe(listener: () => void): () => void;
}

export function createStore<S extends object>(initial: S): Store<S> {
  let state = initial;
  const listeners = new Set<() => void>();
  return {
    get: () => state,
    set(patch) {
      state = { ...state, ...(typeof patch === 'function' ? patch(state) : patch) };
      for (const l of [...listeners]) l();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export const StoreContext = createContext<Store<never> | null>(null);

/** The part of the state `select` picks; the component re-renders when it changes (===). */
export function useSelect<S, T>(select: (state: S) => T): T {
  const store = useContext(StoreContext) as Store<S> | null;
  if (!store) throw new Error('useSelect outside the store');
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const value = select(store.get());
  const latest = useRef({ select, value });
  latest.current = { select, value };
  useEffect(() => {
    const check = () => {
      if (!Object.is(latest.current.select(store.get()), latest.current.value)) rerender(0);
    };
    const unsubscribe = store.subscribe(check);
    check(); // a change between this render and the subscription
    return unsubscribe;
  }, [store]);
  return value;
}
