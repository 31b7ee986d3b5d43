import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { type Database, openDatabase } from '../../src/db/client.ts';
import { runMigrations } from '../../src/db/migrate.ts';
import { createJobQueue, type JobQueue } from '../../src/jobs/queue.ts';
import { metricsRegistry } from '../../src/observability/metrics.ts';
import { backends, createTestDatabase, type TestDatabase } from '../support/database.ts';

const logger = pino({ level: 'silent' });
const payload = z.object({ n: z.number() });
const testJobs = {
  echo: { payload },
  flaky: { payload, retryLimit: 3, retryDelay: 1, retryBackoff: false },
  doomed: { payload, retryLimit: 1, retryDelay: 1, retryBackoff: false },
  ordered: { payload },
};

async function until<T>(probe: () => Promise<T | undefined | null | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.each(backends)('job queue (%s)', (backend) => {
  let testDb: TestDatabase;
  let database: Database;
  let queue: JobQueue<typeof testJobs, never>;
  const seen: Array<{ name: string; data: unknown; retryCount: number }> = [];
  let flakyFailures = 2;
  const order: string[] = [];

  beforeAll(async () => {
    testDb = await createTestDatabase(backend);
    database = await openDatabase({ url: testDb.url, dataDir: testDb.dataDir });
    await runMigrations(database);
    queue = createJobQueue({ database, logger, jobs: testJobs, pollingIntervalSeconds: 0.5 });
    queue.handle('echo', async (job) => {
      seen.push({ name: 'echo', data: job.data, retryCount: job.retryCount });
    });
    queue.handle('flaky', async (job) => {
      seen.push({ name: 'flaky', data: job.data, retryCount: job.retryCount });
      if (flakyFailures-- > 0) throw new Error('transient');
    });
    queue.handle('doomed', async () => {
      throw new Error('always fails');
    });
    queue.handle('ordered', async (job) => {
      order.push(`job ${job.data.n}`);
    });
    await queue.start({ work: true });
  });
  afterAll(async () => {
    await queue.stop(2000);
    await database.close();
    await testDb.drop();
  });

  it('starts a job only after the event loop has read what waited on its sockets', async () => {
    // A request's handler queues the job; the work this process already has waiting (here: a
    // callback of the check phase, which follows the loop's I/O poll) goes first, as a client's
    // next request would.
    await queue.send('ordered', { n: 1 });
    setImmediate(() => order.push('waiting I/O'));
    await until(async () => order.includes('job 1'));
    expect(order).toEqual(['waiting I/O', 'job 1']);
  });

  it('runs an enqueued job to completion', async () => {
    const id = await queue.send('echo', { n: 1 });
    const job = await until(async () => {
      const j = await queue.getJob('echo', id);
      return j?.state === 'completed' && j;
    });
    expect(job.retryCount).toBe(0);
    expect(seen).toContainEqual({ name: 'echo', data: { n: 1 }, retryCount: 0 });
  });

  it('retries a failing job until it succeeds', async () => {
    const id = await queue.send('flaky', { n: 2 });
    const job = await until(async () => {
      const j = await queue.getJob('flaky', id);
      return j?.state === 'completed' && j;
    });
    expect(job.retryCount).toBe(2);
    expect(seen.filter((s) => s.name === 'flaky').map((s) => s.retryCount)).toEqual([0, 1, 2]);
  });

  it('fails a job once its retries are exhausted', async () => {
    const id = await queue.send('doomed', { n: 3 });
    const job = await until(async () => {
      const j = await queue.getJob('doomed', id);
      return j?.state === 'failed' && j;
    });
    expect(job.retryCount).toBe(1);
    const metrics = await metricsRegistry.getSingleMetricAsString('jobs_processed_total');
    expect(metrics).toMatch(/jobs_processed_total\{queue="doomed",status="failed"\} [1-9]/);
  });

  it('refuses a payload that does not match its job schema', async () => {
    // @ts-expect-error: the type forbids it; the schema stops a payload built at run time.
    await expect(queue.send('echo', { n: 'one' })).rejects.toThrow(/Invalid echo job payload/);
  });

  it('refuses to work jobs without a handler for every job type', async () => {
    const partial = createJobQueue({ database, logger, jobs: testJobs });
    partial.handle('echo', async () => {});
    await expect(partial.start({ work: true })).rejects.toThrow(/No handler for the job types flaky, doomed/);
  });

  it('holds a delayed job back and counts it in the depth', async () => {
    const id = await queue.send('echo', { n: 4 }, { startAfter: new Date(Date.now() + 60_000) });
    expect((await queue.depth()).echo).toBeGreaterThanOrEqual(1);
    await new Promise((r) => setTimeout(r, 1500));
    expect((await queue.getJob('echo', id))?.state).toBe('created');
    expect(seen.some((s) => (s.data as { n: number }).n === 4)).toBe(false);
  });

  it('reports no depth or age while they cannot be read, rather than the last ones', async () => {
    const samples = async (name: string) =>
      ((await metricsRegistry.getSingleMetric(name)?.get())?.values ?? []).filter(
        (v) => v.labels.queue === 'echo',
      );
    expect(await samples('jobs_queue_depth')).toHaveLength(1);
    expect(await samples('jobs_oldest_waiting_seconds')).toHaveLength(1);
    const down = new Error('Connection terminated unexpectedly');
    const depth = vi.spyOn(queue, 'depth').mockRejectedValue(down);
    const age = vi.spyOn(queue, 'oldestWaitingSeconds').mockRejectedValue(down);
    try {
      expect(await samples('jobs_queue_depth')).toEqual([]);
      expect(await samples('jobs_oldest_waiting_seconds')).toEqual([]);
    } finally {
      depth.mockRestore();
      age.mockRestore();
    }
    expect(await samples('jobs_queue_depth')).toHaveLength(1);
  });
});

describe.each(backends)('waking workers of this process (%s)', (backend) => {
  const jobs = { slow: { payload } };
  let testDb: TestDatabase;
  let database: Database;
  let queue: JobQueue<typeof jobs, never>;
  const started: number[] = [];
  const release = new Map<number, () => void>();

  beforeAll(async () => {
    testDb = await createTestDatabase(backend);
    database = await openDatabase({ url: testDb.url, dataDir: testDb.dataDir });
    await runMigrations(database);
    // Polls so rarely that a job taken within seconds was taken because a worker was woken.
    queue = createJobQueue({ database, logger, jobs, pollingIntervalSeconds: 60 });
    queue.handle(
      'slow',
      async (job) => {
        started.push(job.data.n);
        await new Promise<void>((resolve) => release.set(job.data.n, resolve));
      },
      { concurrency: 2 },
    );
    await queue.start({ work: true });
  });
  afterAll(async () => {
    for (const done of release.values()) done();
    await queue.stop(2000);
    await database.close();
    await testDb.drop();
  });

  it('wakes an idle worker for each new job, also when the other one is busy or jobs come back to back', async () => {
    await queue.send('slow', { n: 1 });
    await until(async () => started.includes(1), 5000);
    // The other worker is the idle one.
    await queue.send('slow', { n: 2 });
    await until(async () => started.includes(2), 5000);
    release.get(1)!();
    release.get(2)!();
    // Both idle again: two jobs sent back to back wake one worker each.
    await new Promise((r) => setTimeout(r, 200));
    await Promise.all([queue.send('slow', { n: 3 }), queue.send('slow', { n: 4 })]);
    await until(async () => started.includes(3) && started.includes(4), 5000);
  });
});

describe.each(backends)('a backlog of short jobs (%s)', (backend) => {
  let testDb: TestDatabase;
  let database: Database;
  let queue: JobQueue<{ echo: { payload: typeof payload } }, never>;
  const done: number[] = [];

  beforeAll(async () => {
    testDb = await createTestDatabase(backend);
    database = await openDatabase({ url: testDb.url, dataDir: testDb.dataDir });
    await runMigrations(database);
    // A long polling interval: a worker that waited it between two jobs would take minutes here.
    queue = createJobQueue({ database, logger, jobs: { echo: { payload } }, pollingIntervalSeconds: 10 });
    queue.handle('echo', async (job) => {
      done.push(job.data.n);
    });
  });
  afterAll(async () => {
    await queue.stop(2000);
    await database.close();
    await testDb.drop();
  });

  it('is worked one job after another, not one job per polling interval', async () => {
    await queue.start({ work: false });
    for (let n = 0; n < 12; n++) await queue.send('echo', { n });
    await queue.start({ work: true });
    // Twelve jobs in fewer than two polling intervals: none waited for a poll.
    await until(async () => done.length === 12, 19_000);
    expect(done.toSorted((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, n) => n));
  });
});

describe.each(backends)('turns between groups of jobs (%s)', (backend) => {
  const jobs = { turns: { payload: z.object({ group: z.string(), n: z.number() }), turnsBy: 'group' } };
  let testDb: TestDatabase;
  let database: Database;
  let queue: JobQueue<typeof jobs, never>;
  const ran: string[] = [];
  let releaseFirst = () => {};

  beforeAll(async () => {
    testDb = await createTestDatabase(backend);
    database = await openDatabase({ url: testDb.url, dataDir: testDb.dataDir });
    await runMigrations(database);
    queue = createJobQueue({ database, logger, jobs, pollingIntervalSeconds: 0.5 });
    // One worker: the order jobs start in is the order the queue hands them out.
    queue.handle('turns', async (job) => {
      ran.push(`${job.data.group}${job.data.n}`);
      if (ran.length === 1) await new Promise<void>((resolve) => (releaseFirst = resolve));
    });
    await queue.start({ work: true });
  });
  afterAll(async () => {
    releaseFirst();
    await queue.stop(2000);
    await database.close();
    await testDb.drop();
  });

  it("keeps each group's order and lets a group that joins a backlog in after one job of each other group", async () => {
    await queue.send('turns', { group: 'a', n: 0 });
    await until(async () => ran.length === 1);
    // Jobs of one priority go by the time they were sent, which the embedded database's clock tells
    // to the millisecond: the sends are a few milliseconds apart so that it tells them apart.
    const send = async (group: string, n: number) => {
      await queue.send('turns', { group, n });
      await new Promise((r) => setTimeout(r, 3));
    };
    // The worker is busy: a's backlog, then b's, then c's one job, then more of a's.
    for (let n = 1; n <= 4; n++) await send('a', n);
    for (let n = 1; n <= 3; n++) await send('b', n);
    await send('c', 1);
    for (let n = 5; n <= 6; n++) await send('a', n);
    releaseFirst();
    await until(async () => ran.length === 11);
    // First come first served would run a1…a4, b1…b3, c1, a5, a6.
    expect(ran).toEqual(['a0', 'a1', 'b1', 'c1', 'a2', 'b2', 'a3', 'b3', 'a4', 'a5', 'a6']);
  });
});

// PGlite runs no autovacuum: the jobs pg-boss archives and later deletes would keep their space for
// ever. The queue vacuums its tables after a maintenance pass, at most once an hour.
describe('job queue on the embedded database: archived jobs', () => {
  it("are vacuumed after pg-boss's maintenance, at most once an hour", async () => {
    const database = await openDatabase({ dataDir: 'memory://' });
    await runMigrations(database);
    const queue = createJobQueue({ database, logger, jobs: testJobs, maintenanceIntervalSeconds: 1 });
    try {
      await queue.start({ work: false });
      const vacuumedAt = async () =>
        (
          await database.query<{ at: Date | null }>(
            `SELECT last_vacuum AS at FROM pg_stat_user_tables WHERE schemaname = 'pgboss' AND relname = 'archive'`,
          )
        ).rows[0]?.at ?? null;
      const maintainedAt = async () =>
        (await database.query<{ at: Date | null }>('SELECT maintained_on AS at FROM pgboss.version')).rows[0]
          ?.at ?? null;
      const first = await until(vacuumedAt);
      // Another maintenance pass, well within the hour: no second VACUUM.
      const passed = (await maintainedAt())!.getTime();
      await until(async () => ((await maintainedAt())?.getTime() ?? 0) > passed);
      expect(await vacuumedAt()).toEqual(first);
    } finally {
      await queue.stop(2000);
      await database.close();
    }
  });
});
