// A tiny observable value and the hook that re-renders a component when it
// changes (Preact's core has no useSyncExternalStore).
import { useEffect, useState } from 'preact/hooks';

export function createStore(value) {
  const listeners = new Set();
  return {
    get: () => value,
    set(next) {
      if (next === value) return;
      value = next;
      for (const f of [...listeners]) f(value);
    },
    subscribe(f) {
      listeners.add(f);
      return () => listeners.delete(f);
    },
  };
}

export function useStore(store) {
  const [, force] = useState(0);
  useEffect(() => store.subscribe(() => force((n) => n + 1)), [store]);
  return store.get();
}

// drafts keep form values across in-app navigation (not across reloads),
// so nothing typed is lost when a submit fails or a login interrupts it.
const drafts = new Map();

export function useDraft(key, initial) {
  const [value, setValue] = useState(() => (drafts.has(key) ? drafts.get(key) : initial));
  const set = (next) => {
    setValue((prev) => {
      const v = typeof next === 'function' ? next(prev) : next;
      drafts.set(key, v);
      return v;
    });
  };
  const clear = () => {
    drafts.delete(key);
    setValue(initial);
  };
  return [value, set, clear];
}
