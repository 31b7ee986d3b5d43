// The history an estimate is made from is what each past article's own run used: its later section
// regenerations (steps `…#rN`, billed under the same article) are not part of what a new one costs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pastArticles } from '../../src/articles/estimate-history-store.ts';
import type { Database } from '../../src/db/client.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

describe('estimate history', () => {
  let t: TestApp;
  let database: Database;
  beforeAll(async () => {
    t = await createTestApp('pglite');
    database = t.runtime.database;
  });
  afterAll(async () => t.close());

  it("counts an article's own run, not its regenerations", async () => {
    const ws = (
      await database.query<{ id: string }>(`INSERT INTO workspaces (name) VALUES ('e') RETURNING id`)
    ).rows[0]!.id;
    const article = (
      await database.query<{ id: string }>(
        `INSERT INTO articles (workspace_id, brief, topic, status, finished_at)
         VALUES ($1, '{"words":1000}', 't', 'completed', now()) RETURNING id`,
        [ws],
      )
    ).rows[0]!.id;
    const call = (step: string | null, tokens: number) =>
      database.query(
        `INSERT INTO llm_calls (workspace_id, purpose_kind, purpose_id, purpose_step, role, provider, model,
           input_tokens, output_tokens, cached_input_tokens, cost_usd, latency_ms, attempt, cache_hit, outcome)
         VALUES ($1, 'article', $2, $3, 'writer', 'openai', 'gpt-4o', $4, $4, 0, 0.01, 1000, 1, false, 'ok')`,
        [ws, article, step, tokens],
      );
    await call('section:0', 1000);
    await call(null, 10);
    for (let i = 1; i <= 4; i++) await call(`section:0#r${i}`, 1000);
    const [past] = await pastArticles(database, ws);
    expect(past?.tokens.writer).toEqual({ input: 1010, output: 1010 });
  });
});
