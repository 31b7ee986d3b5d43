// Ledger rows are batched (group commit): many rows, few INSERTs, none lost — and one bad row
// (its workspace gone) costs only itself.
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Database, openDatabase } from '../../src/db/client.ts';
import { runMigrations } from '../../src/db/migrate.ts';
import { llmCalls } from '../../src/db/schema/index.ts';
import type { LlmCallRecord } from '../../src/llm/ledger-store.ts';
import { createLedgerWriter } from '../../src/llm/ledger-writer.ts';

const row = (i: number, extra: Partial<LlmCallRecord> = {}): LlmCallRecord => ({
  purpose: { kind: 'other' },
  role: 'writer',
  provider: 'compatible',
  model: `m${i}`,
  inputTokens: i,
  outputTokens: 1,
  cachedInputTokens: 0,
  costUsd: null,
  latencyMs: 1,
  ttftMs: null,
  attempt: 1,
  cacheHit: false,
  outcome: 'ok',
  ...extra,
});

describe('LLM ledger writer', () => {
  let database: Database;
  beforeAll(async () => {
    database = await openDatabase({ dataDir: 'memory://' });
    await runMigrations(database);
  });
  afterAll(async () => database.close());

  it('writes 500 rows added at once in a handful of INSERTs, all of them', async () => {
    await database.db.delete(llmCalls);
    const insert = vi.spyOn(database.db, 'insert');
    const writer = createLedgerWriter(database, pino({ level: 'silent' }));
    for (let i = 0; i < 500; i++) writer.add(row(i));
    await writer.flush();
    expect(insert.mock.calls.length).toBeLessThanOrEqual(5);
    insert.mockRestore();
    const stored = await database.db.select().from(llmCalls);
    expect(stored).toHaveLength(500);
    expect(new Set(stored.map((r) => r.inputTokens)).size).toBe(500);
  });

  it('writes rows by itself shortly after they arrive, without a flush', async () => {
    await database.db.delete(llmCalls);
    const writer = createLedgerWriter(database, pino({ level: 'silent' }), { maxDelayMs: 10 });
    writer.add(row(1));
    writer.add(row(2));
    const deadline = Date.now() + 10_000;
    let count = 0;
    while (Date.now() < deadline) {
      count = (await database.db.select().from(llmCalls)).length;
      if (count === 2) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(count).toBe(2);
  });

  it('keeps the good rows of a batch that holds a row the database refuses', async () => {
    await database.db.delete(llmCalls);
    const errors: unknown[] = [];
    const logger = pino({ level: 'error' }, { write: (line: string) => errors.push(line) });
    const writer = createLedgerWriter(database, logger);
    writer.add(row(1));
    writer.add(row(2, { workspaceId: randomUUID() })); // no such workspace: foreign key violation
    writer.add(row(3));
    await writer.flush();
    const stored = await database.db.select().from(llmCalls);
    expect(stored.map((r) => r.inputTokens).sort()).toEqual([1, 3]);
    expect(errors).toHaveLength(1);
  });
});
