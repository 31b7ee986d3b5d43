// Plain text: one paragraph per run of non-blank lines.
import type { Block, ParsedDocument } from '../types.ts';

export const collapseWhitespace = (s: string) => s.replace(/\s+/g, ' ').trim();

export function splitParagraphs(text: string): string[] {
  return text
    .split(/\r?\n\s*\r?\n/)
    .map(collapseWhitespace)
    .filter(Boolean);
}

export function parseText(text: string): ParsedDocument {
  const blocks: Block[] = splitParagraphs(text).map((p) => ({ kind: 'paragraph', text: p, headingPath: [] }));
  return { type: 'text', blocks };
}
