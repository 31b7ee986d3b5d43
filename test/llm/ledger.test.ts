// The economics end to end over real HTTP to the fake OpenAI-compatible server: ledger rows carry
// exactly the usage the server reported, /metrics agrees with the ledger, cache hits make no
// upstream request and cost nothing, and the monthly budget warns at 80 % and stops at 100 %.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createUser } from '../../src/accounts/users.ts';
import { auditLog, llmCalls } from '../../src/db/schema/index.ts';
import { budgetEvents } from '../../src/llm/budget.ts';
import { recordLlmCalls, usageSummary } from '../../src/llm/ledger-store.ts';
import { metricsRegistry } from '../../src/observability/metrics.ts';
import { startOpenAiServer } from '../fakes/openai-server.ts';
import type { FakeServer } from '../fakes/scripted-server.ts';
import { session, setupOwner } from '../support/accounts.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { backends } from '../support/database.ts';

let fake: FakeServer;
beforeAll(async () => {
  fake = await startOpenAiServer();
});
afterAll(async () => fake.close());

async function metricValue(name: string, labels: Record<string, string>) {
  const metric = await metricsRegistry.getSingleMetric(name)?.get();
  const match = metric?.values.find((v) => Object.entries(labels).every(([k, val]) => v.labels[k] === val));
  return match?.value ?? 0;
}

describe.each(backends)('LLM ledger, cache and budget (%s)', (backend) => {
  const model = `ledger-${backend}`;
  let t: TestApp;
  let workspaceId: string;
  beforeAll(async () => {
    t = await createTestApp(backend, {
      OPENAI_COMPATIBLE_BASE_URL: fake.baseUrl,
      LLM_MODEL: `compatible:${model}`,
      // $1 per 1M input tokens, $2 per 1M output tokens, $0.5 cached.
      LLM_PRICES_JSON: JSON.stringify({ [`compatible:${model}`]: { input: 1, output: 2, cachedInput: 0.5 } }),
      LLM_MONTHLY_BUDGET_USD: '0.001',
    });
    workspaceId = (await setupOwner(t.app)).body.workspace.id;
  });
  afterAll(async () => t.close());

  it('writes a ledger row with the usage the server reported and the priced cost; metrics agree', async () => {
    fake.script({ type: 'answer', text: 'Priced answer', usage: { input: 300, output: 100, cached: 100 } });
    const r = await t.runtime.llm.generateText({
      role: 'writer',
      prompt: `price me ${backend}`,
      workspaceId,
      purpose: { kind: 'article', id: 'a1', step: 'draft' },
    });
    await t.runtime.llm.flush();
    const expected = (200 * 1 + 100 * 0.5 + 100 * 2) / 1_000_000;
    expect(r.costUsd).toBeCloseTo(expected, 12);
    const rows = await t.runtime.database.db.select().from(llmCalls);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      workspaceId,
      provider: 'compatible',
      model,
      inputTokens: 300,
      outputTokens: 100,
      cachedInputTokens: 100,
      purposeKind: 'article',
      purposeId: 'a1',
      purposeStep: 'draft',
      cacheHit: false,
      outcome: 'ok',
      attempt: 1,
    });
    expect(rows[0]!.costUsd).toBeCloseTo(expected, 10);
    expect(await metricValue('llm_tokens_total', { provider: 'compatible', model, type: 'input' })).toBe(300);
    expect(await metricValue('llm_tokens_total', { provider: 'compatible', model, type: 'output' })).toBe(
      100,
    );
    expect(await metricValue('llm_api_costs_total', { provider: 'compatible', model })).toBeCloseTo(
      expected,
      12,
    );
    const summary = await usageSummary(t.runtime.database, workspaceId, {
      from: new Date(Date.now() - 3600_000),
      to: new Date(Date.now() + 3600_000),
      groupBy: 'model',
    });
    expect(summary).toEqual([
      expect.objectContaining({ key: `compatible:${model}`, calls: 1, inputTokens: 300, outputTokens: 100 }),
    ]);
    expect(summary[0]!.costUsd).toBeCloseTo(expected, 10);
  });

  it('reports usage and month spend over HTTP, to its own workspace only', async () => {
    const owner = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'owner@example.com', password: 'owner-password' },
    });
    const cookie = String(owner.headers['set-cookie']).split(';')[0]!;
    const usage = await t.app.inject({
      method: 'GET',
      url: '/api/v1/usage?groupBy=purpose',
      headers: session(cookie),
    });
    expect(usage.statusCode).toBe(200);
    expect(usage.json().items).toEqual([
      expect.objectContaining({ key: 'article:draft', calls: 1, inputTokens: 300 }),
    ]);
    const summary = await t.app.inject({
      method: 'GET',
      url: '/api/v1/usage/summary',
      headers: session(cookie),
    });
    expect(summary.json()).toMatchObject({ budgetUsd: 0.001 });
    expect(summary.json().spentUsd).toBeCloseTo((200 + 50 + 200) / 1_000_000, 10);
    const bad = await t.app.inject({
      method: 'GET',
      url: '/api/v1/usage?groupBy=colour',
      headers: session(cookie),
    });
    expect(bad.statusCode).toBe(400);
    // Someone with a workspace of their own sees none of this one's usage.
    await createUser(t.runtime.database, { email: 'other@example.com', password: 'other-password' });
    const otherLogin = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'other@example.com', password: 'other-password' },
    });
    const otherCookie = String(otherLogin.headers['set-cookie']).split(';')[0]!;
    const theirs = await t.app.inject({
      method: 'GET',
      url: '/api/v1/usage',
      headers: session(otherCookie),
    });
    expect(theirs.json().items).toEqual([]);
  });

  it('groups usage by member: an e-mail address, calls for no member, and deleted accounts', async () => {
    const ownerId = (
      await t.runtime.database.query<{ id: string }>("SELECT id FROM users WHERE email = 'owner@example.com'")
    ).rows[0]!.id;
    // A workspace of its own: these dollars in the budget's workspace would stop the budget tests
    // below as soon as the budget reads the month's spend again (it did on a loaded machine).
    const members = (
      await t.runtime.database.query<{ id: string }>(
        `INSERT INTO workspaces (name) VALUES ('members') RETURNING id`,
      )
    ).rows[0]!.id;
    const call = (userId: string | undefined, costUsd: number) => ({
      workspaceId: members,
      ...(userId ? { userId } : {}),
      purpose: { kind: 'article' as const, id: 'members', step: 'draft' },
      role: 'writer' as const,
      provider: 'compatible',
      model: 'by-member',
      inputTokens: 10,
      outputTokens: 5,
      cachedInputTokens: 0,
      costUsd,
      latencyMs: 1,
      ttftMs: null,
      attempt: 1,
      cacheHit: false,
      outcome: 'ok' as const,
    });
    const from = new Date(Date.now() - 60_000);
    await recordLlmCalls(t.runtime.database, [
      call(ownerId, 0.25),
      call(ownerId, 0.25),
      call(undefined, 0.125),
      call('00000000-0000-4000-8000-00000000dead', 1),
    ]);
    const byMember = await usageSummary(t.runtime.database, members, {
      from,
      to: new Date(Date.now() + 60_000),
      groupBy: 'user',
    });
    const cost = Object.fromEntries(byMember.map((r) => [r.key, r.costUsd]));
    expect(cost['owner@example.com']).toBe(0.5);
    expect(cost['(no member)']).toBe(0.125);
    expect(cost['(deleted account)']).toBe(1);
    expect(Object.keys(cost).sort()).toEqual(['(deleted account)', '(no member)', 'owner@example.com']);
  });

  it('serves a repeated call from the cache: no upstream request, not billed', async () => {
    const before = fake.requests.length;
    const again = await t.runtime.llm.generateText({
      role: 'writer',
      prompt: `price me ${backend}`,
      workspaceId,
      purpose: { kind: 'article', id: 'a1', step: 'draft' },
    });
    await t.runtime.llm.flush();
    expect(fake.requests.length).toBe(before);
    expect(again).toMatchObject({ text: 'Priced answer', cached: true, costUsd: 0 });
    const hits = (await t.runtime.database.db.select().from(llmCalls)).filter((r) => r.cacheHit);
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ inputTokens: 0, outputTokens: 0, costUsd: 0 });
  });

  it('holds what calls in flight may cost against the budget, and gives it back when they end', async () => {
    const other = (
      await t.runtime.database.query<{ id: string }>(
        `INSERT INTO workspaces (name) VALUES ('parallel') RETURNING id`,
      )
    ).rows[0]!.id;
    // Each call may cost its prompt and 200 output tokens: $0.0004 at $2/M output; the budget is $0.001.
    const call = (i: number) =>
      t.runtime.llm.generateText({
        role: 'writer',
        prompt: `parallel ${i}`,
        maxOutputTokens: 200,
        workspaceId: other,
        purpose: { kind: 'other' },
      });
    const slow = { type: 'answer', text: 'slow', usage: { input: 10, output: 10 }, delayMs: 300 } as const;
    // Three are answered; a fourth request would be the bug (the fake answers its default then).
    fake.script(slow, slow, slow);
    const before = fake.requests.length;
    const results = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => call(i)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    expect(results.filter((r) => r.status === 'rejected').map((r) => r.reason.code)).toEqual([
      'budget_exceeded',
      'budget_exceeded',
      'budget_exceeded',
    ]);
    expect(fake.requests.length - before).toBe(3);
    // They ended, costing far less than they held: the next call is allowed.
    fake.script({ type: 'answer', text: 'after', usage: { input: 10, output: 10 } });
    await expect(call(7)).resolves.toMatchObject({ text: 'after' });
  });

  it('warns once at 80 % of the monthly budget and stops at 100 %', async () => {
    const warnings: unknown[] = [];
    const onWarning = (w: unknown) => warnings.push(w);
    budgetEvents.on('warning', onWarning);
    try {
      // Spent so far: $0.00045 of $0.001. This call brings it to $0.00085 (85 %).
      fake.script({ type: 'answer', text: 'more', usage: { input: 200, output: 100, cached: 0 } });
      await t.runtime.llm.generateText({
        role: 'writer',
        prompt: 'second',
        workspaceId,
        purpose: { kind: 'other' },
      });
      await t.runtime.llm.flush();
      // The next call is checked against 85 %: allowed, with one warning.
      fake.script({ type: 'answer', text: 'over', usage: { input: 200, output: 100, cached: 0 } });
      await t.runtime.llm.generateText({
        role: 'writer',
        prompt: 'third',
        workspaceId,
        purpose: { kind: 'other' },
      });
      await t.runtime.llm.flush();
      expect(warnings).toHaveLength(1);
      const audits = (await t.runtime.database.db.select().from(auditLog)).filter(
        (a) => a.action === 'budget.warning',
      );
      expect(audits).toHaveLength(1);
      // Now at $0.00125 ≥ $0.001: hard stop, before any upstream request.
      const before = fake.requests.length;
      await expect(
        t.runtime.llm.generateText({
          role: 'writer',
          prompt: 'fourth',
          workspaceId,
          purpose: { kind: 'other' },
        }),
      ).rejects.toMatchObject({ code: 'budget_exceeded' });
      expect(fake.requests.length).toBe(before);
      expect(warnings).toHaveLength(1);
    } finally {
      budgetEvents.off('warning', onWarning);
    }
  });

  it("reports what the whole call was billed when an attempt before the answer's was: the ledger's total", async () => {
    const other = (
      await t.runtime.database.query<{ id: string }>(
        `INSERT INTO workspaces (name) VALUES ('repair') RETURNING id`,
      )
    ).rows[0]!.id;
    fake.script(
      { type: 'answer', text: 'not json at all', usage: { input: 400, output: 200 } },
      { type: 'answer', json: { title: 'ok' }, usage: { input: 500, output: 20 } },
    );
    const r = await t.runtime.llm.generateObject({
      role: 'writer',
      prompt: `give json ${backend}`,
      schema: z.object({ title: z.string() }),
      schemaName: 'x',
      workspaceId: other,
      purpose: { kind: 'article', id: 'repair-1', step: 'outline' },
    });
    await t.runtime.llm.flush();
    expect(r.attempts).toBe(2);
    expect(r.costUsd).toBeCloseTo((500 * 1 + 20 * 2) / 1_000_000, 12);
    const rows = await t.runtime.database.db.select().from(llmCalls).where(eq(llmCalls.workspaceId, other));
    const ledgerCost = rows.reduce((sum, row) => sum + Number(row.costUsd), 0);
    expect(r.billed).toEqual({ inputTokens: 900, outputTokens: 220, costUsd: expect.any(Number) });
    expect(r.billed?.costUsd).toBeCloseTo(ledgerCost, 10);
    expect(ledgerCost).toBeCloseTo((900 * 1 + 220 * 2) / 1_000_000, 12);
  });
});
