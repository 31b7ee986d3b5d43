import { isResponseSerializationError } from 'fastify-type-provider-zod';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { compileStringify, serializerCompiler } from '../../src/server/response-serializer.ts';

const compile = (schema: z.ZodType) =>
  serializerCompiler({ schema, method: 'GET', url: '/test', httpStatus: '200' }) as (data: unknown) => string;

const item = z.object({
  id: z.uuid(),
  name: z.string(),
  scopes: z.array(z.string()),
  lastUsedAt: z.date().nullable(),
  createdAt: z.date(),
  count: z.number().int().optional(),
  ratio: z.number(),
  kind: z.enum(['a', 'b']),
  flags: z.record(z.string(), z.boolean()),
  meta: z.unknown(),
});
const page = z.object({ items: z.array(item), nextCursor: z.string().nullable() });

const row = (over: Partial<z.infer<typeof item>> = {}) => ({
  id: '0b0f9c2e-6d6a-4f5e-9f43-7d1f2b8f9a10',
  name: 'quote " backslash \\ line\u2028sep </script> ünïcode',
  scopes: ['settings:read'],
  lastUsedAt: null,
  createdAt: new Date('2026-01-02T03:04:05.678Z'),
  ratio: 0.1,
  kind: 'a' as const,
  flags: { on: true },
  meta: { nested: [1, 'two', null] },
  ...over,
});

describe('response serializer', () => {
  it('writes the same JSON as JSON.stringify of the checked value', () => {
    const write = compile(page);
    const values = [
      { items: [], nextCursor: null },
      {
        items: [row(), row({ lastUsedAt: new Date('2026-02-03T00:00:00Z'), count: 3, kind: 'b', flags: {} })],
        nextCursor: 'abc',
      },
    ];
    for (const value of values) {
      // Twice: the first call compiles, the second uses the compiled function.
      for (let i = 0; i < 2; i++) expect(JSON.parse(write(value))).toEqual(JSON.parse(JSON.stringify(value)));
    }
  });

  it('compiles a page of rows with nullable dates and records, not falling back to JSON.stringify', () => {
    expect(compileStringify(page, '/test')).not.toBe(JSON.stringify);
  });

  it('drops keys the schema does not declare, as the zod check does', () => {
    const write = compile(page);
    const written = JSON.parse(write({ items: [{ ...row(), hash: 'secret' }], nextCursor: null }));
    expect(written.items[0]).not.toHaveProperty('hash');
  });

  it('writes unions and other shapes it cannot compile with JSON.stringify', () => {
    const union = z.object({ value: z.union([z.object({ a: z.string() }), z.object({ b: z.number() })]) });
    const write = compile(union);
    for (const value of [{ value: { a: 'x' } }, { value: { b: 2 } }])
      expect(write(value)).toBe(JSON.stringify(value));
  });

  it('refuses a value that does not match the schema', () => {
    const write = compile(page);
    let thrown: unknown;
    try {
      write({ items: [{ ...row(), createdAt: 'not a date' }], nextCursor: null });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(Error);
    expect(isResponseSerializationError(thrown as Error)).toBe(true);
  });
});
