// Ledger rows are batched (group commit): many rows, few statements, none lost — and one bad row
// (its workspace gone) costs only itself. On both databases: each writes a batch its own way
// (COPY on the embedded one, one JSON parameter on PostgreSQL).
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Database, openDatabase } from '../../src/db/client.ts';
import { runMigrations } from '../../src/db/migrate.ts';
import { llmCalls } from '../../src/db/schema/index.ts';
import type { LlmCallRecord } from '../../src/llm/ledger-store.ts';
import { createLedgerWriter } from '../../src/llm/ledger-writer.ts';
import { backends, createTestDatabase, type TestDatabase } from '../support/database.ts';

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

describe.each(backends)('LLM ledger writer (%s)', (backend) => {
  let database: Database;
  let scratch: TestDatabase;
  beforeAll(async () => {
    scratch = await createTestDatabase(backend);
    database = await openDatabase(scratch.url ? { url: scratch.url } : { dataDir: scratch.dataDir });
    await runMigrations(database);
  });
  afterAll(async () => {
    await database.close();
    await scratch.drop();
  });

  /** Every statement the ledger can send, whichever way the backend writes a batch. */
  const spyStatements = () => {
    const spies = [
      vi.spyOn(database, 'query'),
      vi.spyOn(database.db, 'insert'),
      ...(database.pglite ? [vi.spyOn(database.pglite, 'query')] : []),
    ];
    return {
      count: () => spies.reduce((n, s) => n + s.mock.calls.length, 0),
      restore: () => {
        for (const s of spies) s.mockRestore();
      },
    };
  };

  it('writes 500 rows added at once in a handful of statements, all of them, every field intact', async () => {
    await database.db.delete(llmCalls);
    const statements = spyStatements();
    const writer = createLedgerWriter(database, pino({ level: 'silent' }));
    for (let i = 0; i < 500; i++)
      writer.add(
        row(i, {
          costUsd: i % 2 ? 0.0000054 * i : null,
          ttftMs: i % 3 ? i : null,
          purpose: { kind: 'article', id: `a${i}`, step: 'section "1", part\n2' },
          ...(i % 5 === 0 && { usageEstimated: true, reasoningTokens: 2, errorCode: 'rate_limited' }),
        }),
      );
    await writer.flush();
    expect(statements.count()).toBeGreaterThan(0);
    expect(statements.count()).toBeLessThanOrEqual(5);
    statements.restore();
    const stored = await database.db.select().from(llmCalls);
    expect(stored).toHaveLength(500);
    expect(new Set(stored.map((r) => r.inputTokens)).size).toBe(500);
    const r7 = stored.find((r) => r.inputTokens === 7)!;
    expect(r7).toMatchObject({ costUsd: 0.0000378, ttftMs: 7, purposeId: 'a7', errorCode: null });
    expect(r7.purposeStep).toBe('section "1", part\n2');
    const r10 = stored.find((r) => r.inputTokens === 10)!;
    expect(r10).toMatchObject({
      costUsd: null,
      usageEstimated: true,
      reasoningTokens: 2,
      errorCode: 'rate_limited',
    });
    expect(r10.createdAt).toBeInstanceOf(Date);
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

  it('writes a steady stream of rows in one statement per interval, not one per short delay', async () => {
    await database.db.delete(llmCalls);
    const statements = spyStatements();
    const writer = createLedgerWriter(database, pino({ level: 'silent' }), {
      maxDelayMs: 5,
      minIntervalMs: 200,
    });
    // 60 rows 10 ms apart: a 5 ms delay alone writes each in a statement of its own.
    const started = performance.now();
    for (let i = 0; i < 60; i++) {
      writer.add(row(i));
      await new Promise((r) => setTimeout(r, 10));
    }
    const streamedMs = performance.now() - started;
    const beforeFlush = statements.count();
    await writer.flush();
    statements.restore();
    // At most one statement per 200 ms of the stream (~600 ms here; longer on a loaded machine).
    expect(beforeFlush).toBeGreaterThanOrEqual(1);
    expect(beforeFlush).toBeLessThanOrEqual(Math.ceil(streamedMs / 200) + 1);
    expect(beforeFlush).toBeLessThan(30);
    expect(await database.db.select().from(llmCalls)).toHaveLength(60);
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

  /** The next `times` batch statements fail as a lost connection does. */
  const databaseDown = (times: number) => {
    const target = database.pglite ?? database;
    const spy = vi.spyOn(target, 'query');
    for (let i = 0; i < times; i++)
      spy.mockRejectedValueOnce(new Error('Connection terminated unexpectedly'));
    return spy;
  };
  const storedCount = async (expected: number) => {
    const deadline = Date.now() + 20_000;
    let count = 0;
    while (Date.now() < deadline) {
      count = (await database.db.select().from(llmCalls)).length;
      if (count >= expected) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    return count;
  };

  it('holds the rows of a batch the database could not be reached for, and writes them when it is back', async () => {
    await database.db.delete(llmCalls);
    const logs: Array<{ msg: string }> = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => logs.push(JSON.parse(line)) });
    const writer = createLedgerWriter(database, logger, { maxDelayMs: 1, minIntervalMs: 1 });
    const spy = databaseDown(2);
    for (let i = 0; i < 3; i++) writer.add(row(i));
    // A flush during the outage returns (it cannot wait it out); the rows are not dropped.
    await writer.flush();
    await writer.flush();
    expect(await database.db.select().from(llmCalls)).toHaveLength(0);
    // The writer tries again by itself once the backoff is over.
    expect(await storedCount(3)).toBe(3);
    spy.mockRestore();
    expect(logs.map((l) => l.msg)).toContain('LLM ledger write held: database unreachable');
    expect(logs.map((l) => l.msg)).not.toContain('LLM ledger write failed');
  });

  it('stores a batch once when the connection is lost after its commit and the batch is sent again', async () => {
    await database.db.delete(llmCalls);
    const target = database.pglite ?? database;
    const original = target.query.bind(target) as (...args: unknown[]) => Promise<unknown>;
    const spy = vi.spyOn(target, 'query').mockImplementationOnce((async (...args: unknown[]) => {
      await original(...args);
      throw new Error('Connection terminated unexpectedly');
    }) as never);
    const writer = createLedgerWriter(database, pino({ level: 'silent' }), {
      maxDelayMs: 1,
      minIntervalMs: 1,
    });
    writer.add(row(1));
    writer.add(row(2));
    await writer.flush();
    await writer.flush();
    spy.mockRestore();
    const stored = await database.db.select().from(llmCalls);
    expect(stored.map((r) => r.inputTokens).sort()).toEqual([1, 2]);
  });

  it('holds at most maxHeldRows during an outage, dropping the oldest with an error', async () => {
    await database.db.delete(llmCalls);
    const logs: Array<{ msg: string; dropped?: number }> = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => logs.push(JSON.parse(line)) });
    const writer = createLedgerWriter(database, logger, { maxDelayMs: 1, minIntervalMs: 1, maxHeldRows: 2 });
    const spy = databaseDown(1);
    for (let i = 1; i <= 3; i++) writer.add(row(i));
    await writer.flush();
    await writer.flush();
    spy.mockRestore();
    const stored = await database.db.select().from(llmCalls);
    expect(stored.map((r) => r.inputTokens).sort()).toEqual([2, 3]);
    expect(logs.find((l) => l.dropped)).toMatchObject({ dropped: 1 });
  });
});
