// A document's tags as stored and as searched: Unicode NFC and lower case, each once, in the order
// given. Tags are typed by people — "SEO" and "seo", or "café" sent with a combining accent by one
// keyboard and precomposed by another — and a filter must find what looks the same.
export function foldedTags(tags: readonly string[]): string[] {
  return [...new Set(tags.map((tag) => tag.trim().normalize('NFC').toLowerCase()).filter(Boolean))];
}
