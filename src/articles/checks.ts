// The checking steps: fact check (claims extracted and judged against the sources, per section),
// revision of the claims that failed, and the citation check of the final text (a deterministic
// lexical score plus the checker model's verdict for every cited sentence).
import { boundedQueue, mapBounded } from '../bounded.ts';
import { bestExcerpt } from '../research/excerpt.ts';
import { citedSentences, type SupportSource, supportScorer, supportSource } from '../writing/citations.ts';
import { remapCitations } from '../writing/sections.ts';
import { fitQuotes, fullQuoteChars } from './prompt-budget.ts';
import {
  checkerSystem,
  citationPrompt,
  citationVerdictSchema,
  factCheckPrompt,
  factCheckSchema,
  type QuotedSource,
  revisePrompt,
} from './prompts.ts';
import type { StepLlm } from './steps.ts';
import type { ArticleSource, CitationCheck, FactCheckClaim } from './types.ts';

/** A source as quoted to a checker or reviser: its best passage for `focus`, bounded. */
export function quoted(source: ArticleSource, focus: string, maxChars = fullQuoteChars): QuotedSource {
  return { n: source.n, title: source.title, text: bestExcerptWindow(source.text, focus, maxChars) };
}

// The best paragraph alone is often too short to judge a claim; a window around it is kept.
function bestExcerptWindow(text: string, focus: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const best = bestExcerpt(text, focus, maxChars);
  const at = text.indexOf(best.replace(/…$/, ''));
  if (at < 0) return best;
  const start = Math.max(0, at - Math.floor((maxChars - best.length) / 2));
  return text.slice(start, start + maxChars);
}

export interface SectionForCheck {
  index: number;
  markdown: string;
  /** Global numbers of the sources the section was given. */
  sourceIds: number[];
}

/** One section's claims, each judged against the sources the section was given. */
async function factCheckSection(
  llm: StepLlm,
  section: SectionForCheck,
  sources: readonly ArticleSource[],
): Promise<FactCheckClaim[]> {
  const given = section.sourceIds.map((n) => sources[n - 1]).filter((s): s is ArticleSource => !!s);
  if (given.length === 0 || !section.markdown.trim()) return [];
  const build = (maxChars: number) =>
    factCheckPrompt(
      section.markdown,
      given.map((s) => quoted(s, section.markdown, maxChars)),
    );
  const { object } = await llm.generateObject({
    role: 'checker',
    system: checkerSystem(),
    prompt: build(fullQuoteChars),
    fit: (budget) => fitQuotes(budget, checkerSystem(), build),
    schema: factCheckSchema,
    schemaName: 'fact_check',
    temperature: 0,
  });
  const allowed = new Set(section.sourceIds);
  return object.claims.map((c) => ({
    claim: c.claim,
    verdict: c.verdict,
    sources: c.sources.filter((n) => allowed.has(n)),
    ...(c.note ? { note: c.note } : {}),
    section: section.index,
  }));
}

/**
 * The sections' claims, in section order. A section given as a promise (one still being written)
 * is checked as soon as it settles, in the order the sections arrive, at most `concurrency` at once.
 */
export async function factCheckSections(
  llm: StepLlm,
  sections: ReadonlyArray<SectionForCheck | Promise<SectionForCheck>>,
  sources: readonly ArticleSource[],
  concurrency: number,
): Promise<FactCheckClaim[]> {
  const slot = boundedQueue(concurrency);
  const perSection = await Promise.all(
    sections.map(async (pending) => {
      const section = await pending;
      return slot(() => factCheckSection(llm, section, sources));
    }),
  );
  return perSection.flat();
}

export const needsRevision = (claim: FactCheckClaim) => claim.verdict !== 'supported';

/** Rewrites the sections with failed claims; returns every section's text (unchanged ones as they were). */
export async function reviseSections(
  llm: StepLlm,
  system: string,
  sections: readonly SectionForCheck[],
  claims: readonly FactCheckClaim[],
  sources: readonly ArticleSource[],
  concurrency: number,
): Promise<string[]> {
  return mapBounded(sections, concurrency, async (section) => {
    const problems = claims.filter((c) => c.section === section.index && needsRevision(c));
    if (problems.length === 0) return section.markdown;
    const given = section.sourceIds.map((n) => sources[n - 1]).filter((s): s is ArticleSource => !!s);
    const build = (maxChars: number) =>
      revisePrompt(
        section.markdown,
        problems,
        given.map((s) => quoted(s, section.markdown, maxChars)),
      );
    const { text } = await llm.generateText({
      role: 'writer',
      system,
      prompt: build(fullQuoteChars),
      fit: (budget) => fitQuotes(budget, system, build),
    });
    // The reviser may only cite what the section was given.
    const allowed = new Set(section.sourceIds);
    return remapCitations(text.trim(), (n) => (allowed.has(n) ? n : undefined)).markdown;
  });
}

const verdictBatch = 20;

type Verdict = NonNullable<CitationCheck['verdict']>;
/** A cited sentence with the checker model's verdict, when it gave one. */
export interface JudgedSentence {
  sentence: string;
  sources: number[];
  verdict?: Verdict;
}

interface Numbered {
  i: number;
  sentence: string;
  sources: number[];
}

const numberedSentences = (markdown: string): Numbered[] =>
  citedSentences(markdown).map((c, i) => ({ i, sentence: c.sentence, sources: c.sources }));

/** The checker's verdicts by sentence number: reused from `known` where the sentence and its sources match. */
async function verdictsFor(
  llm: StepLlm,
  sentences: readonly Numbered[],
  sources: readonly ArticleSource[],
  concurrency: number,
  known: readonly JudgedSentence[],
): Promise<Map<number, Verdict>> {
  const knownKey = (sentence: string, sources: number[]) => `${sources.join(',')}|${sentence}`;
  const reuse = new Map(
    known.filter((k) => k.verdict).map((k) => [knownKey(k.sentence, k.sources), k.verdict!]),
  );
  const verdicts = new Map<number, Verdict>();
  const unjudged = sentences.filter((s) => {
    const earlier = reuse.get(knownKey(s.sentence, s.sources));
    if (earlier) verdicts.set(s.i, earlier);
    return !earlier;
  });
  const batches: Numbered[][] = [];
  for (let i = 0; i < unjudged.length; i += verdictBatch) batches.push(unjudged.slice(i, i + verdictBatch));
  await mapBounded(batches, concurrency, async (batch) => {
    const cited = [...new Set(batch.flatMap((s) => s.sources))]
      .map((n) => sources[n - 1])
      .filter((s): s is ArticleSource => !!s);
    const focus = batch.map((s) => s.sentence).join(' ');
    const build = (maxChars: number) =>
      citationPrompt(
        batch,
        cited.map((s) => quoted(s, focus, maxChars)),
      );
    const { object } = await llm.generateObject({
      role: 'checker',
      system: checkerSystem(),
      prompt: build(1800),
      fit: (budget) => fitQuotes(budget, checkerSystem(), build, 1800),
      schema: citationVerdictSchema,
      schemaName: 'citation_verdicts',
      temperature: 0,
    });
    for (const v of object.verdicts) {
      if (batch.some((s) => s.i === v.i))
        verdicts.set(v.i, {
          supported: v.supported,
          score: v.score,
          ...(v.reason ? { reason: v.reason } : {}),
        });
    }
  });
  return verdicts;
}

/**
 * The checker model's verdicts alone, without the lexical scores: for a part of an article (a
 * section as it is written) whose results are only carried into the check of the whole as `known`.
 */
export async function judgeCitations(
  llm: StepLlm,
  markdown: string,
  sources: readonly ArticleSource[],
  concurrency: number,
): Promise<JudgedSentence[]> {
  const sentences = numberedSentences(markdown);
  const verdicts = await verdictsFor(llm, sentences, sources, concurrency, []);
  return sentences.map((s) => {
    const verdict = verdicts.get(s.i);
    return { sentence: s.sentence, sources: s.sources, ...(verdict ? { verdict } : {}) };
  });
}

export async function checkCitations(
  llm: StepLlm,
  markdown: string,
  sources: readonly ArticleSource[],
  language: string,
  concurrency: number,
  /** Earlier results: a sentence judged before with the same sources is not sent to the model again. */
  known: readonly JudgedSentence[] = [],
): Promise<CitationCheck[]> {
  const sentences = numberedSentences(markdown);
  // The deterministic score is computed while the checker's calls are in flight: a sentence at a
  // time, yielding to the event loop before each, so the calls' requests (their statements, their
  // sockets) go out first instead of after all of it — it takes tens of milliseconds.
  const lexicalOf = async () => {
    const score = lexicalScorer(sources, language);
    const scores: number[] = [];
    for (const s of sentences) {
      await new Promise(setImmediate);
      scores.push(score(s.sentence, s.sources));
    }
    return scores;
  };
  const [lexical, verdicts] = await Promise.all([
    lexicalOf(),
    verdictsFor(llm, sentences, sources, concurrency, known),
  ]);
  return sentences.map((s) => combineVerdict({ ...s, lexical: lexical[s.i] ?? 0 }, verdicts.get(s.i)));
}

/**
 * The model judges meaning, the lexical score guards against a model waving through a sentence
 * that shares almost nothing with its source. Without a verdict the lexical score decides alone.
 */
export function combineVerdict(
  s: { sentence: string; sources: number[]; lexical: number },
  verdict?: { supported: boolean; score: number; reason?: string },
): CitationCheck {
  const round = (x: number) => Math.round(x * 1000) / 1000;
  if (!verdict) {
    return {
      sentence: s.sentence,
      sources: s.sources,
      lexical: s.lexical,
      score: s.lexical,
      supported: s.lexical >= 0.35,
    };
  }
  return {
    sentence: s.sentence,
    sources: s.sources,
    lexical: s.lexical,
    score: round(0.5 * s.lexical + 0.5 * verdict.score),
    supported: verdict.supported && s.lexical >= 0.1,
    verdict,
  };
}

/**
 * The best lexical support of a sentence by the sources it cites. Each source is stemmed once, when
 * first cited, and a sentence cited again with the same sources is scored once: an edit's text is
 * scored in time linear in it, whatever it repeats.
 */
function lexicalScorer(sources: readonly ArticleSource[], language: string) {
  const prepared = new Map<number, SupportSource>();
  const sourceOf = (n: number) => {
    const text = sources[n - 1]?.text;
    if (text === undefined) return undefined;
    let known = prepared.get(n);
    if (!known) {
      known = supportSource(text, language);
      prepared.set(n, known);
    }
    return known;
  };
  const scored = new Map<string, number>();
  return (sentence: string, cited: readonly number[]): number => {
    const key = `${cited.join(',')}|${sentence}`;
    let best = scored.get(key);
    if (best === undefined) {
      const scorer = supportScorer(sentence, language);
      best = 0;
      for (const n of cited) {
        const source = sourceOf(n);
        if (source) best = Math.max(best, scorer(source));
      }
      scored.set(key, best);
    }
    return best;
  };
}

/** Citation results for hand-edited text: lexical scores now, earlier model verdicts where the sentence is unchanged. */
export function refreshCitations(
  markdown: string,
  sources: readonly ArticleSource[],
  language: string,
  known: readonly CitationCheck[],
): CitationCheck[] {
  const verdicts = new Map(
    known.filter((k) => k.verdict).map((k) => [`${k.sources.join(',')}|${k.sentence}`, k.verdict!]),
  );
  const score = lexicalScorer(sources, language);
  return citedSentences(markdown).map((c) => {
    const lexical = score(c.sentence, c.sources);
    return combineVerdict(
      { sentence: c.sentence, sources: c.sources, lexical },
      verdicts.get(`${c.sources.join(',')}|${c.sentence}`),
    );
  });
}
