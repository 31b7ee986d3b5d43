// The quality lab's arithmetic on hand-labelled cases.
import { describe, expect, it } from 'vitest';
import { statementsOf } from '../../src/eval/judge.ts';
import { type ArticleResult, scoreArticle, summarise } from '../../src/eval/metrics.ts';

const labelled = scoreArticle(
  [
    // Cites two sources; together they support it, but only source 1 does on its own.
    {
      sentence: 'a',
      supported: true,
      citations: [
        { n: 1, supports: true },
        { n: 2, supports: false },
      ],
    },
    { sentence: 'b', supported: true, citations: [{ n: 1, supports: true }] },
    { sentence: 'c', supported: false, citations: [] }, // a claim with no citation
    { sentence: 'd', supported: false, citations: [{ n: 2, supports: false }] }, // cites the wrong source
  ],
  [{ supported: true }, { supported: true }, { supported: false }],
);

describe('quality lab metrics', () => {
  it('counts statements, citations and claims of one article', () => {
    expect(labelled).toEqual({
      statements: 4,
      supportedStatements: 2,
      citations: 4,
      preciseCitations: 2,
      claims: 3,
      supportedClaims: 2,
    });
  });

  it('micro-averages over articles and leaves failed ones out of the ratios', () => {
    const perfect = scoreArticle(
      [{ sentence: 'e', supported: true, citations: [{ n: 1, supports: true }] }],
      [{ supported: true }],
    );
    const results: ArticleResult[] = [
      {
        caseId: 'x',
        status: 'completed',
        scores: labelled,
        seoScore: 80,
        fleschReadingEase: 50,
        wallSeconds: 10,
        inputTokens: 100,
        outputTokens: 50,
        costUsd: 0.001,
      },
      {
        caseId: 'y',
        status: 'completed',
        scores: perfect,
        seoScore: 60,
        fleschReadingEase: 70,
        wallSeconds: 20,
        inputTokens: 200,
        outputTokens: 100,
        costUsd: 0.002,
      },
      {
        caseId: 'z',
        status: 'failed',
        error: 'boom',
        wallSeconds: 5,
        inputTokens: 10,
        outputTokens: 0,
        costUsd: 0.0005,
      },
    ];
    const s = summarise(results);
    expect(s.articles).toBe(3);
    expect(s.failed).toBe(1);
    expect(s.citationRecall).toBeCloseTo(3 / 5);
    expect(s.citationPrecision).toBeCloseTo(3 / 5);
    expect(s.claimSupport).toBeCloseTo(3 / 4);
    expect(s.unsupportedClaimsPerArticle).toBeCloseTo(0.5);
    expect(s.seoScore).toBe(70);
    expect(s.fleschReadingEase).toBe(60);
    expect(s.wallSeconds).toBe(15);
    expect(s.inputTokens).toBe(310);
    // A failed article's spend is still spend.
    expect(s.costUsd).toBeCloseTo(0.0035);
    expect(s.costPerArticleUsd).toBeCloseTo(0.0035 / 3);
  });

  it('says the cost is unknown when one article used an unpriced model, and null ratios with nothing to count', () => {
    const s = summarise([
      {
        caseId: 'x',
        status: 'completed',
        scores: scoreArticle([], []),
        wallSeconds: 1,
        inputTokens: 1,
        outputTokens: 1,
        costUsd: null,
      },
    ]);
    expect(s.costUsd).toBeNull();
    expect(s.costPerArticleUsd).toBeNull();
    expect(s.citationRecall).toBeNull();
    expect(s.citationPrecision).toBeNull();
  });

  it('takes prose statements only: no headings, questions, fragments or reference list', () => {
    const markdown = [
      '# Title',
      '',
      'Heat pumps move heat rather than make it [1]. They are efficient.',
      '',
      '## FAQ',
      '',
      'Are they loud?',
      '',
      'Not very.',
      '',
      '## References',
      '',
      '1. How heat pumps work',
    ].join('\n');
    expect(statementsOf(markdown).map((s) => s.sentence)).toEqual([
      'Heat pumps move heat rather than make it.',
      'They are efficient.',
    ]);
  });
});
