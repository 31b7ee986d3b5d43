// Platform limits are enforced on what the model wrote, never trusted to it: a text over its limit
// is shortened (at a sentence end where one is near, else at a word), and an X thread's over-long
// post is split into posts that fit. Texts are read a word at a time — the length of a prefix is
// the sum of its words' — so both stay linear in the text.
import { xLength } from './x-length.ts';

/** `characters`: UTF-16 code units, as most forms count; `x`: X's weighted count (x-length.ts). */
export type LimitUnit = 'characters' | 'x';

export interface TextLimit {
  max: number;
  unit: LimitUnit;
  /** A text cut mid-sentence ends with `…` (else it just stops at a word: headlines, subjects). */
  ellipsis?: boolean;
}

/** A text changed after the model to keep a limit. */
export interface Repair {
  /** The variant's index, or the part's (a thread's post) for a remix. */
  index: number;
  field: string;
  message: string;
}

export const measure = (text: string, unit: LimitUnit) => (unit === 'x' ? xLength(text) : text.length);

interface Word {
  /** The word and the whitespace after it. */
  text: string;
  /** The length of the word alone (its trailing whitespace not counted: a cut drops it). */
  size: number;
  /** The length with its trailing whitespace. */
  sizeWithSpace: number;
  sentenceEnd: boolean;
}

const sentenceEnd = /[.!?…。！？]["'”’)\]]*$/u;

function wordsOf(text: string, unit: LimitUnit): Word[] {
  return (text.match(/\S+\s*/g) ?? []).map((piece) => {
    const word = piece.trimEnd();
    const size = measure(word, unit);
    return {
      text: piece,
      size,
      sizeWithSpace: size + measure(piece.slice(word.length), unit),
      sentenceEnd: sentenceEnd.test(word),
    };
  });
}

/**
 * The longest start of `words` from `from` that fits `max`: its end (exclusive), preferring a
 * sentence end when one lies in the last half. At least one word, unless the first is itself too
 * long (then `from`).
 */
function fittingRun(words: readonly Word[], from: number, max: number): { end: number; atSentence: boolean } {
  let used = 0;
  let end = from;
  let sentence = -1;
  while (end < words.length) {
    const w = words[end]!;
    if (used + w.size > max) break;
    used += w.sizeWithSpace;
    end++;
    if (w.sentenceEnd) sentence = end;
  }
  if (end === words.length) return { end, atSentence: true };
  const sentenceLength = sentence > from ? runSize(words, from, sentence) : 0;
  if (sentence > from && sentenceLength >= max / 2) return { end: sentence, atSentence: true };
  return { end, atSentence: false };
}

const runSize = (words: readonly Word[], from: number, end: number) => {
  let n = 0;
  for (let i = from; i < end; i++) n += i === end - 1 ? words[i]!.size : words[i]!.sizeWithSpace;
  return n;
};

const joined = (words: readonly Word[], from: number, end: number) =>
  words
    .slice(from, end)
    .map((w) => w.text)
    .join('')
    .trimEnd();

/** A word too long for any post (a pasted hash, a run of emoji): cut by characters. */
function hardCut(word: string, max: number, unit: LimitUnit): string[] {
  const pieces: string[] = [];
  let current = '';
  for (const { segment } of new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(word)) {
    if (current && measure(current + segment, unit) > max) {
      pieces.push(current);
      current = '';
    }
    current += segment;
  }
  if (current) pieces.push(current);
  return pieces;
}

/**
 * `text` within `limit`: as it is when it fits; else cut at the last sentence end in the second
 * half of the limit, or at the last word that fits, then `…` when the limit says so (its length
 * reserved).
 */
export function shorten(text: string, limit: TextLimit): string {
  const trimmed = text.trim();
  if (measure(trimmed, limit.unit) <= limit.max) return trimmed;
  const words = wordsOf(trimmed, limit.unit);
  const ellipsis = limit.ellipsis ? '…' : '';
  const room = limit.max - measure(ellipsis, limit.unit);
  const run = fittingRun(words, 0, room);
  if (run.end === 0) return hardCut(trimmed, room, limit.unit)[0]! + ellipsis;
  const kept = joined(words, 0, run.end);
  if (run.atSentence) return kept;
  // A cut mid-sentence drops the dangling punctuation it leaves.
  return kept.replace(/[\s,;:–—-]+$/u, '') + ellipsis;
}

/**
 * `text` as posts that each fit `max` (in `unit`), split at sentence ends where possible, else at
 * words: nothing of the text is lost.
 */
export function splitIntoPosts(text: string, max: number, unit: LimitUnit): string[] {
  const trimmed = text.trim();
  if (measure(trimmed, unit) <= max) return trimmed ? [trimmed] : [];
  const words = wordsOf(trimmed, unit);
  const posts: string[] = [];
  let from = 0;
  while (from < words.length) {
    const run = fittingRun(words, from, max);
    if (run.end === from) {
      posts.push(...hardCut(words[from]!.text.trimEnd(), max, unit));
      from++;
      continue;
    }
    posts.push(joined(words, from, run.end));
    from = run.end;
  }
  return posts;
}
