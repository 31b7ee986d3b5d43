// The ledger keeps a row per call for LLM_LEDGER_DETAIL_DAYS and compacts older hours to a row per
// kind of call: on both databases every sum read from the ledger (usage by day, model, provider and
// purpose; an article's spend; the estimate's past articles; the month's spend) is the same after as
// before, rows within the detail days are left as written, a second compaction changes nothing, and
// a process that works jobs compacts as soon as it starts. A database migrated from before 0017
// starts compacting at its oldest row.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.ts';
import { runMigrations } from '../../src/db/migrate.ts';
import { llmCalls, llmLedgerCompaction, workspaces } from '../../src/db/schema/index.ts';
import { compactLedger } from '../../src/llm/ledger-compaction.ts';
import { monthSpend, purposeSpend, usageGroupings, usageSummary } from '../../src/llm/ledger-store.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { backends, createTestDatabase } from '../support/database.ts';
import { migrateUpTo } from '../support/migrations-before.ts';

const hour = 3600_000;
const day = 24 * hour;
const at = (ms: number) => new Date(ms);

type Row = typeof llmCalls.$inferInsert;
const call = (over: Partial<Row> & Pick<Row, 'createdAt'>): Row => ({
  purposeKind: 'article',
  purposeId: 'article-1',
  purposeStep: 'draft',
  role: 'writer',
  provider: 'compatible',
  model: 'm',
  inputTokens: 100,
  outputTokens: 50,
  cachedInputTokens: 10,
  reasoningTokens: 5,
  costUsd: 0.001,
  latencyMs: 200,
  ttftMs: 20,
  attempt: 1,
  cacheHit: false,
  outcome: 'ok',
  ...over,
});
const times = (n: number, row: Row) => Array.from({ length: n }, () => row);

describe.each(backends)('LLM ledger compaction (%s)', (backend) => {
  let t: TestApp;
  let a: string;
  let b: string;
  const now = Date.now();
  // Three days ago, at the start of an hour (with minutes into it for the rows).
  const old = Math.floor((now - 3 * day) / hour) * hour;

  beforeAll(async () => {
    t = await createTestApp(backend, { LLM_LEDGER_DETAIL_DAYS: '2' });
    const made = await t.runtime.database.db
      .insert(workspaces)
      .values([{ name: 'a' }, { name: 'b' }])
      .returning();
    [a, b] = made.map((w) => w.id) as [string, string];
  }, 60_000);
  afterAll(async () => t.close());

  const database = () => t.runtime.database;
  const rowCount = async () => (await database().db.select({ id: llmCalls.id }).from(llmCalls)).length;
  const mark = async () => (await database().db.select().from(llmLedgerCompaction))[0]?.compactedBefore;

  /** Everything the product reads from the ledger, for both workspaces. */
  async function sums() {
    const range = { from: at(now - 30 * day), to: at(now + hour) };
    const usage = [];
    for (const ws of [a, b])
      for (const groupBy of usageGroupings)
        usage.push(await usageSummary(database(), ws, { ...range, groupBy }));
    const { rows: perArticleRole } = await database().query(
      `SELECT purpose_id, role, sum(input_tokens)::int AS input, sum(output_tokens)::int AS output,
         sum(latency_ms)::int AS latency FROM llm_calls
       WHERE purpose_kind = 'article' AND outcome = 'ok' AND NOT cache_hit
       GROUP BY 1, 2 ORDER BY 1, 2`,
    );
    return {
      usage,
      perArticleRole,
      article: await purposeSpend(database(), 'article-1'),
      months: [await monthSpend(database(), a, at(old)), await monthSpend(database(), a, at(now))],
    };
  }

  it('folds each past hour into a row per kind of call, every sum unchanged', async () => {
    const m = (minutes: number) => at(old + minutes * 60_000);
    const embed = {
      purposeKind: 'embedding',
      purposeId: null,
      purposeStep: null,
      role: 'embedding',
    } as const;
    await database()
      .db.insert(llmCalls)
      .values([
        // Workspace a, three days ago: an article's draft calls (4 → 1), one with an unknown price
        // (its own row), a failed attempt (its own row), a cache hit (its own row).
        ...times(4, call({ workspaceId: a, createdAt: m(5) })),
        call({ workspaceId: a, createdAt: m(6), costUsd: null }),
        call({ workspaceId: a, createdAt: m(7), outcome: 'error', errorCode: 'timeout', outputTokens: 0 }),
        call({ workspaceId: a, createdAt: m(8), cacheHit: true, costUsd: 0 }),
        // Searches' embeddings, two members (2 + 3 → 2), and one estimated usage (its own row).
        ...times(3, call({ ...embed, workspaceId: a, userId: a, createdAt: m(10), costUsd: 0.00001 })),
        ...times(2, call({ ...embed, workspaceId: a, userId: b, createdAt: m(11), costUsd: 0.00001 })),
        call({
          ...embed,
          workspaceId: a,
          userId: a,
          createdAt: m(12),
          usageEstimated: true,
          costUsd: 0.00001,
        }),
        // The next hour: its own rows (3 → 1).
        ...times(3, call({ ...embed, workspaceId: a, userId: a, createdAt: m(70), costUsd: 0.00001 })),
        // Workspace b and no workspace at all (2 → 1 each).
        ...times(2, call({ workspaceId: b, purposeId: 'article-2', createdAt: m(20) })),
        ...times(2, call({ ...embed, createdAt: m(30) })),
        // Within the detail days: left as written.
        ...times(3, call({ workspaceId: a, createdAt: at(now - day) })),
      ]);
    await database()
      .db.update(llmLedgerCompaction)
      .set({ compactedBefore: at(old - 2 * hour) });
    expect(await rowCount()).toBe(23);
    const before = await sums();

    expect(await compactLedger(database(), 2, { now })).toBe(23 - 13);
    expect(await rowCount()).toBe(13);
    expect(await sums()).toEqual(before);
    // Compacted rows count their calls; the recent ones are one call each, as written.
    const { rows } = await database().query<{ calls: number; ttft: number | null; recent: boolean }>(
      `SELECT calls, ttft_ms AS ttft, created_at > $1 AS recent FROM llm_calls ORDER BY created_at`,
      [at(now - 2 * day)],
    );
    expect(rows.filter((r) => r.recent).map((r) => r.calls)).toEqual([1, 1, 1]);
    expect(rows.reduce((s, r) => s + r.calls, 0)).toBe(23);
    expect(rows.find((r) => r.calls === 4)?.ttft).toBeNull();
    // The mark is the start of the hour that ends before the detail days.
    expect((await mark())?.getTime()).toBe(Math.floor((now - 2 * day) / hour) * hour);

    expect(await compactLedger(database(), 2, { now })).toBe(0);
    expect(await rowCount()).toBe(13);
  });

  it('takes the hours in turn when two processes compact at once', async () => {
    const later = now + 5 * hour;
    await database()
      .db.insert(llmCalls)
      .values(
        times(6, call({ workspaceId: b, purposeId: 'article-3', createdAt: at(later - 2 * day - 2 * hour) })),
      );
    const before = await sums();
    const removed = await Promise.all([
      compactLedger(database(), 2, { now: later }),
      compactLedger(database(), 2, { now: later }),
    ]);
    expect(removed[0] + removed[1]).toBe(5);
    expect(await sums()).toEqual(before);
    expect((await mark())?.getTime()).toBe(Math.floor((later - 2 * day) / hour) * hour);
  });

  it('compacts as soon as a process that works jobs starts', async () => {
    await database()
      .db.update(llmLedgerCompaction)
      .set({ compactedBefore: at(old - day) });
    await database()
      .db.insert(llmCalls)
      .values(times(4, call({ workspaceId: a, purposeId: 'article-4', createdAt: at(old - day + hour) })));
    const rows = await rowCount();
    await t.runtime.queue.start({ work: true });
    await expect.poll(rowCount, { timeout: 10_000 }).toBe(rows - 3);
  });
});

describe.each(backends)('LLM ledger compaction at shutdown (%s)', (backend) => {
  it('ends at the hour it is in when the process stops, before the database closes', async () => {
    const t = await createTestApp(backend, { LLM_LEDGER_DETAIL_DAYS: '2' });
    try {
      // Half a year of hours to go through: it is still at it when the process stops.
      const start = Math.floor((Date.now() - 180 * day) / hour) * hour;
      await t.runtime.database.db.update(llmLedgerCompaction).set({ compactedBefore: at(start) });
      await t.runtime.queue.start({ work: true });
      const mark = async () =>
        (await t.runtime.database.db.select().from(llmLedgerCompaction))[0]!.compactedBefore.getTime();
      await expect.poll(mark, { timeout: 10_000 }).toBeGreaterThan(start);
      await t.runtime.queue.stop();
      const stoppedAt = await mark();
      expect(stoppedAt).toBeLessThan(Math.floor((Date.now() - 2 * day) / hour) * hour);
      await new Promise((r) => setTimeout(r, 300));
      expect(await mark()).toBe(stoppedAt);
    } finally {
      await t.close();
    }
  });
});

describe.each(backends)('migration 0017: where compaction starts (%s)', (backend) => {
  it('at the hour of the oldest ledger row', async () => {
    const created = await createTestDatabase(backend);
    const database = await openDatabase({ url: created.url, dataDir: created.dataDir });
    try {
      await migrateUpTo(database, '0017_ledger_compaction');
      // Three rows in one hour, minutes into it (a time of day near the hour's end would split them).
      const oldest = Math.floor((Date.now() - 40 * day) / hour) * hour + 5 * 60_000;
      await database.query(
        `INSERT INTO llm_calls (purpose_kind, role, provider, model, input_tokens, output_tokens,
           cached_input_tokens, latency_ms, attempt, cache_hit, outcome, created_at)
         SELECT 'other', 'writer', 'p', 'm', 1, 1, 0, 1, 1, false, 'ok', $1::timestamptz + i * interval '1 minute'
         FROM generate_series(0, 2) AS i`,
        [new Date(oldest)],
      );
      await runMigrations(database);
      const [row] = await database.db.select().from(llmLedgerCompaction);
      expect(row?.compactedBefore.getTime()).toBe(Math.floor(oldest / hour) * hour);
      expect(await compactLedger(database, 2)).toBe(2);
    } finally {
      await database.close();
      await created.drop();
    }
  });
});
