// A document is parsed in the request for validation; the job in the same process takes it from
// here instead of parsing again. Bounded in count, in the text held and in time: a job that runs
// elsewhere (an API replica without workers) or later, or never (the document deleted first),
// simply parses the stored bytes, so what it was handed is not held for good.
import type { ChunkedDocument } from './ingest-document.ts';

interface Handed {
  parsed: ChunkedDocument;
  chars: number;
  at: number;
}

const parsedHandoff = new Map<string, Handed>();
const handoffMax = { documents: 16, chars: 32 * 1024 * 1024, ageMs: 5 * 60_000 };
let heldChars = 0;

function drop(id: string) {
  const handed = parsedHandoff.get(id);
  if (!handed) return undefined;
  parsedHandoff.delete(id);
  heldChars -= handed.chars;
  return handed.parsed;
}

/** What is held now (for tests and the curious). */
export const handedOff = () => ({ documents: parsedHandoff.size, chars: heldChars });

export function handOff(id: string, parsed: ChunkedDocument, now = Date.now()): void {
  drop(id);
  const chars = parsed.chunks.reduce((n, c) => n + c.text.length + c.rawText.length, 0);
  parsedHandoff.set(id, { parsed, chars, at: now });
  heldChars += chars;
  // Oldest first: Map keeps insertion order.
  for (const [oldest, handed] of parsedHandoff) {
    const over =
      parsedHandoff.size > handoffMax.documents ||
      heldChars > handoffMax.chars ||
      now - handed.at > handoffMax.ageMs;
    if (!over || oldest === id) break;
    drop(oldest);
  }
}

/** The parsed document handed off for `id` (once), if this process still has it. */
export function takeHandedOff(id: string, now = Date.now()): ChunkedDocument | undefined {
  const handed = parsedHandoff.get(id);
  drop(id);
  return handed && now - handed.at <= handoffMax.ageMs ? handed.parsed : undefined;
}
