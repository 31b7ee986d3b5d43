// An article's lifecycle: a leaf module, so the database schema and the API schemas share it
// without importing each other.
export const articleStatuses = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;
export type ArticleStatus = (typeof articleStatuses)[number];
