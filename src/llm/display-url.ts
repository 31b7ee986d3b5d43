// A base URL as it may be shown or logged: no user:password, query string or fragment (they can
// carry tokens); null when there is none or it does not parse.
export function displayUrl(url: string | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return null;
  }
}
