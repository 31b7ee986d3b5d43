// The lifecycles of an article (its run's, its editorial one) and of its pipeline steps: a leaf module, so the database schema,
// the stores and the API schemas share them without importing each other.
export const articleStatuses = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;
export type ArticleStatus = (typeof articleStatuses)[number];

/** An article in these states has a run ahead of it or under way: it can be cancelled, not edited. */
export const activeArticleStatuses = ['queued', 'running'] as const satisfies readonly ArticleStatus[];
export const isActive = (status: ArticleStatus | string) =>
  (activeArticleStatuses as readonly string[]).includes(status);

/**
 * Where the writer is with the article, apart from its run: drafted, in review, scheduled for a
 * date (`scheduled_for`), published. Set by hand, or by publishing to a site (src/publishing/).
 */
export const editorialStatuses = ['draft', 'review', 'scheduled', 'published'] as const;
export type EditorialStatus = (typeof editorialStatuses)[number];

export const stepStatuses = ['pending', 'running', 'completed', 'failed', 'skipped'] as const;
export type StepStatus = (typeof stepStatuses)[number];

/** A step in these states has its output stored: a run started again returns it without work. */
export const finishedStepStatuses = ['completed', 'skipped'] as const satisfies readonly StepStatus[];
export const isFinished = (status: StepStatus | string | null | undefined) =>
  (finishedStepStatuses as readonly (string | null | undefined)[]).includes(status);
