// The arithmetic of the quality lab, kept pure so that it can be checked on hand-labelled cases.
//
// Citation recall (ALCE-style): of the article's statements (prose sentences, headings, questions
// and the reference list left out), the share whose citations, taken together, support them.
// A statement without a citation counts as unsupported.
// Citation precision: of all (sentence, cited source) pairs, the share where that source alone
// supports the sentence. (ALCE also counts a citation as precise when it is needed jointly with
// others; judging each pair alone is stricter.)
// Claim support (FActScore-style): of the atomic claims the judge extracts from the final text, the
// share it finds supported by the sources.
import type { ArticleResult, ArticleScores, ModelSummary } from './report-schema.ts';

export type { ArticleResult, ArticleScores, ModelSummary };

export interface StatementJudgement {
  sentence: string;
  /** The cited sources jointly support the sentence (false when it cites nothing). */
  supported: boolean;
  /** Each cited source on its own. */
  citations: Array<{ n: number; supports: boolean }>;
}

export function scoreArticle(
  statements: readonly StatementJudgement[],
  claims: ReadonlyArray<{ supported: boolean }>,
): ArticleScores {
  return {
    statements: statements.length,
    supportedStatements: statements.filter((s) => s.supported).length,
    citations: statements.reduce((n, s) => n + s.citations.length, 0),
    preciseCitations: statements.reduce((n, s) => n + s.citations.filter((c) => c.supports).length, 0),
    claims: claims.length,
    supportedClaims: claims.filter((c) => c.supported).length,
  };
}

const ratio = (num: number, den: number) => (den === 0 ? null : num / den);

const mean = (xs: number[]) => (xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length);
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

export function summarise(results: readonly ArticleResult[]): ModelSummary {
  const done = results.filter((r) => r.status === 'completed' && r.scores);
  const scores = done.map((r) => r.scores!);
  const total = (k: keyof ArticleScores) => sum(scores.map((s) => s[k]));
  const knownCost = results.every((r) => r.costUsd !== null);
  const costUsd = knownCost ? sum(results.map((r) => r.costUsd ?? 0)) : null;
  return {
    articles: results.length,
    failed: results.filter((r) => r.status === 'failed').length,
    unjudged: results.filter((r) => r.status === 'completed' && !r.scores).length,
    citationRecall: ratio(total('supportedStatements'), total('statements')),
    citationPrecision: ratio(total('preciseCitations'), total('citations')),
    claimSupport: ratio(total('supportedClaims'), total('claims')),
    unsupportedClaimsPerArticle: mean(scores.map((s) => s.claims - s.supportedClaims)),
    seoScore: mean(done.flatMap((r) => (r.seoScore === undefined ? [] : [r.seoScore]))),
    fleschReadingEase: mean(
      done.flatMap((r) => (r.fleschReadingEase === undefined ? [] : [r.fleschReadingEase])),
    ),
    wallSeconds: mean(done.map((r) => r.wallSeconds)),
    inputTokens: sum(results.map((r) => r.inputTokens)),
    outputTokens: sum(results.map((r) => r.outputTokens)),
    costUsd,
    costPerArticleUsd: costUsd === null || results.length === 0 ? null : costUsd / results.length,
  };
}
