// Statements whose best plan depends on their values (full-text search of common or rare words) are
// sent unnamed, so PostgreSQL plans each call for its values; everything else stays prepared, and
// after five calls PostgreSQL may run it on one generic plan for all values.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../src/db/client.ts';
import { backends, createTestDatabase, type TestDatabase } from '../support/database.ts';

describe.each(backends)('statements planned per call (%s)', (backend) => {
  let testDb: TestDatabase;
  let database: Database;

  beforeAll(async () => {
    testDb = await createTestDatabase(backend);
    // One connection, so the session the statements were prepared in is the one asked about them.
    database = await openDatabase({ url: testDb.url, dataDir: testDb.dataDir, poolSize: 1 });
    await database.exec(`CREATE TABLE words (id int PRIMARY KEY, word text NOT NULL);
      INSERT INTO words SELECT i, CASE WHEN i = 1 THEN 'rare' ELSE 'common' END FROM generate_series(1, 2000) i;
      CREATE INDEX words_word_idx ON words (word); ANALYZE words`);
  });
  afterAll(async () => {
    await database.close();
    await testDb.drop();
  });

  const plansOf = async (text: string) =>
    (
      await database.query<{ plans: number }>(
        // Parameterless: sent unnamed, so asking does not add a statement of its own.
        `SELECT (generic_plans + custom_plans)::int AS plans FROM pg_prepared_statements
         WHERE statement = '${text.replaceAll("'", "''")}'`,
      )
    ).rows.map((r) => r.plans);

  it('answers as the prepared statement does, and leaves no prepared statement behind', async () => {
    const text = 'SELECT count(*)::int AS n FROM words WHERE word = $1';
    const perCall: number[] = [];
    const prepared: number[] = [];
    for (const word of ['common', 'rare', 'common', 'rare', 'common', 'rare', 'common', 'rare']) {
      perCall.push((await database.queryPlannedPerCall<{ n: number }>(text, [word])).rows[0]!.n);
    }
    expect(await plansOf(text)).toEqual([]);
    for (const word of ['common', 'rare', 'common', 'rare', 'common', 'rare', 'common', 'rare']) {
      prepared.push((await database.query<{ n: number }>(text, [word])).rows[0]!.n);
    }
    expect(perCall).toEqual([1999, 1, 1999, 1, 1999, 1, 1999, 1]);
    expect(prepared).toEqual(perCall);
    // The prepared one is one statement, run eight times on plans PostgreSQL kept.
    expect(await plansOf(text)).toEqual([8]);
  });

  it('has a Drizzle of its own that plans every call too (the article list search uses it)', async () => {
    const text = 'SELECT count(*)::int AS n FROM words WHERE word = $1';
    const count = async (db: Database['db'], word: string) => {
      const result = await db.execute(sql`SELECT count(*)::int AS n FROM words WHERE word = ${word}`);
      return Number((result as unknown as { rows: Array<{ n: number }> }).rows[0]!.n);
    };
    const perCall: number[] = [];
    for (const word of ['common', 'rare', 'common', 'rare', 'common', 'rare'])
      perCall.push(await count(database.dbPlannedPerCall, word));
    expect(perCall).toEqual([1999, 1, 1999, 1, 1999, 1]);
    // Only the prepared `query` of the test above left a statement of this text behind.
    expect(await plansOf(text)).toEqual([8]);
    expect(await count(database.db, 'rare')).toBe(1);
  });

  it('reports a statement error as a query error, not a crash', async () => {
    await expect(
      database.queryPlannedPerCall('SELECT nope FROM words WHERE word = $1', ['x']),
    ).rejects.toThrow(/nope/);
    expect((await database.queryPlannedPerCall<{ n: number }>('SELECT $1::int AS n', [7])).rows).toEqual([
      { n: 7 },
    ]);
  });
});
