// What a run writes to its article row — the outline, the text and its HTML, the checks, a
// regeneration's result or proposal, a failed run's partial draft — goes through here, so that none
// of it lands once the run has lost the article (updateRunArticle): it stops as a superseded run does.
import { type ArticleFields, updateRunArticle } from './article-store.ts';
import { type RunContext, RunSupersededError } from './steps.ts';

export async function saveRunArticle(
  ctx: Pick<RunContext, 'database' | 'article' | 'leaseOwner' | 'signal'>,
  what: string,
  fields: ArticleFields,
): Promise<void> {
  if (!(await updateRunArticle(ctx.database, ctx.article.id, ctx.leaseOwner, fields)))
    throw ctx.signal.reason ?? new RunSupersededError(what);
}
