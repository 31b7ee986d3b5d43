// A Content-Type's media type ("text/html; charset=utf-8" → "text/html"), in a module of its own so
// the page extractor's worker processes load it without the fetch machinery.
export const mediaType = (contentType: string) => (contentType.split(';')[0] ?? '').trim().toLowerCase();
