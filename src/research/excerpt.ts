// The paragraph of a page that best matches the question, for showing and citing.
import { textHead } from '../input/storable-text.ts';

const words = (s: string) => new Set(s.toLowerCase().match(/[\p{L}\p{N}]{3,}/gu) ?? []);

export function bestExcerpt(text: string, query: string, maxChars = 400): string {
  const terms = words(query);
  let best = '';
  let bestHits = -1;
  for (const paragraph of text.split(/\n{2,}/)) {
    const p = paragraph.trim();
    if (p.length < 40) continue;
    let hits = 0;
    for (const w of words(p)) if (terms.has(w)) hits++;
    if (hits > bestHits) {
      best = p;
      bestHits = hits;
    }
  }
  const chosen = best || text.trim();
  return chosen.length <= maxChars ? chosen : `${textHead(chosen, maxChars - 1).trimEnd()}…`;
}
