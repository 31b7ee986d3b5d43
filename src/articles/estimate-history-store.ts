// The measurements an estimate is made from: this workspace's latest completed articles, each with
// the tokens its model calls used per role and their summed latency (the LLM ledger, llm_calls rows
// whose purpose is the article). Cache hits, failed attempts and the article's later regenerations
// (steps named `…#rN`, which share its purpose) are left out: they say nothing about what a fresh run
// costs — four regenerations made the next estimate five times too high.
import { and, desc, eq, gte, inArray, sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { articles, llmCalls } from '../db/schema/index.ts';
import { estimateRoles, type PastArticle } from './estimate.ts';

/** Enough to see the spread between runs; recent ones reflect the models in use now. */
const maxArticles = 20;

// The brief's words when they are a length this version could have asked for; null otherwise (a brief
// another version stored in another shape: stored-article.ts), so one such article does not fail the
// estimate. Nested CASEs: the inner cast is evaluated only for a JSON number.
const words = sql<number | null>`CASE WHEN jsonb_typeof(${articles.brief}->'words') = 'number' THEN
  CASE WHEN (${articles.brief}->'words')::numeric BETWEEN 1 AND 100000
  THEN round((${articles.brief}->'words')::numeric)::int END END`;

export async function pastArticles(database: Database, workspaceId: string): Promise<PastArticle[]> {
  const done = await database.db
    .select({
      id: articles.id,
      words,
      createdAt: articles.createdAt,
    })
    .from(articles)
    .where(and(eq(articles.workspaceId, workspaceId), eq(articles.status, 'completed')))
    .orderBy(desc(articles.finishedAt))
    .limit(maxArticles);
  if (!done.length) return [];
  // An article's calls are all written after it was created: bounding the ledger rows by the
  // oldest of these articles lets the (workspace, created_at) index skip the workspace's earlier
  // months, which it otherwise read through on every estimate (0.74 s on the embedded database at
  // 500,000 earlier rows: `npm run bench -- ledger-reads`).
  const since = new Date(Math.min(...done.map((a) => a.createdAt.getTime())));
  const rows = await database.db
    .select({
      articleId: llmCalls.purposeId,
      role: llmCalls.role,
      input: sql<number>`sum(${llmCalls.inputTokens})::int`,
      output: sql<number>`sum(${llmCalls.outputTokens})::int`,
      latencyMs: sql<number>`sum(${llmCalls.latencyMs})::int`,
    })
    .from(llmCalls)
    .where(
      and(
        eq(llmCalls.workspaceId, workspaceId),
        gte(llmCalls.createdAt, since),
        eq(llmCalls.purposeKind, 'article'),
        inArray(
          llmCalls.purposeId,
          done.map((a) => a.id),
        ),
        eq(llmCalls.outcome, 'ok'),
        eq(llmCalls.cacheHit, false),
        sql`coalesce(${llmCalls.purposeStep}, '') NOT LIKE '%#r%'`,
      ),
    )
    .groupBy(llmCalls.purposeId, llmCalls.role);
  const past: PastArticle[] = [];
  for (const article of done) {
    const own = rows.filter((r) => r.articleId === article.id);
    // An article whose calls were all cached (or predate the ledger) measured nothing.
    if (!own.length || !article.words) continue;
    const tokens = Object.fromEntries(
      estimateRoles.map((role) => {
        const row = own.find((r) => r.role === role);
        return [role, { input: Number(row?.input ?? 0), output: Number(row?.output ?? 0) }];
      }),
    ) as PastArticle['tokens'];
    past.push({
      words: Number(article.words),
      tokens,
      latencyMs: own.reduce((s, r) => s + Number(r.latencyMs), 0),
    });
  }
  return past;
}
