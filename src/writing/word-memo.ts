// Per-word results (stems, syllable counts) kept for the process: an article's text is analysed
// several times while it is written, checked and revised (the SEO pack of the draft, then of the
// final text; each cited sentence's support), with the same words each time, so the later passes —
// the one after the fact check is the run's last step — are look-ups rather than rule sets run again.
// Bounded: emptied when full, which costs one recomputation per word.
const maxWords = 50_000;

export function memoByWord<T>(compute: (word: string) => T): (word: string) => T {
  const known = new Map<string, T>();
  return (word) => {
    let value = known.get(word);
    if (value === undefined) {
      value = compute(word);
      if (known.size >= maxWords) known.clear();
      known.set(word, value);
    }
    return value;
  };
}
