// Prepared statements on the embedded database answer exactly as PGlite's own unnamed `query` does:
// same values, same errors, same transaction isolation and notifications; only the parsing and
// planning are done once per text.
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgliteStatements } from '../../src/db/pglite-statements.ts';

let client: PGlite;

beforeAll(async () => {
  client = await PGlite.create();
  await client.exec(`CREATE TABLE things (id int PRIMARY KEY, name text NOT NULL, tags text[], doc jsonb,
    price numeric(10, 2), at timestamptz, ok boolean)`);
});
afterAll(async () => {
  await client.close();
});

const preparedNames = async () =>
  (
    await client.query<{ statement: string }>(
      'SELECT statement FROM pg_prepared_statements ORDER BY prepare_time',
    )
  ).rows.map((r) => r.statement);

describe('prepared statements on PGlite', () => {
  it('returns what the unnamed query returns, in object and array row modes, with parsers and serializers', async () => {
    const statements = pgliteStatements(client);
    const insert =
      'INSERT INTO things (id, name, tags, doc, price, at, ok) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *';
    const at = new Date('2026-12-03T10:00:00.123Z');
    const row = [1, `it's "one"`, ['a', 'b,c', null], { nested: [1, 'x'] }, 12.5, at, true];
    const prepared = await statements.query(insert, row);
    const plain = await client.query('SELECT * FROM things WHERE id = 1');
    expect(prepared.rows).toEqual(plain.rows);
    expect(prepared.affectedRows).toBe(1);
    expect(prepared.fields).toEqual(plain.fields);

    await statements.query(insert, [2, 'two', null, null, null, null, null]);
    const select = 'SELECT id, name, doc, at FROM things WHERE id = ANY($1::int[]) ORDER BY id';
    for (const options of [
      undefined,
      { rowMode: 'array' as const },
      { parsers: { 1184: (s: string) => `at ${s}` } },
    ])
      expect(await statements.query(select, [[1, 2]], options)).toEqual(
        await client.query(select, [[1, 2]], options),
      );
    // A serializer given with the call is used for its parameters.
    const upper = { serializers: { 25: (v: unknown) => String(v).toUpperCase() } };
    expect((await statements.query<{ v: string }>('SELECT $1::text AS v', ['quiet'], upper)).rows).toEqual([
      { v: 'QUIET' },
    ]);
    // A call's own parsers and serializers are its own: the next call gets the client's.
    expect((await statements.query(select, [[1]])).rows).toEqual([{ id: 1, name: row[1], doc: row[3], at }]);
    expect((await statements.query<{ v: string }>('SELECT $1::text AS v', ['quiet'])).rows).toEqual([
      { v: 'quiet' },
    ]);
  });

  it('parses each text once and binds it again on every call', async () => {
    const statements = pgliteStatements(client);
    const text = 'SELECT name FROM things WHERE id = $1 /* once */';
    for (const id of [1, 2, 1]) await statements.query(text, [id]);
    expect((await preparedNames()).filter((s) => s === text)).toHaveLength(1);
    expect((await statements.query<{ name: string }>(text, [2])).rows).toEqual([{ name: 'two' }]);
  });

  it('reports an error with its SQLSTATE and statement, and the next statement runs', async () => {
    const statements = pgliteStatements(client);
    const text = "INSERT INTO things (id, name) VALUES ($1, 'again')";
    const failure = await statements.query(text, [1]).catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: '23505', query: text, params: [1] });
    const syntax = await statements.query('SELEC 1').catch((e: unknown) => e);
    expect(syntax).toMatchObject({ code: '42601' });
    expect((await statements.query<{ n: number }>('SELECT count(*)::int AS n FROM things')).rows).toEqual([
      { n: 2 },
    ]);
  });

  it('keeps the most recent texts only, closing the one it drops', async () => {
    await client.exec('DEALLOCATE ALL');
    const statements = pgliteStatements(client, 3);
    const texts = ['SELECT 1 AS a', 'SELECT 2 AS b', 'SELECT 3 AS c', 'SELECT 4 AS d'];
    for (const text of texts) await statements.query(text);
    await statements.query(texts[2]!); // used again: now the most recent
    await statements.query('SELECT 5 AS e');
    // 1 and 2 were dropped (closed with the next trips); 3 was used last but one.
    expect(await preparedNames()).toEqual(['SELECT 3 AS c', 'SELECT 4 AS d', 'SELECT 5 AS e']);
    expect((await statements.query<{ a: number }>(texts[0]!)).rows).toEqual([{ a: 1 }]);
  });

  it('prepares a text again when a table it reads changed its columns', async () => {
    const statements = pgliteStatements(client);
    await client.exec('CREATE TABLE shifting (a int); INSERT INTO shifting VALUES (1)');
    expect((await statements.query('SELECT * FROM shifting')).rows).toEqual([{ a: 1 }]);
    await client.exec('ALTER TABLE shifting ADD COLUMN b text DEFAULT $$x$$');
    expect((await statements.query('SELECT * FROM shifting')).rows).toEqual([{ a: 1, b: 'x' }]);
    await client.exec('DEALLOCATE ALL'); // gone under it: prepared again as well
    expect((await statements.query('SELECT * FROM shifting')).rows).toEqual([{ a: 1, b: 'x' }]);
  });

  it("never runs inside another caller's open transaction", async () => {
    const statements = pgliteStatements(client);
    let outside: Promise<unknown> | undefined;
    await client
      .transaction(async (tx) => {
        await tx.query("INSERT INTO things (id, name) VALUES (3, 'rolled back')");
        outside = statements.query('SELECT count(*)::int AS n FROM things');
        await new Promise((resolve) => setTimeout(resolve, 20));
        await tx.rollback();
      })
      .catch(() => {});
    expect(((await outside) as { rows: unknown[] }).rows).toEqual([{ n: 2 }]);
  });

  it('delivers notifications raised by its statements', async () => {
    const statements = pgliteStatements(client);
    const heard: string[] = [];
    const unlisten = await client.listen('things_changed', (payload) => heard.push(payload));
    await statements.query("SELECT pg_notify('things_changed', $1)", ['3']);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(heard).toEqual(['3']);
    await unlisten();
  });

  it("fails a statement queued behind close() with PGlite's own error, not a call into a closed server", async () => {
    const own = await PGlite.create();
    const statements = pgliteStatements(own);
    await statements.query('SELECT $1::int AS n', [1]);
    const tick = () => new Promise((resolve) => setTimeout(resolve, 10));
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const transaction = own.transaction(() => held);
    await tick(); // the transaction holds the locks
    const closing = own.close();
    await tick(); // close() waits for them
    const late = statements.query('SELECT $1::int AS n', [2]).catch((e: unknown) => e);
    release();
    await transaction;
    await closing;
    expect(await late).toMatchObject({ message: expect.stringMatching(/PGlite is clos(ed|ing)/) });
  });
});
