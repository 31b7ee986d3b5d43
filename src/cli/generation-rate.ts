// Tokens per second and the time left of an article run, computed from its event stream alone:
// the text deltas (article text and live "thinking") with the time each arrived, and the words the
// brief plans. The rate is taken over a sliding window, so it follows a model that slows down or a
// step that runs sections in parallel (their deltas add up to the server's real throughput), and
// pauses between writing steps (fact check, research) do not drag it to zero for long.
// Time left = words still to write × tokens per word (measured on the deltas) ÷ the rate. Deltas
// arrive batched (every ~200 ms), so the first delta of a window only marks its start.

export interface GenerationRate {
  /** A text delta seen at `at` ms; `countsAsArticle` is false for reasoning ("thinking") text. */
  add(text: string, at: number, countsAsArticle?: boolean): void;
  /** Tokens per second over the window ending at `now`, or null before two deltas. */
  tokensPerSecond(now: number): number | null;
  /** Seconds until the planned words are written at the current rate, or null when unknown. */
  secondsLeft(now: number): number | null;
  readonly wordsWritten: number;
  readonly tokens: number;
  /** "9.8 tok/s, ~2m 30s left" (empty before there is a rate). */
  describe(now: number): string;
}

export interface GenerationRateOptions {
  plannedWords: number;
  countTokens: (text: string) => number;
  /** Length of the sliding window, ms. */
  windowMs?: number;
}

const wordsOf = (text: string) =>
  [...new Intl.Segmenter(undefined, { granularity: 'word' }).segment(text)].filter((s) => s.isWordLike)
    .length;

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

export function createGenerationRate(opts: GenerationRateOptions): GenerationRate {
  const windowMs = opts.windowMs ?? 15_000;
  const recent: Array<{ at: number; tokens: number }> = [];
  let tokens = 0;
  let articleTokens = 0;
  let wordsWritten = 0;

  const rate = (now: number) => {
    while (recent.length > 0 && recent[0]!.at < now - windowMs) recent.shift();
    if (recent.length < 2) return null;
    const first = recent[0]!;
    const last = recent[recent.length - 1]!;
    const span = (Math.max(last.at, now) - first.at) / 1000;
    if (span <= 0) return null;
    // The first delta's tokens were generated before the window began.
    const generated = recent.reduce((n, d) => n + d.tokens, 0) - first.tokens;
    return generated / span;
  };

  return {
    add(text, at, countsAsArticle = true) {
      const n = opts.countTokens(text);
      tokens += n;
      recent.push({ at, tokens: n });
      if (countsAsArticle) {
        articleTokens += n;
        wordsWritten += wordsOf(text);
      }
    },
    tokensPerSecond: rate,
    secondsLeft(now) {
      const r = rate(now);
      if (!r) return null;
      const tokensPerWord = wordsWritten > 0 ? articleTokens / wordsWritten : 1.3;
      return (Math.max(0, opts.plannedWords - wordsWritten) * tokensPerWord) / r;
    },
    get wordsWritten() {
      return wordsWritten;
    },
    get tokens() {
      return tokens;
    },
    describe(now) {
      const r = rate(now);
      if (r === null) return '';
      const left = this.secondsLeft(now);
      return `${r.toFixed(1)} tok/s${left === null ? '' : `, ~${formatDuration(left)} left`}`;
    },
  };
}
