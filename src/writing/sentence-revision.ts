// What a rewrite of a section did to one sentence: the section before and after are aligned sentence
// by sentence (longest common subsequence of identical sentences); the sentences between two kept
// ones were replaced, and the sentence of interest maps to its counterpart among them.

import { locateSentence } from './sentence-location.ts';
import { splitSentences } from './sentences.ts';

export interface SentenceRevision {
  /** The sentence as it was written. */
  before: string;
  /** What replaced it: '' when the rewrite dropped it. */
  after: string;
}

function keptPairs(a: readonly string[], b: readonly string[]): Array<[number, number]> {
  const table = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--)
      table[i]![j] =
        a[i] === b[j] ? table[i + 1]![j + 1]! + 1 : Math.max(table[i + 1]![j]!, table[i]![j + 1]!);
  const pairs: Array<[number, number]> = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      pairs.push([i++, j++]);
    } else if (table[i + 1]![j]! >= table[i]![j + 1]!) i++;
    else j++;
  }
  return pairs;
}

/**
 * The revision of the sentence stating `claim` in `drafted`, or undefined when the rewrite kept that
 * sentence as it was (or it cannot be found). A replaced run of the same length maps one to one; a
 * single sentence replaced by several maps to all of them; otherwise to the one at the same place.
 */
export function sentenceRevision(
  drafted: string,
  revised: string,
  claim: string,
): SentenceRevision | undefined {
  const at = locateSentence(drafted, { claim });
  if (!at || revised.includes(at.text)) return undefined;
  const old = splitSentences(drafted);
  const k = old.findIndex((s) => s.offset === at.start);
  if (k < 0) return undefined;
  const now = splitSentences(revised).map((s) => s.text);
  const pairs = keptPairs(
    old.map((s) => s.text),
    now,
  );
  const prev = pairs.filter(([i]) => i < k).at(-1) ?? [-1, -1];
  const next = pairs.find(([i]) => i > k) ?? [old.length, now.length];
  const replacedOld = next[0] - prev[0] - 1;
  const replacement = now.slice(prev[1] + 1, next[1]);
  const pos = k - prev[0] - 1;
  const after =
    replacement.length === 0
      ? ''
      : replacedOld === replacement.length
        ? replacement[pos]!
        : replacedOld === 1
          ? replacement.join(' ')
          : (replacement[pos] ?? '');
  return { before: at.text, after };
}
