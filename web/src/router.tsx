// A tiny history router: the URL is the state, links are real <a href> so they work with the
// keyboard, middle-click and reload (the server answers index.html for app paths).
import { type AnchorHTMLAttributes, type MouseEvent, useEffect, useState } from 'react';

const changeEvent = 'blogsmith:navigate';

// Pages with unsaved work register a question; leaving the page (link, back button, reload,
// closing the tab) asks it first.
const leaveGuards = new Set<{ question: string }>();

/** Asks each unsaved page's question; true when the user agrees to leave (or nothing is unsaved). */
export function mayLeave(): boolean {
  for (const guard of leaveGuards) if (!window.confirm(guard.question)) return false;
  // Confirmed: the page is going away, its guards with it.
  leaveGuards.clear();
  return true;
}

/** While `active`, leaving the page asks `question` first (in-app navigation, reload, tab close). */
export function useLeaveGuard(
  active: boolean,
  question = 'You have unsaved changes. Leave this page and lose them?',
) {
  useEffect(() => {
    if (!active) return;
    const guard = { question };
    leaveGuards.add(guard);
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => {
      leaveGuards.delete(guard);
      window.removeEventListener('beforeunload', warn);
    };
  }, [active, question]);
}

export function navigate(to: string, options: { replace?: boolean } = {}) {
  if (!mayLeave()) return;
  if (options.replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  window.dispatchEvent(new Event(changeEvent));
}

const read = () => `${location.pathname}${location.search}`;

export function useLocation(): { path: string; query: URLSearchParams } {
  const [url, setUrl] = useState(read);
  useEffect(() => {
    let shown = read();
    const update = () => {
      shown = read();
      setUrl(shown);
    };
    // Back/forward has already changed the URL: put it back when the user stays.
    const onPop = () => {
      if (read() !== shown && !mayLeave()) history.pushState(null, '', shown);
      else update();
    };
    window.addEventListener('popstate', onPop);
    window.addEventListener(changeEvent, update);
    return () => {
      window.removeEventListener('popstate', onPop);
      window.removeEventListener(changeEvent, update);
    };
  }, []);
  const [path = '/', search = ''] = url.split('?');
  return { path, query: new URLSearchParams(search) };
}

/** Matches `/articles/:id` style patterns; returns the parameters or null. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split('/');
  const a = path.replace(/\/+$/, '').split('/');
  if (p.length !== a.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    const seg = p[i]!;
    const val = a[i]!;
    if (seg.startsWith(':')) {
      if (!val) return null;
      params[seg.slice(1)] = decodeURIComponent(val);
    } else if (seg !== val) return null;
  }
  return params;
}

export function Link({ to, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { to: string }) {
  const click = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return <a href={to} onClick={click} {...rest} />;
}
