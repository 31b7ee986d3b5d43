// Blogsmith's connections to PostgreSQL say which process they are (application_name `blogsmith
// <command>`), so a restore can refuse while one is connected and an operator can tell them apart in
// pg_stat_activity; a name set in DATABASE_URL is left as the operator chose it.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createRuntime } from '../../src/runtime.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

describe('application_name of the connections (postgres)', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('postgres');
  }, 60_000);
  afterAll(async () => database?.drop());

  const nameSeenBy = async (url: string, command: string) => {
    const config = loadConfig({
      ENVIRONMENT: 'test',
      LOG_LEVEL: 'silent',
      SECRET_KEY: 'test-secret-key-that-is-long-enough-0123456789',
      DATABASE_URL: url,
    });
    const runtime = await createRuntime(config, { logger: pino({ level: 'silent' }), command });
    try {
      const { rows } = await runtime.database.query<{ name: string }>(
        'SELECT application_name AS name FROM pg_stat_activity WHERE pid = pg_backend_pid()',
      );
      return rows[0]?.name;
    } finally {
      await runtime.close();
    }
  };

  it('names each process, unless DATABASE_URL names it', async () => {
    const url = database.url as string;
    expect(await nameSeenBy(url, 'worker')).toBe('blogsmith worker');
    expect(await nameSeenBy(url, 'CLI (generate)')).toBe('blogsmith CLI (generate)');
    const named = `${url}${url.includes('?') ? '&' : '?'}application_name=ops-dashboard`;
    expect(await nameSeenBy(named, 'server')).toBe('ops-dashboard');
  });
});
