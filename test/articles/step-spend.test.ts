// A model call's spend is metered on its step; the live cost event only while the run still holds
// the article, so a superseded run's late call adds no event after the other run's `done`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meterSpend, startStep } from '../../src/articles/step-store.ts';
import { type Database, openDatabase } from '../../src/db/client.ts';
import { runMigrations } from '../../src/db/migrate.ts';

let database: Database;
let articleId: string;

beforeAll(async () => {
  database = await openDatabase({ dataDir: 'memory://' });
  await runMigrations(database);
  const { rows: ws } = await database.query<{ id: string }>(
    `INSERT INTO workspaces (name) VALUES ('w') RETURNING id`,
  );
  const { rows } = await database.query<{ id: string }>(
    `INSERT INTO articles (workspace_id, brief, topic, status, lease_owner, lease_expires_at)
     VALUES ($1, '{}', 'spend', 'running', 'worker-a', now() + interval '1 minute') RETURNING id`,
    [ws[0]!.id],
  );
  articleId = rows[0]!.id;
  await startStep(database, { articleId, name: 'seo', position: 1, input: null, startedAt: new Date() });
});
afterAll(() => database.close());

const spend = { inputTokens: 100, outputTokens: 20, costUsd: 0.5, estimated: false, rung: null };
const costEvents = async () =>
  (await database.query(`SELECT id FROM article_events WHERE article_id = $1 AND type = 'cost'`, [articleId]))
    .rows.length;
const stepSpend = async () =>
  (
    await database.query<{ input_tokens: number; cost_usd: string }>(
      `SELECT input_tokens, cost_usd FROM article_steps WHERE article_id = $1 AND name = 'seo'`,
      [articleId],
    )
  ).rows[0]!;

describe('meterSpend', () => {
  it('writes the cost event for the run that holds the article', async () => {
    await meterSpend(database, { articleId, name: 'seo', leaseOwner: 'worker-a' }, spend, { costUsd: 0.5 });
    expect(await costEvents()).toBe(1);
    expect(await stepSpend()).toEqual({ input_tokens: 100, cost_usd: '0.50000000' });
  });

  it("counts a superseded run's spend but writes no event for it", async () => {
    await meterSpend(database, { articleId, name: 'seo', leaseOwner: 'worker-b' }, spend, { costUsd: 1 });
    expect(await costEvents()).toBe(1);
    expect(await stepSpend()).toEqual({ input_tokens: 200, cost_usd: '1.00000000' });
  });

  it('writes no event once the run is over and the lease released', async () => {
    await database.query(`UPDATE articles SET status = 'completed', lease_owner = NULL WHERE id = $1`, [
      articleId,
    ]);
    await meterSpend(database, { articleId, name: 'seo', leaseOwner: 'worker-a' }, spend, { costUsd: 1.5 });
    expect(await costEvents()).toBe(1);
  });
});
