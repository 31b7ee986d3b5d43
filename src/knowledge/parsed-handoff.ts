// A document is parsed in the request for validation; the job in the same process takes it from
// here instead of parsing again. Bounded: a job that runs elsewhere (or later) simply parses the
// stored bytes.
import type { ChunkedDocument } from './ingest-document.ts';

const parsedHandoff = new Map<string, ChunkedDocument>();
const handoffMax = 16;

export function handOff(id: string, parsed: ChunkedDocument): void {
  parsedHandoff.set(id, parsed);
  while (parsedHandoff.size > handoffMax) parsedHandoff.delete(parsedHandoff.keys().next().value as string);
}

/** The parsed document handed off for `id` (once), if this process still has it. */
export function takeHandedOff(id: string): ChunkedDocument | undefined {
  const parsed = parsedHandoff.get(id);
  parsedHandoff.delete(id);
  return parsed;
}
