// An embedding server that reports no usage (Gemini's API never does; some local servers neither):
// the AI SDK then says NaN tokens, which priced nothing, broke the ledger row, skipped the budget and
// made the token metrics NaN. The texts are counted instead, marked estimated, priced and budgeted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { llmCalls } from '../../src/db/schema/index.ts';
import { monthSpend } from '../../src/llm/ledger-store.ts';
import { metricsRegistry } from '../../src/observability/metrics.ts';
import { type EmbeddingServer, startEmbeddingServer } from '../fakes/embedding-server.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

describe('embeddings from a server that reports no usage', () => {
  let embedder: EmbeddingServer;
  let t: TestApp;
  let workspaceId: string;

  beforeAll(async () => {
    embedder = await startEmbeddingServer(8);
    embedder.omitUsage = true;
    t = await createTestApp('pglite', {
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: embedder.baseUrl,
      EMBEDDING_MODEL: 'openai:text-embedding-3-small',
      EMBEDDING_DIMENSIONS: '8',
      LLM_MAX_RETRIES: '0',
      // $1,000 per million tokens: two calls of ~2,000 tokens pass a $3 budget, the third does not.
      LLM_PRICES_JSON: JSON.stringify({ 'openai:text-embedding-3-small': { input: 1000, output: 0 } }),
      LLM_MONTHLY_BUDGET_USD: '3',
    });
    workspaceId = (
      await t.runtime.database.query<{ id: string }>(
        `INSERT INTO workspaces (name) VALUES ('w') RETURNING id`,
      )
    ).rows[0]!.id;
  });
  afterAll(async () => {
    await t.close();
    await embedder.close();
  });

  const embed = (i: number) =>
    t.runtime.llm.embed([`a long text to embed, number ${i}, `.repeat(200)], {
      workspaceId,
      purpose: { kind: 'embedding', step: 'ingest' },
      cache: false,
    });

  it('counts the texts, prices them, writes the ledger and stops at the budget', async () => {
    const first = await embed(0);
    expect(first.usage.inputTokens).toBeGreaterThan(1000);
    expect(first.costUsd).toBeCloseTo(first.usage.inputTokens * 0.001, 6);
    await embed(1);
    await t.runtime.llm.flush();
    const rows = await t.runtime.database.db.select().from(llmCalls);
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row.usageEstimated).toBe(true);
      expect(row.inputTokens).toBeGreaterThan(1000);
    }
    expect((await monthSpend(t.runtime.database, workspaceId)).costUsd).toBeGreaterThan(3);
    await expect(embed(2)).rejects.toMatchObject({ code: 'budget_exceeded' });
    const tokens = (await metricsRegistry.getSingleMetric('llm_tokens_total')?.get())?.values ?? [];
    for (const sample of tokens) expect(Number.isFinite(sample.value)).toBe(true);
  });
});

describe('an embedder without a price under a monthly budget', () => {
  let embedder: EmbeddingServer;
  let t: TestApp;
  let workspaceId: string;

  beforeAll(async () => {
    embedder = await startEmbeddingServer(8);
    t = await createTestApp('pglite', {
      OPENAI_COMPATIBLE_BASE_URL: embedder.baseUrl,
      EMBEDDING_MODEL: 'compatible:house-embedder',
      EMBEDDING_DIMENSIONS: '8',
      LLM_MAX_RETRIES: '0',
      LLM_MONTHLY_BUDGET_USD: '3',
    });
    workspaceId = (
      await t.runtime.database.query<{ id: string }>(
        `INSERT INTO workspaces (name) VALUES ('w') RETURNING id`,
      )
    ).rows[0]!.id;
  });
  afterAll(async () => {
    await t.close();
    await embedder.close();
  });

  it('still embeds (documents are not stranded, search keeps its vectors), its cost unknown', async () => {
    const result = await t.runtime.llm.embed(['a text to embed'], {
      workspaceId,
      purpose: { kind: 'embedding', step: 'ingest' },
      cache: false,
    });
    expect(result.embeddings[0]).toHaveLength(8);
    expect(result.costUsd).toBeNull();
  });
});
