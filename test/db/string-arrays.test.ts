import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installStringArrayParser, parseStringArray } from '../../src/db/string-arrays.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

// node-postgres's own text[] parser (postgres-array), taken before installStringArrayParser runs.
const original = pg.types.getTypeParser(1009 as never, 'text') as (value: string) => unknown;

describe('parseStringArray', () => {
  it.each([
    '{}',
    '{a}',
    '{articles:read,settings:read}',
    '{NULL,a,NULL}',
    '{"NULL",a}',
    '{""}',
    '{"a,b",c}',
    '{"with space",x}',
    '{"quote \\" inside","back\\\\slash"}',
    '{{a,b},{c,d}}',
    '[1:2]={a,b}',
    '{a,,b}',
    '{"{braced}"}',
    '{3f2c1d9e-8a7b-4c6d-9e0f-1a2b3c4d5e6f,00000000-0000-0000-0000-000000000000}',
  ])('reads %s as postgres-array does', (text) => {
    expect(parseStringArray(text, original)).toEqual(original(text));
  });

  it('hands what it does not split itself to the fallback', () => {
    const fallback = (value: string) => `fallback:${value}`;
    expect(parseStringArray('{"a",b}', fallback)).toBe('fallback:{"a",b}');
    expect(parseStringArray('{{a}}', fallback)).toBe('fallback:{{a}}');
    expect(parseStringArray('[0:0]={a}', fallback)).toBe('fallback:[0:0]={a}');
    expect(parseStringArray('', fallback)).toBe('fallback:');
  });
});

describe('string arrays from PostgreSQL', () => {
  let database: TestDatabase;
  let client: pg.Client;
  beforeAll(async () => {
    installStringArrayParser();
    database = await createTestDatabase('postgres');
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
    await database?.drop();
  });

  const values: Array<Array<string | null>> = [
    [],
    ['articles:read', 'settings:read'],
    ['NULL', null, ''],
    ['a,b', 'with space', 'quote " inside', 'back\\slash', '{braced}', 'ünïcödé'],
  ];

  it.each(values)('round-trips %j through text[] and varchar[]', async (...array) => {
    for (const type of ['text[]', 'varchar[]']) {
      const { rows } = await client.query(`SELECT $1::${type} AS value`, [array]);
      expect(rows[0].value).toEqual(array);
    }
  });

  it('reads uuid[] and two-dimensional arrays', async () => {
    const id = '3f2c1d9e-8a7b-4c6d-9e0f-1a2b3c4d5e6f';
    const { rows } = await client.query(
      `SELECT ARRAY[$1::uuid, NULL]::uuid[] AS ids, '{{a,b},{c,d}}'::text[] AS grid`,
      [id],
    );
    expect(rows[0]).toEqual({
      ids: [id, null],
      grid: [
        ['a', 'b'],
        ['c', 'd'],
      ],
    });
  });
});
