// The key two URLs for the same page share: lower-case host, no fragment, no tracking
// parameters, no default port, no trailing slash, sorted query.
import { withoutTrailing } from '../trailing-run.ts';

const trackingParam = /^(utm_.*|fbclid|gclid|mc_cid|mc_eid|ref_src)$/i;

export function normaliseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return raw.trim();
  }
  url.hash = '';
  url.hostname = url.hostname.toLowerCase().replace(/^www\./, '');
  const kept = [...url.searchParams.entries()].filter(([k]) => !trackingParam.test(k));
  kept.sort(([a], [b]) => a.localeCompare(b));
  url.search = new URLSearchParams(kept).toString();
  if (url.pathname.length > 1) url.pathname = withoutTrailing(url.pathname, '/');
  const text = url.href;
  return url.pathname === '/' && !url.search ? text.replace(/\/$/, '') : text;
}
