// One schema for PGlite and PostgreSQL. Each domain keeps its tables in its own file here;
// this index is what Drizzle (queries and drizzle-kit migrations) sees.
export * from './accounts.ts';
export * from './articles.ts';
export * from './eval.ts';
export * from './knowledge.ts';
export * from './llm.ts';
export * from './llm-settings.ts';
export * from './publishing.ts';
export * from './storage.ts';
export * from './webhooks.ts';
