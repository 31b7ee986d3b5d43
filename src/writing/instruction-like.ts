// Text that reads like an instruction to a language model ("Ignore all previous instructions…",
// "You are now…", "system prompt", chat-template tokens). A source page can plant such a line, and a
// model that copies source sentences carries it into the article and every export. The pipeline
// never obeys it (sources are quoted data), but a writer must see it: these rules flag it for review.
//
// Deliberately small and lexical (no model call): each rule is one pattern with a reason a writer
// can read. It over-flags an article *about* prompts; that is the right side to err on, since a flag
// only asks for a look. Matching ignores case, zero-width characters and compatibility forms
// (full-width letters), which are the usual ways to slip past a plain string match.
import { LRUCache } from 'lru-cache';
import { splitSentences } from './sentences.ts';

export interface InstructionRule {
  id: string;
  /** Why the text is flagged, in words a writer understands. */
  reason: string;
  pattern: RegExp;
}

const gap = String.raw`(?:\s+\S+){0,3}?\s+`;

export const instructionRules: readonly InstructionRule[] = [
  {
    id: 'override',
    reason: 'Tells a model to ignore or replace its instructions',
    pattern: new RegExp(
      String.raw`\b(?:ignore|disregard|forget|override|bypass)(?:${gap}(?:instructions?|prompts?|directions|guardrails)|${gap}(?:previous|prior|above|earlier|preceding|your)\s+(?:rules|guidelines|context))\b`,
      'i',
    ),
  },
  {
    id: 'new-instructions',
    reason: 'Announces new instructions for a model',
    pattern: /\b(?:new|updated|real|actual|hidden)\s+(?:instructions?|directives?|task)\s*:/i,
  },
  {
    id: 'role-change',
    reason: 'Tries to give a model a new role',
    pattern:
      /\b(?:you are now|from now on,?\s+you(?:\s+are|\s+will|\s+must)?|pretend (?:to be|you are)|you must now act as)\b/i,
  },
  {
    id: 'system-prompt',
    reason: 'Talks about a model’s system prompt',
    pattern: /\b(?:system\s+prompt|developer\s+(?:message|mode)|jailbreak)\b/i,
  },
  {
    id: 'answer-only',
    reason: 'Dictates what a model must answer',
    pattern: /\b(?:respond|reply|answer|output)\s+only\s+with\b/i,
  },
  {
    id: 'conceal',
    reason: 'Tells a model to hide something from the user',
    pattern: /\bdo\s+not\s+(?:tell|inform|reveal\s+to|mention\s+(?:this\s+)?to)\s+the\s+(?:user|reader)\b/i,
  },
  {
    id: 'chat-markup',
    reason: 'Chat-template markup that only a model reads',
    pattern:
      /<\|(?:im_start|im_end|system|user|assistant|endoftext)\|>|\[\/?INST\]|<<\/?SYS>>|^\s*(?:system|assistant)\s*:/im,
  },
  {
    id: 'model-talk',
    reason: 'A model talking about itself, not article text',
    pattern: /\bas an ai(?:\s+language)?\s+model\b/i,
  },
];

const zeroWidth = /[\u200b-\u200f\u2060-\u2064\ufeff\u00ad]/g;

/** The text as the rules read it: compatibility forms folded, invisible characters dropped. */
export function normaliseForRules(text: string): string {
  return text.normalize('NFKC').replace(zeroWidth, '');
}

/** The first rule the text breaks, if any. */
export function instructionRule(text: string): InstructionRule | undefined {
  const normal = normaliseForRules(text);
  return instructionRules.find((r) => r.pattern.test(normal));
}

export interface InstructionMatch {
  /** The flagged passage exactly as written: a sentence of prose, or the whole line otherwise. */
  text: string;
  start: number;
  end: number;
  rule: string;
  reason: string;
}

/**
 * Every passage of the Markdown that reads like an instruction to a model. Prose is flagged by the
 * sentence (so removing it keeps the rest of the paragraph); headings, code, HTML (comments hide
 * text from readers but not from models) and table rows by the line.
 */
export function findInstructionLike(markdown: string): readonly InstructionMatch[] {
  const known = scanned.get(markdown);
  if (known) return known;
  const found = Object.freeze(scan(markdown));
  scanned.set(markdown, found);
  return found;
}

// Every read of an article shows the passages of its text and of its sources (up to 12,000
// characters each: ten such sources are 2.5–5 ms of rule matching), which seldom change between
// reads. Kept per text — the text itself is the key, so an edited text is a new entry, never a stale
// answer — and bounded by the characters held.
const scanned = new LRUCache<string, readonly InstructionMatch[]>({
  maxSize: 8_000_000,
  sizeCalculation: (_passages, text) => text.length + 1,
});

function scan(markdown: string): InstructionMatch[] {
  const found: InstructionMatch[] = [];
  for (const s of splitSentences(markdown)) {
    const rule = instructionRule(s.text);
    if (!rule) continue;
    const end = s.offset + s.text.length;
    found.push({
      text: markdown.slice(s.offset, end),
      start: s.offset,
      end,
      rule: rule.id,
      reason: rule.reason,
    });
  }
  // The sentences found are apart and in text order, as are the lines: whether a line overlaps one
  // is a look at the first that ends after the line starts (a walk, not a search per line).
  const sentences = found.length;
  let next = 0;
  let offset = 0;
  for (const line of markdown.split('\n')) {
    const start = offset;
    offset += line.length + 1;
    const rule = instructionRule(line);
    if (!rule) continue;
    const end = start + line.length;
    while (next < sentences && found[next]!.end <= start) next++;
    if (next < sentences && found[next]!.start < end) continue;
    const lead = line.length - line.trimStart().length;
    const text = line.trim();
    found.push({
      text,
      start: start + lead,
      end: start + lead + text.length,
      rule: rule.id,
      reason: rule.reason,
    });
  }
  return found.sort((a, b) => a.start - b.start);
}
