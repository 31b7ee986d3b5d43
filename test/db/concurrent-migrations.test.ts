// Replicas started together on an empty PostgreSQL database: each ran every migration, and the
// second failed on the types the first had just created (duplicate key in pg_type). The migration
// lock makes one wait for the other, which then finds the work done.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type Database, openDatabase } from '../../src/db/client.ts';
import { knownMigrations, migrationLock, runMigrations } from '../../src/db/migrate.ts';
import { createJobQueue } from '../../src/jobs/queue.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

describe('migrations started by two processes at once (postgres)', () => {
  let created: TestDatabase;
  let replicas: Database[];
  beforeAll(async () => {
    created = await createTestDatabase('postgres');
    replicas = await Promise.all([
      openDatabase({ url: created.url, poolSize: 2, processName: 'A' }),
      openDatabase({ url: created.url, poolSize: 2, processName: 'B' }),
    ]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.close()));
    await created.drop();
  });

  it('both succeed, each migration is applied once, and the lock is let go', async () => {
    const results = await Promise.allSettled(replicas.map((r) => runMigrations(r)));
    expect(
      results.map((r) => (r.status === 'rejected' ? String(r.reason?.cause ?? r.reason) : 'ok')),
    ).toEqual(['ok', 'ok']);
    const [a] = replicas as [Database];
    const log = await a.query<{ n: number; distinct: number }>(
      'SELECT count(*)::int AS n, count(DISTINCT hash)::int AS distinct FROM drizzle.__drizzle_migrations',
    );
    expect(log.rows[0]).toEqual({ n: knownMigrations(), distinct: knownMigrations() });
    // Both learn the same about pgvector, whichever of them got to create it.
    expect(replicas[1]!.vectorAvailable).toBe(replicas[0]!.vectorAvailable);
    const held = await a.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_locks
        WHERE locktype = 'advisory' AND ((classid::bigint << 32) | objid::bigint) = $1::bigint`,
      [migrationLock],
    );
    expect(held.rows[0]!.n).toBe(0);
  }, 60_000);

  it('then both start their job queues: pg-boss creates its schema and queues once', async () => {
    const jobs = { echo: { payload: z.object({ n: z.number() }) } };
    const logger = pino({ level: 'silent' });
    const queues = replicas.map((database) => createJobQueue({ database, logger, jobs }));
    const results = await Promise.allSettled(queues.map((q) => q.start({ work: false })));
    await Promise.all(queues.map((q) => q.stop()));
    expect(results.map((r) => (r.status === 'rejected' ? String(r.reason) : 'ok'))).toEqual(['ok', 'ok']);
    const { rows } = await replicas[0]!.query<{ name: string }>('SELECT name FROM pgboss.queue');
    expect(rows.map((r) => r.name)).toEqual(['echo']);
  }, 60_000);
});
