// The budget guard answers from memory: a workspace it does not know yet is read before the call is
// allowed; one it read more than `ttlMs` ago is answered as known and re-read once the thread idles,
// so a call is never held behind the month's sum once the workspace is known.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Database, openDatabase } from '../../src/db/client.ts';
import { runMigrations } from '../../src/db/migrate.ts';
import { llmCalls, workspaces } from '../../src/db/schema/index.ts';
import { budgetEvents, createBudgetGuard } from '../../src/llm/budget.ts';
import { holdBudget } from '../../src/llm/hold-budget.ts';
import { parseModelId } from '../../src/llm/model-id.ts';
import { type LlmRecorder, unrecorded } from '../../src/llm/recorder.ts';
import { metricsRegistry } from '../../src/observability/metrics.ts';

describe('budget guard', () => {
  let database: Database;
  beforeAll(async () => {
    database = await openDatabase({ dataDir: 'memory://' });
    await runMigrations(database);
  });
  afterAll(() => database.close());

  const workspace = async () => {
    const [ws] = await database.db.insert(workspaces).values({ name: 'w' }).returning();
    return ws!.id;
  };
  const spend = (workspaceId: string, costUsd: number) =>
    database.db.insert(llmCalls).values({
      workspaceId,
      purposeKind: 'other',
      role: 'writer',
      provider: 'compatible',
      model: 'm',
      inputTokens: 1,
      outputTokens: 1,
      cachedInputTokens: 0,
      costUsd,
      latencyMs: 1,
      attempt: 1,
      cacheHit: false,
      outcome: 'ok',
    });

  it('reads an unknown workspace before allowing the call', async () => {
    const ws = await workspace();
    await spend(ws, 2);
    const guard = createBudgetGuard(database, { defaultBudgetUsd: 1 });
    await expect(guard.check(ws)).rejects.toMatchObject({ code: 'budget_exceeded' });
  });

  it('answers a stale entry from memory and re-reads it once the thread idles', async () => {
    const ws = await workspace();
    const guard = createBudgetGuard(database, { defaultBudgetUsd: 1, ttlMs: 50 });
    await guard.check(ws);
    // Another process spends the budget; this one learns of it from the ledger only.
    await spend(ws, 2);
    await new Promise((resolve) => setTimeout(resolve, 60));
    // Stale: allowed on what was known, not held behind the re-read it starts.
    await expect(guard.check(ws)).resolves.toBe(0);
    // The re-read lands, and a later call is refused.
    await vi.waitFor(() => expect(guard.check(ws)).rejects.toMatchObject({ code: 'budget_exceeded' }));
  });

  it('counts what running calls may cost: calls in parallel stop at the budget, not past it', async () => {
    const ws = await workspace();
    const guard = createBudgetGuard(database, { defaultBudgetUsd: 0.001 });
    const rejections = async () =>
      (await metricsRegistry.getSingleMetric('llm_budget_rejections_total')?.get())?.values[0]?.value ?? 0;
    const before = await rejections();
    const answers = await Promise.allSettled(Array.from({ length: 8 }, () => guard.check(ws, 0.0005)));
    // Refused for the calls running, with nothing spent yet: counted as refusals all the same.
    expect((await rejections()) - before).toBe(6);
    expect(answers.filter((a) => a.status === 'fulfilled').map((a) => a.value)).toEqual([0.0005, 0.0005]);
    const refused = answers.find((a) => a.status === 'rejected');
    expect(refused?.reason).toMatchObject({
      code: 'budget_exceeded',
      message: expect.stringMatching(
        // A budget under a cent reads as itself, not "$0.00".
        /spent \$0\.00 of its \$0\.001 monthly LLM budget, and calls running now may spend the rest/,
      ),
    });
    // A call that ends gives its hold back and counts its real cost instead.
    guard.spent(ws, 0.0001);
    guard.release(ws, 0.0005);
    await expect(guard.check(ws, 0.0005)).resolves.toBe(0.0005);
    await expect(guard.check(ws, 0.0005)).rejects.toMatchObject({
      code: 'budget_exceeded',
      message: expect.stringContaining('spent $0.0001 of its $0.001 monthly LLM budget'),
    });
    // Without a budget nothing is held.
    const free = createBudgetGuard(database);
    await expect(free.check(ws, 5)).resolves.toBe(0);
  });

  it('refuses a call that may reach a model without a price while there is a budget, only then', async () => {
    const ws = await workspace();
    const guard = createBudgetGuard(database, { defaultBudgetUsd: 5 });
    const refused = await guard.check(ws, 0.01, ['openai:gpt-4.1-nano']).catch((err: unknown) => err);
    expect(refused).toMatchObject({
      code: 'budget_exceeded',
      message:
        'No price is known for openai:gpt-4.1-nano, so the monthly budget cannot be enforced: set its price in Settings › Language models (0 for a free local model) or remove the budget',
      details: { unpricedModels: ['openai:gpt-4.1-nano'], budgetUsd: 5, spentUsd: 0 },
    });
    await expect(guard.check(ws, 0, ['compatible:a', 'ollama:b'])).rejects.toThrow(
      /^No price is known for compatible:a, ollama:b, so .* set their prices in Settings/,
    );
    // The refused calls hold nothing: a priced call may still take all of the budget.
    await expect(guard.check(ws, 5)).resolves.toBe(5);
    // Without a budget there is nothing to enforce: the call goes (its cost recorded as unknown).
    await expect(createBudgetGuard(database).check(ws, 0, ['openai:gpt-4.1-nano'])).resolves.toBe(0);
  });

  it('reads again at once after the budget setting changed', async () => {
    const ws = await workspace();
    const guard = createBudgetGuard(database, { defaultBudgetUsd: 1, ttlMs: 60_000 });
    await guard.check(ws);
    await spend(ws, 2);
    guard.invalidate(ws);
    await expect(guard.check(ws)).rejects.toMatchObject({ code: 'budget_exceeded' });
  });

  it("keeps a call's spend counted while a re-read that started before it was in flight", async () => {
    const ws = await workspace();
    const guard = createBudgetGuard(database, { defaultBudgetUsd: 1, ttlMs: 0 });
    await guard.check(ws);
    // Stale at once: this check starts a re-read, whose sum cannot hold a call that ends after it.
    await guard.check(ws);
    guard.spent(ws, 1.5); // counted before its ledger row is written, while the re-read runs
    await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(guard.check(ws)).rejects.toMatchObject({ code: 'budget_exceeded' });
    // The same after the budget setting changed: its fresh read does not forget the call either.
    guard.invalidate(ws);
    await expect(guard.check(ws)).rejects.toMatchObject({ code: 'budget_exceeded' });
  });

  it("reports each workspace's share of its budget as of its last check", async () => {
    const [a, b] = [await workspace(), await workspace()];
    await spend(a, 0.25);
    const guard = createBudgetGuard(database, { defaultBudgetUsd: 1 });
    const share = async (ws: string) =>
      (await metricsRegistry.getSingleMetric('llm_budget_used_ratio')?.get())?.values.find(
        (v) => v.labels.workspace === ws,
      )?.value;
    await guard.check(a);
    await guard.check(b);
    expect(await share(a)).toBe(0.25);
    expect(await share(b)).toBe(0);
    guard.spent(a, 0.25);
    await guard.check(a);
    guard.spent(a, 0.125);
    await guard.check(a);
    expect(await share(a)).toBe(0.625);
    // A budget removed: no share any more (it went on raising the alert), not its last value.
    const unbudgeted = createBudgetGuard(database);
    await unbudgeted.check(a);
    expect(await share(a)).toBeUndefined();
    // A workspace not checked for an hour has no series either.
    vi.useFakeTimers({ now: Date.now() + 61 * 60 * 1000, toFake: ['Date'] });
    try {
      expect(await share(b)).toBeUndefined();
    } finally {
      vi.useRealTimers();
    }
  });

  it('writes the 80 % warning once, however many calls and processes check at once', async () => {
    const ws = await workspace();
    await spend(ws, 0.85);
    const warned: unknown[] = [];
    const onWarning = (w: { workspaceId: string }) => w.workspaceId === ws && warned.push(w);
    budgetEvents.on('warning', onWarning);
    try {
      // Three processes' guards, three calls each (parallel sections), all at once.
      const guards = [1, 2, 3].map(() => createBudgetGuard(database, { defaultBudgetUsd: 1 }));
      await Promise.all(guards.flatMap((guard) => [1, 2, 3].map(() => guard.check(ws))));
      const { rows } = await database.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM audit_log WHERE workspace_id = $1 AND action = 'budget.warning'`,
        [ws],
      );
      expect(rows[0]!.n).toBe(1);
      expect(warned).toHaveLength(1);
    } finally {
      budgetEvents.off('warning', onWarning);
    }
  });
});

describe("a call's hold on the budget", () => {
  const usage = { inputTokens: 1000, outputTokens: 1000, cachedInputTokens: 0 };
  const checks: Array<{ holdUsd: number | undefined; unpriced: readonly string[] | undefined }> = [];
  const recorder: LlmRecorder = {
    ...unrecorded,
    cost: (_provider, model) => (model.startsWith('priced') ? 0.25 : null),
    checkBudget: async (_ws, holdUsd, unpriced) => {
      checks.push({ holdUsd, unpriced });
      return holdUsd ?? 0;
    },
  };
  const chain = (...ids: string[]) => ids.map(parseModelId);

  it("names each model of the chain without a price (a fallback's too) and holds the first's cost", async () => {
    checks.length = 0;
    await holdBudget(recorder, 'ws', chain('compatible:priced-a', 'ollama:local'), undefined, usage);
    await holdBudget(recorder, 'ws', chain('openai:new-model', 'compatible:priced-b'), undefined, usage);
    await holdBudget(recorder, 'ws', chain('compatible:priced-a', 'compatible:priced-b'), undefined, usage);
    expect(checks).toEqual([
      { holdUsd: 0.25, unpriced: ['ollama:local'] },
      { holdUsd: 0, unpriced: ['openai:new-model'] },
      { holdUsd: 0.25, unpriced: undefined },
    ]);
  });
});
