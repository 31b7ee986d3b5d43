// Parameterised statements on PostgreSQL go as named prepared statements, a bounded number of texts,
// so each pooled connection parses a text once; scripts and texts past the bound run unnamed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../src/db/client.ts';
import { statementNames } from '../../src/db/pg-statement-names.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

describe('statement names', () => {
  it('names parameterised texts only, one name per text, the first `max` texts only', () => {
    const names = statementNames(2);
    expect(names.of('SELECT 1; SELECT 2', [])).toBeUndefined();
    const a = names.of('SELECT $1::int', [1]);
    expect(a).toBeDefined();
    expect(names.of('SELECT $1::int', [2])).toBe(a);
    const b = names.of('SELECT $1::text', ['x']);
    expect(b).toBeDefined();
    expect(b).not.toBe(a);
    expect(names.of('SELECT $1::date', ['2026-12-03'])).toBeUndefined();
    expect(names.of('SELECT $1::text', ['y'])).toBe(b);
    names.drop('SELECT $1::int');
    expect(names.of('SELECT $1::int', [3])).toBeUndefined();
  });
});

describe('named statements on PostgreSQL', () => {
  let created: TestDatabase;
  let database: Database;
  beforeAll(async () => {
    created = await createTestDatabase('postgres');
    database = await openDatabase({ url: created.url!, poolSize: 1 });
  });
  afterAll(async () => {
    await database.close();
    await created.drop();
  });

  const prepared = async () =>
    (
      await database.query<{ statement: string }>(
        'SELECT statement FROM pg_prepared_statements WHERE statement NOT LIKE $1',
        ['%pg_prepared_statements%'],
      )
    ).rows.map((r) => r.statement);

  it('prepares a parameterised text once on the connection and answers each call with its own values', async () => {
    const text = 'SELECT $1::int + 1 AS n';
    for (const n of [1, 2, 3])
      expect((await database.query<{ n: number }>(text, [n])).rows).toEqual([{ n: n + 1 }]);
    expect((await prepared()).filter((s) => s === text)).toHaveLength(1);
  });

  it('keeps errors as they were and runs scripts without parameters unnamed', async () => {
    await expect(database.query('SELECT $1::int', ['not a number'])).rejects.toMatchObject({ code: '22P02' });
    await expect(database.query('SELEC $1', [1])).rejects.toMatchObject({ code: '42601' });
    expect((await database.query<{ n: number }>('SELECT $1::int AS n', [7])).rows).toEqual([{ n: 7 }]);
    // pg-boss sends scripts of several statements through the same query, without parameters.
    await database.query('CREATE TABLE script_a (a int); CREATE TABLE script_b (b int)');
    expect((await database.query('SELECT * FROM script_a, script_b')).rows).toEqual([]);
  });

  it('sends a statement again, unnamed, when a table it reads with * changed its columns under it', async () => {
    await database.query('CREATE TABLE widening (a int); INSERT INTO widening VALUES (1)');
    const text = 'SELECT * FROM widening WHERE a = $1';
    expect((await database.query(text, [1])).rows).toEqual([{ a: 1 }]);
    // Another process migrates: the connection's prepared plan no longer matches the table.
    await database.query('ALTER TABLE widening ADD COLUMN b text DEFAULT $$x$$');
    expect((await database.query(text, [1])).rows).toEqual([{ a: 1, b: 'x' }]);
    expect((await database.query(text, [1])).rows).toEqual([{ a: 1, b: 'x' }]);
  });

  it('sends a statement again, unnamed, when the connection no longer holds it (DEALLOCATE, a pooler)', async () => {
    const text = 'SELECT $1::int * 2 AS n';
    expect((await database.query<{ n: number }>(text, [4])).rows).toEqual([{ n: 8 }]);
    // The one pooled connection forgets its prepared statements; node-postgres still thinks it has them.
    await database.exec('DEALLOCATE ALL');
    expect((await database.query<{ n: number }>(text, [5])).rows).toEqual([{ n: 10 }]);
    expect((await database.query<{ n: number }>(text, [6])).rows).toEqual([{ n: 12 }]);
  });
});
