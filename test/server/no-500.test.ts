// "No input makes a 500": every operation in the OpenAPI document, hit with malformed ids, query
// strings, bodies and content types, answers a 4xx (or a success) in the one error shape.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createKey, setupOwner } from '../support/accounts.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

const junkBodies = [
  undefined,
  '',
  'null',
  '[]',
  '{"a":',
  '"x"',
  '{"email":123,"role":"god"}',
  '{"__proto__":{"admin":true}}',
];
const junkIds = ['not-a-uuid', '00000000-0000-0000-0000-000000000000', '%00', 'a'.repeat(300)];
const junkQueries = [
  '',
  '?limit=-1',
  '?limit=abc',
  '?cursor=%%%',
  '?cursor=bm90LWEtZGF0ZQ',
  '?from=yesterday&groupBy=x',
];
const contentTypes = ['application/json', 'text/plain', 'application/x-www-form-urlencoded'];

describe('no input makes a 500', () => {
  let t: TestApp;
  let key: string;
  beforeAll(async () => {
    t = await createTestApp('pglite', { RATE_LIMIT_ENABLED: 'false' });
    const owner = await setupOwner(t.app);
    key = (await createKey(t.app, owner.cookie)).key;
  });
  afterAll(async () => t.close());

  it('holds for every documented operation', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json() as {
      paths: Record<string, Record<string, unknown>>;
    };
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => ({ path, method: method.toUpperCase() })),
    );
    expect(operations.length).toBeGreaterThan(10);
    const failures: string[] = [];
    for (const { path, method } of operations) {
      for (const id of junkIds) {
        const url = path.replace(/\{[^}]+\}/g, encodeURIComponent(id));
        for (const query of junkQueries) {
          for (const body of method === 'GET' || method === 'DELETE' ? [undefined] : junkBodies) {
            for (const contentType of body === undefined ? ['application/json'] : contentTypes) {
              const res = await t.app.inject({
                method: method as 'GET',
                url: url + query,
                headers: { ...bearer(key), 'content-type': contentType },
                payload: body,
              });
              const shaped = res.statusCode < 400 || typeof res.json()?.error?.code === 'string';
              if (res.statusCode >= 500 || !shaped) {
                failures.push(
                  `${method} ${url}${query} [${contentType}] ${body ?? ''} → ${res.statusCode} ${res.body.slice(0, 120)}`,
                );
              }
            }
          }
        }
        if (!path.includes('{')) break;
      }
    }
    expect(failures).toEqual([]);
  }, 120_000);
});
