// Passages one text shares word for word with others: runs of at least `minWords` consecutive words
// (as `searchWords` reads them: case and punctuation ignored) found in both, merged into maximal
// spans. Linear in the words of all the texts: the checked text's windows of `minWords` words are
// indexed once by a rolling hash over word numbers (a collision is ruled out by comparing the
// words), then each other text's windows are looked up as it is read.

/** A run the checked text shares with `origin`: words `from`..`to` (exclusive) of each side. */
export interface CopiedSpan {
  origin: number;
  from: number;
  to: number;
  originFrom: number;
  originTo: number;
}

// The hash: base and modulus chosen so that every product stays an exact integer in a double
// (modulus < 2^31, base and word numbers < 2^21: a text of 500,000 characters has far fewer words).
const modulus = 2_147_483_647;
const base = 1_000_003;
// The checked text's windows sharing one hash that are compared with a window of another text:
// a phrase repeated a thousand times is matched at its first places, not every pair of them.
const maxSameWindows = 16;

export function copiedSpans(
  text: readonly string[],
  origins: ReadonlyArray<readonly string[]>,
  {
    minWords = 8,
    joinable = () => true,
  }: {
    minWords?: number;
    /** Whether a gap between words `last` and `next` of the checked text may be bridged (not a new paragraph, say). */
    joinable?: (last: number, next: number) => boolean;
  } = {},
): CopiedSpan[] {
  if (text.length < minWords) return [];
  const numbers = new Map<string, number>();
  const ids = new Int32Array(text.length);
  for (let i = 0; i < text.length; i++) {
    let id = numbers.get(text[i]!);
    if (id === undefined) {
      id = numbers.size + 1;
      numbers.set(text[i]!, id);
    }
    ids[i] = id;
  }
  let shift = 1; // base^(minWords-1): the weight of the word leaving the window
  for (let k = 1; k < minWords; k++) shift = (shift * base) % modulus;
  const roll = (hash: number, leaving: number, entering: number) => {
    const without = (((hash - ((leaving * shift) % modulus)) % modulus) + modulus) % modulus;
    return (without * base + entering) % modulus;
  };
  const first = new Map<number, number>();
  const next = new Int32Array(text.length).fill(-1);
  const last = new Map<number, number>();
  let hash = 0;
  for (let i = 0; i < text.length; i++) {
    hash = i < minWords ? (hash * base + ids[i]!) % modulus : roll(hash, ids[i - minWords]!, ids[i]!);
    const start = i - minWords + 1;
    if (start < 0) continue;
    const tail = last.get(hash);
    if (tail === undefined) first.set(hash, start);
    else next[tail] = start;
    last.set(hash, start);
  }

  const spans: CopiedSpan[] = [];
  origins.forEach((words, origin) => {
    const pairs: Array<{ from: number; originFrom: number }> = [];
    const originIds = new Int32Array(words.length);
    let known = 0; // consecutive words ending here that the checked text has
    let h = 0;
    let following = -1; // the checked text's window the previous window matched, while a run goes on
    for (let j = 0; j < words.length; j++) {
      const id = numbers.get(words[j]!) ?? 0;
      originIds[j] = id;
      if (id === 0) {
        known = 0;
        h = 0;
        following = -1;
        continue;
      }
      known++;
      h = known <= minWords ? (h * base + id) % modulus : roll(h, originIds[j - minWords]!, id);
      if (known < minWords) continue;
      const originFrom = j - minWords + 1;
      // A run going on is followed without a look-up: a repeated phrase would otherwise pair each
      // of its windows with every repeat (a text repeating itself was quadratic).
      if (following >= 0 && following + minWords < text.length && ids[following + minWords] === id) {
        following++;
        pairs.push({ from: following, originFrom });
        continue;
      }
      following = -1;
      let seen = 0;
      for (let i = first.get(h) ?? -1; i >= 0 && seen < maxSameWindows; i = next[i]!, seen++) {
        let same = true;
        for (let k = 0; k < minWords && same; k++) same = ids[i + k] === originIds[originFrom + k];
        if (!same) continue;
        pairs.push({ from: i, originFrom });
        if (following < 0) following = i;
      }
    }
    spans.push(...runsOf(pairs, origin, minWords, joinable));
  });
  return withoutContained(spans, text.length);
}

// Runs of one origin this few words apart in the checked text are one span: a word changed, added
// or dropped in a copied sentence leaves it copied.
const maxGap = 3;

/**
 * Shared windows joined into runs: along one diagonal (the same offset between the texts) windows
 * that overlap or touch are one run; runs of one origin at most `maxGap` words apart in the checked
 * text and within a window of each other in the origin are one span.
 */
function runsOf(
  pairs: Array<{ from: number; originFrom: number }>,
  origin: number,
  minWords: number,
  joinable: (last: number, next: number) => boolean,
): CopiedSpan[] {
  pairs.sort((a, b) => a.from - a.originFrom - (b.from - b.originFrom) || a.from - b.from);
  const runs: CopiedSpan[] = [];
  for (const { from, originFrom } of pairs) {
    const run = runs.at(-1);
    if (run && run.from - run.originFrom === from - originFrom && from <= run.to) {
      run.to = Math.max(run.to, from + minWords);
      run.originTo = run.originFrom + (run.to - run.from);
    } else runs.push({ origin, from, to: from + minWords, originFrom, originTo: originFrom + minWords });
  }
  runs.sort((a, b) => a.from - b.from || a.originFrom - b.originFrom);
  const merged: CopiedSpan[] = [];
  for (const run of runs) {
    const span = merged.at(-1);
    if (
      span &&
      run.from <= span.to + maxGap &&
      (run.from <= span.to || joinable(span.to - 1, run.from)) &&
      run.originFrom >= span.originFrom &&
      run.originFrom <= span.originTo + minWords
    ) {
      span.to = Math.max(span.to, run.to);
      span.originTo = Math.max(span.originTo, run.originTo);
    } else merged.push({ ...run });
  }
  return merged;
}

/**
 * The spans left when a span whose words a longer one (of any origin) already covers is dropped:
 * text two sources share is reported once, from the source it is longest in. Sorted by position.
 */
function withoutContained(spans: CopiedSpan[], words: number): CopiedSpan[] {
  const covered = new Uint8Array(words);
  const kept: CopiedSpan[] = [];
  for (const span of spans.sort((a, b) => b.to - b.from - (a.to - a.from) || a.from - b.from)) {
    let all = true;
    for (let i = span.from; i < span.to && all; i++) all = covered[i] === 1;
    if (all) continue;
    covered.fill(1, span.from, span.to);
    kept.push(span);
  }
  return kept.sort((a, b) => a.from - b.from || a.origin - b.origin);
}
