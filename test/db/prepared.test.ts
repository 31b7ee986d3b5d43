import { asc, sql } from 'drizzle-orm';
import { integer, jsonb, numeric, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../src/db/client.ts';
import { withPlainRows } from '../../src/db/prepared.ts';
import { backends, createTestDatabase, type TestDatabase } from '../support/database.ts';

const things = pgTable('prepared_things', {
  id: uuid('id').primaryKey(),
  name: text('name'),
  tags: text('tags').array(),
  at: timestamp('at', { withTimezone: true }),
  local: timestamp('local'),
  count: integer('count'),
  price: numeric('price'),
  meta: jsonb('meta'),
});

const columns = {
  id: things.id,
  name: things.name,
  tags: things.tags,
  at: things.at,
  local: things.local,
  count: things.count,
  price: things.price,
  meta: things.meta,
};

describe.each(backends)('withPlainRows on %s', (backend) => {
  let test: TestDatabase;
  let database: Database;
  beforeAll(async () => {
    test = await createTestDatabase(backend);
    database = await openDatabase({ url: test.url, dataDir: test.dataDir });
    await database.exec(
      `CREATE TABLE prepared_things (id uuid PRIMARY KEY, name text, tags text[], at timestamptz,
        local timestamp, count integer, price numeric, meta jsonb)`,
    );
    await database.db.insert(things).values([
      {
        id: '00000000-0000-4000-8000-000000000001',
        name: 'first',
        tags: ['a', 'with space', 'NULL'],
        at: new Date('2026-12-03T01:02:03.456Z'),
        local: new Date('2026-01-01T00:00:00.000Z'),
        count: 7,
        price: '12.50',
        meta: { nested: [1, 'two', null] },
      },
      { id: '00000000-0000-4000-8000-000000000002' },
    ]);
  });
  afterAll(async () => {
    await database?.close();
    await test?.drop();
  });

  it("gives the rows Drizzle's own mapping gives", async () => {
    const expected = await database.db.select(columns).from(things).orderBy(asc(things.id));
    const prepared = withPlainRows(
      database.db.select(columns).from(things).orderBy(asc(things.id)).prepare('plain_rows_all'),
    );
    // Drizzle's hook the helper relies on: were it renamed, the rows would still be right but slow.
    expect(Reflect.get(prepared, 'customResultMapper')).toBeTypeOf('function');
    const rows = await prepared.execute();
    expect(rows).toEqual(expected);
    expect(rows[0]!.at).toBeInstanceOf(Date);
    expect(rows[1]).toEqual({
      id: '00000000-0000-4000-8000-000000000002',
      name: null,
      tags: null,
      at: null,
      local: null,
      count: null,
      price: null,
      meta: null,
    });
  });

  it('maps sql fields through their own decoder, as Drizzle does', async () => {
    const fields = {
      id: things.id,
      upper: sql<string>`upper(${things.name})`,
      doubled: sql<number>`${things.count} * 2`.mapWith(Number),
    };
    const expected = await database.db.select(fields).from(things).orderBy(asc(things.id));
    const prepared = withPlainRows(
      database.db.select(fields).from(things).orderBy(asc(things.id)).prepare('plain_rows_sql'),
    );
    expect(Reflect.get(prepared, 'customResultMapper')).toBeTypeOf('function');
    const rows = await prepared.execute();
    expect(rows).toEqual(expected);
    expect(rows[0]).toEqual({ id: '00000000-0000-4000-8000-000000000001', upper: 'FIRST', doubled: 14 });
  });

  it('leaves selections other than plain columns to Drizzle', async () => {
    const nested = withPlainRows(
      database.db
        .select({ thing: { id: things.id }, upper: sql<string>`upper(${things.name})` })
        .from(things)
        .orderBy(asc(things.id))
        .prepare('plain_rows_nested'),
    );
    expect(Reflect.get(nested, 'customResultMapper')).toBeUndefined();
    expect(await nested.execute()).toEqual([
      { thing: { id: '00000000-0000-4000-8000-000000000001' }, upper: 'FIRST' },
      { thing: { id: '00000000-0000-4000-8000-000000000002' }, upper: null },
    ]);
  });
});
