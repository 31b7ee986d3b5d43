// With Redis, what running calls hold on a workspace's budget is shared by every process: each
// worker process held only its own calls and saw the others' only once their ledger rows landed,
// so N workers spent N× the budget at once ($1.00 budget, $0.60 calls: two processes let $2.40 run).
// A crashed process's holds lapse with their lease; a live one's are renewed while its calls run.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../src/db/client.ts';
import { runMigrations } from '../../src/db/migrate.ts';
import { workspaces } from '../../src/db/schema/index.ts';
import { createBudgetGuard } from '../../src/llm/budget.ts';
import { redisUrl } from '../support/database.ts';
import { freePort } from '../support/processes.ts';

describe('budget holds shared over Redis', () => {
  let database: Database;
  const connections: Redis[] = [];
  const holdKeyPrefix = `test:budget-held:${randomBytes(4).toString('hex')}:`;
  beforeAll(async () => {
    database = await openDatabase({ dataDir: 'memory://' });
    await runMigrations(database);
  });
  afterAll(async () => {
    for (const c of connections) c.disconnect();
    await database.close();
  });

  const workspace = async () => {
    const [ws] = await database.db.insert(workspaces).values({ name: 'w' }).returning();
    return ws!.id;
  };
  /** A worker process's guard: its own Redis connection, the one database. */
  const worker = (opts: { holdLeaseMs?: number } = {}) => {
    const redis = new Redis(redisUrl);
    connections.push(redis);
    return {
      redis,
      guard: createBudgetGuard(database, { defaultBudgetUsd: 1, redis, holdKeyPrefix, ...opts }),
    };
  };
  const attempt = (guard: ReturnType<typeof worker>['guard'], ws: string) =>
    guard.check(ws, 0.6).catch((err: { code?: string }) => err.code);

  it('a second process refuses while the first one’s calls hold the budget, and allows once they end', async () => {
    const ws = await workspace();
    const a = worker();
    const b = worker();
    // The call that crosses the budget goes through, as in one process.
    expect([await attempt(a.guard, ws), await attempt(a.guard, ws), await attempt(a.guard, ws)]).toEqual([
      0.6,
      0.6,
      'budget_exceeded',
    ]);
    await expect(b.guard.check(ws, 0.6)).rejects.toMatchObject({
      code: 'budget_exceeded',
      message: expect.stringMatching(/calls running now may spend the rest/),
    });
    // One of A's calls ends: B's call may cross the budget, and then nobody's may.
    a.guard.release(ws, 0.6);
    expect(await attempt(b.guard, ws)).toBe(0.6);
    expect(await attempt(a.guard, ws)).toBe('budget_exceeded');
    expect(await attempt(b.guard, ws)).toBe('budget_exceeded');
  });

  it('renews a running call’s hold, and a crashed process’s hold lapses with its lease', async () => {
    const ws = await workspace();
    const a = worker({ holdLeaseMs: 300 });
    const b = worker({ holdLeaseMs: 300 });
    await a.guard.check(ws, 1.2);
    // Past two leases: still held, renewed by its process.
    await new Promise((r) => setTimeout(r, 800));
    expect(await attempt(b.guard, ws)).toBe('budget_exceeded');
    // The process dies: nothing renews its hold, and nothing gives it back.
    a.redis.disconnect();
    await new Promise((r) => setTimeout(r, 500));
    expect(await attempt(b.guard, ws)).toBe(0.6);
  });

  it('holds in the process when Redis fails, rather than failing or freeing the calls', async () => {
    const ws = await workspace();
    const down = new Redis(`redis://127.0.0.1:${await freePort()}`, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
    });
    down.on('error', () => {});
    connections.push(down);
    const guard = createBudgetGuard(database, { defaultBudgetUsd: 1, redis: down, holdKeyPrefix });
    expect([await attempt(guard, ws), await attempt(guard, ws), await attempt(guard, ws)]).toEqual([
      0.6,
      0.6,
      'budget_exceeded',
    ]);
    guard.release(ws, 0.6);
    guard.release(ws, 0.6);
    expect(await attempt(guard, ws)).toBe(0.6);
  });
});
