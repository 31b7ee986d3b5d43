// The estimate's arithmetic: a first guess that scales with the brief, history that replaces it,
// and an unpriced model that makes the cost unknown rather than $0.
import { describe, expect, it } from 'vitest';
import {
  estimateArticle,
  type PastArticle,
  type RoleModel,
  roughSteps,
} from '../../src/articles/estimate.ts';
import { articleBriefSchema } from '../../src/writing/brief.ts';

const brief = (input: Record<string, unknown> = {}) =>
  articleBriefSchema.parse({ topic: 'Heat pumps', ...input });
const priced: RoleModel = { model: 'openai:gpt-4o-mini', price: { input: 0.15, output: 0.6 } };
const models = { planner: priced, writer: priced, checker: priced };

const past = (words: number, perWord: number, latencyMs: number): PastArticle => ({
  words,
  tokens: {
    planner: { input: words, output: words * 0.1 },
    writer: { input: words * 2, output: words * perWord },
    checker: { input: words * 2, output: words * 0.2 },
  },
  latencyMs,
});

describe('article estimate', () => {
  it('rough: a range that grows with the target length, the basis said', () => {
    const short = estimateArticle(brief({ words: 800 }), models, []);
    const long = estimateArticle(brief({ words: 4000 }), models, []);
    expect(short.basis).toBe('rough');
    expect(short.articlesUsed).toBe(0);
    expect(short.outputTokens.low).toBeLessThan(short.outputTokens.high);
    expect(long.outputTokens.low).toBeGreaterThan(short.outputTokens.high);
    expect(short.costUsd).not.toBeNull();
    expect(short.costUsd!.low).toBeGreaterThan(0);
    expect(short.costUsd!.low).toBeLessThan(short.costUsd!.high);
    expect(long.costUsd!.high).toBeGreaterThan(short.costUsd!.high);
    expect(short.minutes.low).toBeGreaterThanOrEqual(1);
    expect(short.minutes.low).toBeLessThanOrEqual(short.minutes.high);
    // The writer writes about the target length in tokens (~1.35 per word).
    const writer = long.roles.find((r) => r.role === 'writer')!;
    expect(writer.outputTokens.low).toBeLessThan(4000 * 1.35 * 1.3);
    expect(writer.outputTokens.high).toBeGreaterThan(4000 * 1.35);
  });

  it("rough: the step plan follows the brief's options", () => {
    const all = roughSteps(brief({ outline: ['A', 'B', 'C', 'D'], research: { web: true } }));
    const bare = roughSteps(brief({ outline: ['A', 'B', 'C', 'D'], factCheck: false, seo: false }));
    // plan, outline, 4 sections, intro, conclusion, faq, factcheck, revise, citations, seo
    expect(all).toHaveLength(13);
    // no fact check, revision, citation check (ungrounded) or SEO
    expect(bare).toHaveLength(9);
    expect(bare.some((s) => s.role === 'checker')).toBe(false);
    // Without sources there is nothing to check facts against (factCheck defaults to true): no
    // checker call, as in the pipeline; with web research the checker is costed.
    const ungrounded = roughSteps(brief({ outline: ['A', 'B', 'C', 'D'], seo: false }));
    expect(ungrounded).toHaveLength(9);
    const checker = (input: Record<string, unknown>) =>
      estimateArticle(brief(input), models, []).roles.find((r) => r.role === 'checker')!;
    expect(checker({}).costUsd).toEqual({ low: 0, high: 0 });
    expect(checker({ research: { web: true } }).costUsd!.low).toBeGreaterThan(0);
  });

  it('rough: plans the sections the outline step asks for; an empty outline is none', () => {
    // Found by the fuzzer: `outline: []` planned zero sections and made every number Infinity.
    const without = estimateArticle(brief({ words: 5258 }), models, []);
    for (const outline of [[], ['##', '**  **']])
      expect(estimateArticle(brief({ words: 5258, outline }), models, [])).toEqual(without);
    const sections = roughSteps(brief({ words: 5258 })).filter((s) => s.role === 'writer').length;
    // 8 sections (plannedSectionCount), intro, conclusion, FAQ, and the revision of a grounded one.
    expect(sections).toBe(8 + 3);
    for (const n of [without.inputTokens.high, without.outputTokens.high, without.costUsd!.high])
      expect(Number.isFinite(n)).toBe(true);
  });

  it('rough: more web pages make a larger outline prompt, and only it', () => {
    const steps = (maxWebSources: number) => roughSteps(brief({ research: { web: true, maxWebSources } }));
    const [few, many] = [steps(4), steps(20)];
    expect(many[1]!.input - few[1]!.input).toBe(16 * 100);
    expect(many.filter((_, i) => i !== 1)).toEqual(few.filter((_, i) => i !== 1));
  });

  it("history: tokens per word and speed measured on the workspace's own articles", () => {
    const history = [past(1000, 2, 60_000), past(2000, 3, 150_000)];
    const e = estimateArticle(brief({ words: 1500 }), models, history);
    expect(e.basis).toBe('history');
    expect(e.articlesUsed).toBe(2);
    const writer = e.roles.find((r) => r.role === 'writer')!;
    // 2.0–3.0 output tokens per word × 1500 words, the spread of the two articles.
    expect(writer.outputTokens.low).toBe(3000);
    expect(writer.outputTokens.high).toBe(4500);
    // Input: 2 per word in both, widened to ±15% so one-off luck is not false precision.
    expect(writer.inputTokens.low).toBe(Math.floor(3000 * 0.85));
    expect(writer.inputTokens.high).toBe(Math.ceil(3000 * 1.15));
    // Cost follows the measured tokens at the model's price, rounded outward to $0.0001.
    const high = (3450 * 0.15 + 4500 * 0.6) / 1e6;
    expect(writer.costUsd!.high).toBeGreaterThanOrEqual(high);
    expect(writer.costUsd!.high).toBeLessThan(high + 0.0001);
    // Seconds per output token: 60 s / 2300 tokens and 150 s / 6600 tokens; ≤ ~5000 tokens → 2–3 minutes at most.
    expect(e.minutes.high).toBeGreaterThanOrEqual(2);
    expect(e.minutes.high).toBeLessThanOrEqual(3);
    // Different from the first guess for the same brief.
    expect(e.outputTokens).not.toEqual(estimateArticle(brief({ words: 1500 }), models, []).outputTokens);
  });

  it('an unpriced model: cost null and priceUnknown, never $0', () => {
    const local: RoleModel = { model: 'compatible:local-model', price: null };
    const e = estimateArticle(brief(), { ...models, writer: local }, []);
    expect(e.priceUnknown).toBe(true);
    expect(e.costUsd).toBeNull();
    const writer = e.roles.find((r) => r.role === 'writer')!;
    expect(writer).toMatchObject({ model: 'compatible:local-model', costUsd: null, priceUnknown: true });
    expect(e.roles.find((r) => r.role === 'planner')!.priceUnknown).toBe(false);
    // A price of zero is a known price (a local model priced free on purpose).
    const free = estimateArticle(
      brief(),
      { ...models, writer: { ...local, price: { input: 0, output: 0 } } },
      [],
    );
    expect(free.priceUnknown).toBe(false);
    expect(free.costUsd).not.toBeNull();
  });
});
