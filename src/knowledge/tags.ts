// How a tag filter finds documents' tags. The rule for tags themselves (folding, the cap) is shared
// with articles: src/input/tags.ts.
import { foldedTags } from '../input/tags.ts';

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
