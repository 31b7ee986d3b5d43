// Where a sentence is in an article's Markdown, found again by its text after any edit (offsets go
// stale; text does not), and the span edits the fact-check actions make: replace it, remove it.
import { trailingRunStart, withoutTrailing } from '../trailing-run.ts';
import { stripCitations, withoutReferences } from './citations.ts';
import { inlinePlain } from './inline-plain.ts';
import { splitSentences } from './sentences.ts';

export interface Located {
  /** The sentence exactly as written in the Markdown (inline Markdown and citation markers kept). */
  text: string;
  start: number;
  end: number;
}

/** Text compared for meaning, not spelling: no citation markers, Markdown, case or punctuation. */
export function plainKey(text: string): string {
  return stripCitations(inlinePlain(text))
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

const tokensOf = (text: string) =>
  new Set(
    plainKey(text)
      .split(' ')
      .filter((w) => w.length > 2),
  );

/** Share of the claim's words (longer than two letters) that the sentence has. */
function overlap(claim: Set<string>, have: Set<string>): number {
  if (claim.size === 0) return 0;
  let n = 0;
  for (const w of claim) if (have.has(w)) n++;
  return n / claim.size;
}

// Below this a sentence shares too little with a paraphrased claim to be called its place.
const minOverlap = 0.6;

interface IndexedSentence {
  start: number;
  end: number;
  key: string;
  words?: Set<string>;
}

export type SentenceLocator = (want: { sentence?: string; claim: string }) => Located | null;

/**
 * Finds claims' sentences in one text: the body is split and each sentence reduced to its key once,
 * not once per claim (an article's fact-check has dozens), and each sentence's word set only when a
 * paraphrase is looked for — or all of it at once with `indexNow`, for a caller that builds the
 * locator while its thread waits and looks up later, when the lookups are awaited.
 */
export function sentenceLocator(markdown: string, options: { indexNow?: boolean } = {}): SentenceLocator {
  const body = withoutReferences(markdown);
  let sentences: IndexedSentence[] | undefined;
  const indexed = () => {
    sentences ??= splitSentences(body).map((s) => ({
      start: s.offset,
      end: s.offset + s.text.length,
      key: plainKey(s.text),
    }));
    return sentences;
  };
  if (options.indexNow) for (const s of indexed()) s.words ??= tokensOf(s.key);
  const located = (s: { start: number; end: number }) => ({
    text: markdown.slice(s.start, s.end),
    start: s.start,
    end: s.end,
  });
  return (want) => {
    if (want.sentence) {
      const at = body.indexOf(want.sentence);
      if (at >= 0) return { text: want.sentence, start: at, end: at + want.sentence.length };
    }
    const all = indexed();
    for (const probe of [want.sentence, want.claim]) {
      const key = probe ? plainKey(probe) : '';
      if (key.length < 12) continue;
      const exact = all.find((s) => s.key.includes(key) || (s.key.length >= 12 && key.includes(s.key)));
      if (exact) return located(exact);
    }
    const words = tokensOf(want.sentence ?? want.claim);
    let best: { s: IndexedSentence; score: number } | undefined;
    for (const s of all) {
      s.words ??= tokensOf(s.key);
      const score = overlap(words, s.words);
      if (score >= minOverlap && (!best || score > best.score)) best = { s, score };
    }
    return best ? located(best.s) : null;
  };
}

/**
 * The sentence of the article body (references excluded) that states the claim: the exact `sentence`
 * when it is still there, else the sentence containing the claim's words, else the one sharing most
 * of them (a paraphrase); null when nothing is close enough (the writer rewrote or removed it).
 * Looking up several claims in one text: `sentenceLocator`.
 */
export function locateSentence(markdown: string, want: { sentence?: string; claim: string }): Located | null {
  return sentenceLocator(markdown)(want);
}

export function replaceSpan(markdown: string, start: number, end: number, text: string): string {
  return markdown.slice(0, start) + text + markdown.slice(end);
}

// A marker takes its own spaces: two `\s*` side by side split a line of spaces every way.
const emptyLine = /^\s*(?:(?:[-*+]|\d{1,9}[.)]|>)\s*)?$/;

/**
 * The span removed with the spacing around it: one space between the sentences left, and a line
 * (or list item, quote line) that held only the span goes too, without leaving a run of blank lines.
 */
export function removeSpan(markdown: string, start: number, end: number): string {
  let before = markdown.slice(0, start);
  let after = markdown.slice(end);
  if (/(^|\n)[ \t]*$/.test(before) || /^[ \t]*(\n|$)/.test(after)) {
    after = after.replace(/^[ \t]+/, '');
    if (/^(\n|$)/.test(after)) before = withoutTrailing(before, ' \t');
  } else {
    after = after.replace(/^[ \t]+/, ' ');
    if (/[ \t]$/.test(before) && after.startsWith(' ')) after = after.slice(1);
  }
  const lineStart = before.lastIndexOf('\n') + 1;
  const nl = after.indexOf('\n');
  const lineEnd = nl < 0 ? after.length : nl;
  const line = before.slice(lineStart) + after.slice(0, lineEnd);
  if (!emptyLine.test(line)) return before + after;
  // The line is gone: drop it and its newline, then close a gap of more than one blank line.
  before = before.slice(0, lineStart);
  after = after.slice(nl < 0 ? lineEnd : lineEnd + 1);
  const joined = before + after;
  const at = before.length;
  const from = trailingRunStart(joined.slice(0, at), '\n');
  const to = at + (/^\n*/.exec(joined.slice(at))?.[0].length ?? 0);
  const newlines = to - from;
  if (newlines <= 2) return joined;
  return `${joined.slice(0, from)}${to >= joined.length ? '\n' : '\n\n'}${joined.slice(to)}`;
}
