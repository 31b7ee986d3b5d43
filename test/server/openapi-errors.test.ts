// The OpenAPI document describes the error answers: every operation has its 4XX and 5XX with the
// one error shape, as a component a generated client gets a type for; and what the server sends
// when it refuses is that shape.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../../src/server/openapi-document.ts';
import { session, setupOwner } from '../support/accounts.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

interface ObjectSchema {
  required: string[];
  properties: Record<string, { enum?: string[]; properties?: unknown; required?: string[] }>;
}
interface Document {
  components: { schemas: { ApiError: ObjectSchema } };
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>
  >;
}

describe('error answers in the OpenAPI document', () => {
  let doc: Document;
  let t: TestApp;
  let cookie: string;
  beforeAll(async () => {
    doc = (await buildOpenApiDocument()) as unknown as Document;
    t = await createTestApp('pglite');
    cookie = (await setupOwner(t.app)).cookie;
  });
  afterAll(async () => t?.close());

  it('are declared for every operation, as the ApiError component', () => {
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, op })),
    );
    expect(operations.length).toBeGreaterThan(50);
    for (const { name, op } of operations)
      for (const status of ['4XX', '5XX'])
        expect(op.responses[status]?.content?.['application/json']?.schema, `${name} ${status}`).toEqual({
          $ref: '#/components/schemas/ApiError',
        });
  });

  it('describe what the server sends when it refuses', async () => {
    const shape = doc.components.schemas.ApiError;
    const inner = shape.properties.error as unknown as ObjectSchema;
    const refusals = [
      await t.app.inject({
        method: 'GET',
        url: '/api/v1/articles/00000000-0000-4000-8000-000000000000',
        headers: session(cookie),
      }),
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/articles',
        headers: session(cookie),
        payload: { words: 'many' },
      }),
      await t.app.inject({ method: 'GET', url: '/api/v1/articles' }),
      await t.app.inject({ method: 'GET', url: '/api/v1/no-such-route', headers: session(cookie) }),
    ];
    expect(refusals.map((r) => r.statusCode)).toEqual([404, 400, 401, 404]);
    for (const res of refusals) {
      const body = res.json() as { error: Record<string, unknown> };
      expect(Object.keys(body)).toEqual(shape.required);
      for (const key of inner.required) expect(body.error, res.body).toHaveProperty(key);
      for (const key of Object.keys(body.error)) expect(Object.keys(inner.properties)).toContain(key);
      expect(inner.properties.code!.enum).toContain(body.error.code);
    }
  });
});
