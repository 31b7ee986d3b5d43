// What the API reads of an article's steps: each step's state and spend (with the article), and one
// step with its stored input and output.
import { and, eq } from 'drizzle-orm';
import { inWorkspace } from '../accounts/scope.ts';
import type { Database } from '../db/client.ts';
import { articleSteps, articles } from '../db/schema/articles.ts';
import { AppError } from '../errors.ts';
import { type OutputRung, outputRungs } from '../llm/types.ts';
import type { StepView } from './types.ts';

const stepViewColumns = {
  name: articleSteps.name,
  status: articleSteps.status,
  attempts: articleSteps.attempts,
  error: articleSteps.error,
  inputTokens: articleSteps.inputTokens,
  outputTokens: articleSteps.outputTokens,
  costUsd: articleSteps.costUsd,
  usageEstimated: articleSteps.usageEstimated,
  outputRungs: articleSteps.outputRungs,
  unpricedModels: articleSteps.unpricedModels,
  startedAt: articleSteps.startedAt,
  finishedAt: articleSteps.finishedAt,
};

const isOutputRung = (rung: string): rung is OutputRung => (outputRungs as readonly string[]).includes(rung);

const stepView = ({
  outputRungs: rungs,
  ...r
}: Omit<StepView, 'outputRungs'> & { outputRungs: string[] }): StepView => ({
  ...r,
  costUsd: Number(r.costUsd),
  // A rung another version recorded, which this one does not know, is left out (it failed the view).
  outputRungs: rungs.filter(isOutputRung),
});

/**
 * The article's steps as the API shows them, in pipeline order: not their inputs and outputs (every
 * section's text, the fact check's claims — tens of kilobytes of JSON an article), which only the
 * view of one step shows (stepWithData).
 */
export async function stepViews(database: Database, articleId: string): Promise<StepView[]> {
  const rows = await database.db
    .select(stepViewColumns)
    .from(articleSteps)
    .where(eq(articleSteps.articleId, articleId))
    .orderBy(articleSteps.position, articleSteps.name);
  return rows.map(stepView);
}

/**
 * One step of the scope's article as the API shows it, with its stored input and output: one
 * statement, which reads nothing of the article but that it is there. 404 when the article is not
 * (or is another workspace's) or has no step of that name.
 */
export async function stepWithData(
  database: Database,
  scope: { workspaceId: string },
  articleId: string,
  name: string,
): Promise<StepView & { input: unknown; output: unknown }> {
  const [row] = await database.db
    .select({ step: { ...stepViewColumns, input: articleSteps.input, output: articleSteps.output } })
    .from(articles)
    .leftJoin(articleSteps, and(eq(articleSteps.articleId, articles.id), eq(articleSteps.name, name)))
    .where(inWorkspace(scope, articles, eq(articles.id, articleId)));
  if (!row) throw new AppError('not_found', `Article ${articleId} not found`);
  const { step } = row;
  if (!step) throw new AppError('not_found', `Article ${articleId} has no step "${name}"`);
  return { ...stepView(step), input: step.input, output: step.output };
}
