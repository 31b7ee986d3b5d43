// The evaluation report's shape: what `blogsmith eval` writes to eval-report.json, what it stores in
// a workspace (POST /api/v1/eval/reports) and what the web app's Quality page reads. One schema, so
// the JSON file, the database row and the API cannot drift apart.
import { z } from 'zod';
import { text } from '../input/text.ts';

const count = z.number().int().min(0);
/** A share from 0 to 1; null when there was nothing to count (no statements, no citations…). */
const share = z.number().min(0).max(1).nullable();
const label = text({ max: 200, min: 1 });

export const articleScoresSchema = z.object({
  statements: count,
  supportedStatements: count,
  citations: count,
  preciseCitations: count,
  claims: count,
  supportedClaims: count,
});
export type ArticleScores = z.infer<typeof articleScoresSchema>;

export const articleResultSchema = z.object({
  caseId: label,
  status: z.enum(['completed', 'failed']),
  error: text({ max: 2000 }).optional(),
  /** Absent when the judge could not score the written article (`judgeError` says why). */
  scores: articleScoresSchema.optional(),
  judgeError: text({ max: 2000 }).optional(),
  seoScore: z.number().min(0).max(100).optional(),
  /** English Flesch reading ease only: other languages' formulas are not on the same scale. */
  fleschReadingEase: z.number().min(-1000).max(1000).optional(),
  wallSeconds: z.number().min(0),
  inputTokens: count,
  outputTokens: count,
  /** null when some call had no known price. */
  costUsd: z.number().min(0).nullable(),
});
export type ArticleResult = z.infer<typeof articleResultSchema>;

export const modelSummarySchema = z.object({
  articles: count,
  /** Articles not written (the model under test failed them). */
  failed: count,
  /** Written, but the judge could not score them (absent in reports from before it was counted). */
  unjudged: count.optional(),
  /** Micro-averaged over all articles: every statement, citation and claim weighs the same. */
  citationRecall: share,
  citationPrecision: share,
  claimSupport: share,
  unsupportedClaimsPerArticle: z.number().min(0).nullable(),
  seoScore: z.number().min(0).max(100).nullable(),
  fleschReadingEase: z.number().min(-1000).max(1000).nullable(),
  wallSeconds: z.number().min(0).nullable(),
  inputTokens: count,
  outputTokens: count,
  /** null when some call of the model had no known price. */
  costUsd: z.number().min(0).nullable(),
  costPerArticleUsd: z.number().min(0).nullable(),
});
export type ModelSummary = z.infer<typeof modelSummarySchema>;

export const modelResultSchema = z.object({
  model: label,
  summary: modelSummarySchema,
  articles: z.array(articleResultSchema).max(200),
});

export const evalReportSchema = z.object({
  startedAt: z.iso.datetime({ offset: true }),
  finishedAt: z.iso.datetime({ offset: true }),
  judge: label,
  cases: z.array(label).max(200),
  models: z.array(modelResultSchema).min(1).max(20),
  /** Stopped before every brief was run (Ctrl-C): the models and articles it holds are what finished. */
  interrupted: z.boolean().optional(),
});
export type EvalReport = z.infer<typeof evalReportSchema>;
