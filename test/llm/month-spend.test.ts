// A workspace's month spend is one row kept by the ledger's trigger: it must equal the sum of the
// month's priced ledger rows however they were written (PGlite's COPY, PostgreSQL's JSON insert,
// single rows, batches racing each other), split by UTC month, gone with the workspace, and — for
// a database migrated from before the trigger — summed from the rows already there.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../src/db/client.ts';
import { runMigrations } from '../../src/db/migrate.ts';
import { workspaces } from '../../src/db/schema/index.ts';
import { type LlmCallRecord, monthSpend, recordLlmCalls } from '../../src/llm/ledger-store.ts';
import { backends } from '../support/database.ts';
import { openMigratedDatabase } from '../support/migrated-database.ts';
import { migrateUpTo } from '../support/migrations-before.ts';

const call = (workspaceId: string | undefined, costUsd: number | null): LlmCallRecord => ({
  ...(workspaceId && { workspaceId }),
  purpose: { kind: 'other' },
  role: 'writer',
  provider: 'compatible',
  model: 'm',
  inputTokens: 10,
  outputTokens: 20,
  cachedInputTokens: 0,
  costUsd,
  latencyMs: 5,
  ttftMs: null,
  attempt: 1,
  cacheHit: false,
  outcome: 'ok',
});

async function ledgerSum(database: Database, workspaceId: string, from: Date, to: Date) {
  const { rows } = await database.query<{ sum: string | null }>(
    'SELECT sum(cost_usd)::text AS sum FROM llm_calls WHERE workspace_id = $1 AND created_at >= $2 AND created_at < $3',
    [workspaceId, from, to],
  );
  return Number(rows[0]?.sum ?? 0);
}

const monthStart = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
const nextMonth = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));

describe.each(backends)('month spend kept beside the ledger (%s)', (backend) => {
  let opened: Awaited<ReturnType<typeof openMigratedDatabase>>;
  let database: Database;
  const workspace = async () => {
    const [ws] = await database.db.insert(workspaces).values({ name: 'w' }).returning();
    return ws!.id;
  };
  beforeAll(async () => {
    opened = await openMigratedDatabase(backend);
    database = opened.database;
  });
  afterAll(() => opened.close());

  it('equals the sum of the month’s priced rows, per workspace, whatever wrote them', async () => {
    const [a, b] = [await workspace(), await workspace()];
    // One batch of both workspaces with unpriced rows and a row of no workspace, then single rows.
    await recordLlmCalls(database, [
      call(a, 0.25),
      call(b, 0.125),
      call(a, null),
      call(undefined, 9),
      call(a, 0),
    ]);
    await recordLlmCalls(database, [call(b, 0.5)]);
    await recordLlmCalls(database, [call(a, 0.0000001)]);
    const now = new Date();
    for (const [ws, expected] of [
      [a, 0.2500001],
      [b, 0.625],
    ] as const) {
      const spend = await monthSpend(database, ws, now);
      expect(spend.costUsd).toBeCloseTo(expected, 10);
      expect(spend.costUsd).toBeCloseTo(await ledgerSum(database, ws, monthStart(now), nextMonth(now)), 10);
      expect(spend.from).toEqual(monthStart(now));
    }
  });

  it('adds exactly what racing batches of the same workspaces wrote, in either order', async () => {
    const [a, b, c] = [await workspace(), await workspace(), await workspace()];
    const batches = Array.from({ length: 12 }, (_, i) =>
      i % 2 === 0
        ? [call(a, 0.01), call(b, 0.02), call(c, 0.04)]
        : [call(c, 0.04), call(b, 0.02), call(a, 0.01)],
    );
    // On PostgreSQL these run on separate pooled connections at once.
    await Promise.all(batches.map((rows) => recordLlmCalls(database, rows)));
    const now = new Date();
    for (const [ws, each] of [
      [a, 0.01],
      [b, 0.02],
      [c, 0.04],
    ] as const)
      expect((await monthSpend(database, ws, now)).costUsd).toBeCloseTo(12 * each, 10);
  });

  it('counts a row in the UTC month it was written in', async () => {
    const ws = await workspace();
    const now = new Date();
    const lastMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 15));
    // The last second of last month (UTC) and this month's first: a month boundary in local time
    // elsewhere must not move either.
    const lastSecond = new Date(monthStart(now).getTime() - 1000);
    await database.query(
      `INSERT INTO llm_calls (workspace_id, purpose_kind, role, provider, model, input_tokens, output_tokens,
         cached_input_tokens, cost_usd, latency_ms, attempt, cache_hit, outcome, created_at)
       SELECT $1, 'other', 'writer', 'compatible', 'm', 1, 1, 0, cost, 1, 1, false, 'ok', at
       FROM (VALUES (0.5::numeric, $2::timestamptz), (0.25, $3::timestamptz), (2, $4::timestamptz)) AS v(cost, at)`,
      [ws, lastMonth, lastSecond, monthStart(now)],
    );
    expect((await monthSpend(database, ws, now)).costUsd).toBeCloseTo(2, 10);
    expect((await monthSpend(database, ws, lastMonth)).costUsd).toBeCloseTo(0.75, 10);
  });

  it('is gone with its workspace', async () => {
    const ws = await workspace();
    await recordLlmCalls(database, [call(ws, 1)]);
    await database.db.delete(workspaces).where(eq(workspaces.id, ws));
    const { rows } = await database.query('SELECT 1 FROM llm_spend_monthly WHERE workspace_id = $1', [ws]);
    expect(rows).toHaveLength(0);
  });
});

describe('month spend of a database migrated from before it was kept', () => {
  it('sums the ledger rows already there, and adds the rows written after', async () => {
    const database = await openDatabase({ dataDir: 'memory://' });
    try {
      await migrateUpTo(database, '0012_ledger_monthly_spend');
      const [ws] = await database.db.insert(workspaces).values({ name: 'old' }).returning();
      await recordLlmCalls(database, [call(ws!.id, 0.5), call(ws!.id, 0.25), call(ws!.id, null)]);
      await runMigrations(database);
      expect((await monthSpend(database, ws!.id)).costUsd).toBeCloseTo(0.75, 10);
      await recordLlmCalls(database, [call(ws!.id, 1)]);
      expect((await monthSpend(database, ws!.id)).costUsd).toBeCloseTo(1.75, 10);
    } finally {
      await database.close();
    }
  });
});
