import { liveQuery } from 'dexie';
import { useEffect, useState } from 'preact/hooks';
import { lang, onLang } from './i18n.js';

/** The value of a Dexie query, kept current as the database changes (any tab). */
export function useLive(query, deps, initial) {
  const [value, setValue] = useState(initial);
  useEffect(() => {
    const sub = liveQuery(query).subscribe({ next: setValue, error: (e) => console.error(e) });
    return () => sub.unsubscribe();
  }, deps);
  return value;
}

/** Re-renders on a language switch. */
export function useLang() {
  const [l, setL] = useState(lang());
  useEffect(() => onLang(setL), []);
  return l;
}

/** The hash route: {path: "/r/activities/abc", query: URLSearchParams}. */
export function parseHash(h = location.hash) {
  const raw = h.replace(/^#/, '') || '/';
  const i = raw.indexOf('?');
  const path = i < 0 ? raw : raw.slice(0, i);
  return { path: path.startsWith('/') ? path : '/' + path, query: new URLSearchParams(i < 0 ? '' : raw.slice(i + 1)) };
}

export function useRoute() {
  const [route, setRoute] = useState(parseHash());
  useEffect(() => {
    const on = () => setRoute(parseHash());
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}

export function go(path) { location.hash = '#' + path; }
