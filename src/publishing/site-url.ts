// Where a destination's APIs are: its site's address as a member pastes it, made the base the
// clients append `/wp-json/…` or `/ghost/api/admin/…` to. An admin page's address (the usual paste)
// is taken for its site's.
import type { DestinationKind } from './publishing-kinds.ts';

const adminSuffix: Record<DestinationKind, RegExp> = {
  wordpress: /\/(?:wp-admin|wp-json|wp-login\.php)(?:\/.*)?$/i,
  ghost: /\/ghost(?:\/.*)?$/i,
};

/** The site's base URL (no query, fragment or trailing slash), or why the URL cannot be one. */
export function siteBaseUrl(kind: DestinationKind, href: string): { url: string } | { problem: string } {
  const url = new URL(href);
  if (url.search || url.hash) return { problem: 'Must be the site’s address, without a query or fragment' };
  const path = url.pathname.replace(adminSuffix[kind], '').replace(/\/+$/, '');
  return { url: `${url.origin}${path}` };
}
