// The media type of a Content-Type header ("text/html; charset=utf-8" → "text/html"). Its own module
// so that the page extractor (and its worker thread) need not load the fetching code.
export const mediaType = (contentType: string) => (contentType.split(';')[0] ?? '').trim().toLowerCase();
