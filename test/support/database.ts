// Test databases: the embedded PGlite in memory, or a fresh database on this machine's real
// PostgreSQL, created per call and dropped by the returned cleanup.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export type Backend = 'pglite' | 'postgres';
export const backends: Backend[] = ['pglite', 'postgres'];

export const adminUrl = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface TestDatabase {
  /** DATABASE_URL for the postgres backend; undefined for PGlite. */
  url?: string;
  /** DATA_DIR override for PGlite. */
  dataDir: string;
  drop(): Promise<void>;
}

/** `server`: the PostgreSQL server's admin URL (a benchmark may name another one). */
export async function createTestDatabase(backend: Backend, server = adminUrl): Promise<TestDatabase> {
  if (backend === 'pglite') return { dataDir: 'memory://', drop: async () => {} };
  const name = `blogsmith_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    dataDir: 'memory://',
    async drop() {
      const c = new pg.Client({ connectionString: server });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
