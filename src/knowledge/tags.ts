// A document's tags as stored and as searched: Unicode NFC and lower case, each once, in the order
// given. Tags are typed by people — "SEO" and "seo", or "café" sent with a combining accent by one
// keyboard and precomposed by another — and a filter must find what looks the same.

/** Tags one document may carry, counted folded (an upload, an edit, an upload's tags added). */
export const maxDocumentTags = 20;

export function foldedTags(tags: readonly string[]): string[] {
  return [...new Set(tags.map((tag) => tag.trim().normalize('NFC').toLowerCase()).filter(Boolean))];
}

/**
 * The spellings a tag filter looks for: each tag folded here, and as given (NFC) for the database
 * to fold with its own lower() (passage-store.ts) — migration 0021 folded the tags stored before
 * with it, which differs from JavaScript's for a few letters (a final Greek sigma, a dotted İ).
 */
export function searchedTags(tags: readonly string[]): string[] {
  return [
    ...new Set([...foldedTags(tags), ...tags.map((tag) => tag.trim().normalize('NFC')).filter(Boolean)]),
  ];
}
