// The key two URLs for the same page share: lower-case host, no fragment, no tracking
// parameters, no default port, no trailing slash, sorted query. And when a page's own word (its
// canonical link) that another URL is the same page is believed.
import { isIP } from 'node:net';
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

// Second-level names under which a country's registry sells names (bbc.co.uk, abc.net.au).
const countrySecondLevel = /^(?:ac|co|com|edu|go|gob|gov|ne|net|or|org)$/;

/**
 * The site a host name belongs to, roughly its registrable domain: its last two labels, three under
 * a country's second level. (No public suffix list: two blogs of one hosting domain count as one site.)
 */
export function siteOf(hostname: string): string {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (isIP(host.replace(/^\[|\]$/g, ''))) return host;
  const labels = host.split('.');
  const country =
    labels.length > 2 && labels.at(-1)?.length === 2 && countrySecondLevel.test(labels.at(-2) ?? '');
  return labels.slice(country ? -3 : -2).join('.');
}

// A site's home page: no path, and no query but tracking parameters.
const isRoot = (url: URL) => {
  const normal = new URL(normaliseUrl(url.href));
  return normal.pathname === '/' && !normal.search;
};

/**
 * The page's canonical link when it can be believed, else the page's own URL. Research takes two
 * pages with one canonical URL for copies of one page and keeps one: a site that gives every page
 * its home page as canonical, or a page that names another site's, lost distinct articles.
 */
export function believableCanonical(canonical: string | undefined, pageUrl: string): string {
  if (!canonical) return pageUrl;
  try {
    const claimed = new URL(canonical);
    const page = new URL(pageUrl);
    if (siteOf(claimed.hostname) !== siteOf(page.hostname)) return pageUrl;
    return isRoot(claimed) && !isRoot(page) ? pageUrl : canonical;
  } catch {
    return pageUrl;
  }
}
