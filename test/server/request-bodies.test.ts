// The bodies the API reads: JSON only (uploads aside), an empty JSON body taken as no body, and a
// "__proto__" key refused with a message that says so.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, session, setupOwner } from '../support/accounts.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

const json = { 'content-type': 'application/json' };
const someId = '00000000-0000-4000-8000-000000000000';

describe('request bodies', () => {
  let t: TestApp;
  let headers: Record<string, string>;
  beforeAll(async () => {
    t = await createTestApp('pglite', { RATE_LIMIT_ENABLED: 'false' });
    headers = session((await setupOwner(t.app)).cookie);
  });
  afterAll(async () => t?.close());

  const errorOf = (res: { json(): unknown }) =>
    (res.json() as { error: { code: string; message: string } }).error;

  it('refuses a text/plain body as a media type the API does not take (415)', async () => {
    for (const [url, payload] of [
      ['/api/v1/brand-voices', '{"name":"n","guidelines":"g"}'],
      ['/api/v1/documents', 'https://example.com/a.html'],
      [`/api/v1/articles/${someId}/cancel`, 'x'],
    ] as const) {
      const res = await t.app.inject({
        method: 'POST',
        url,
        headers: { ...headers, 'content-type': 'text/plain' },
        payload,
      });
      expect(res.statusCode, `${url}: ${res.body}`).toBe(415);
      expect(errorOf(res).code).toBe('unsupported_media_type');
    }
  });

  it('answers an operation that takes no body the same with an empty JSON body as without one', async () => {
    const created = async () =>
      (
        await t.app.inject({
          method: 'POST',
          url: '/api/v1/brand-voices',
          headers,
          payload: { name: 'Plain', guidelines: 'Short sentences.' },
        })
      ).json().id as string;
    const calls: Array<['POST' | 'DELETE', () => Promise<string>]> = [
      ['POST', async () => `/api/v1/articles/${someId}/cancel`],
      ['POST', async () => `/api/v1/articles/${someId}/duplicate`],
      ['DELETE', async () => `/api/v1/brand-voices/${await created()}`],
    ];
    for (const [method, urlOf] of calls) {
      const bare = await t.app.inject({ method, url: await urlOf(), headers });
      const url = await urlOf();
      const empty = await t.app.inject({ method, url, headers: { ...headers, ...json }, payload: '' });
      expect(empty.statusCode, `${method} ${url}: ${empty.body}`).toBe(bare.statusCode);
      expect(empty.statusCode).not.toBe(400);
    }
    // A session of its own: this one ends.
    const other = session(await login(t.app, 'owner@example.com', 'owner-password'));
    const logout = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: { ...other, ...json },
      payload: '',
    });
    expect(logout.statusCode, logout.body).toBe(204);
  });

  it('refuses an empty JSON body where the operation needs one, by its validation', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/api-keys',
      headers: { ...headers, ...json },
      payload: '',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({
      code: 'validation_error',
      message: 'Request validation failed',
      details: [expect.objectContaining({ location: 'body' })],
    });
  });

  it('refuses a body with a "__proto__" key and says why; malformed JSON is still "not valid JSON"', async () => {
    for (const payload of ['{"__proto__":{"admin":true}}', '{"name":"n","x":{"\\u005f_proto__":{}}}']) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/brand-voices',
        headers: { ...headers, ...json },
        payload,
      });
      expect(res.statusCode, payload).toBe(400);
      expect(errorOf(res)).toMatchObject({
        code: 'validation_error',
        message: expect.stringContaining('"__proto__"'),
      });
    }
    const malformed = await t.app.inject({
      method: 'POST',
      url: '/api/v1/brand-voices',
      headers: { ...headers, ...json },
      payload: '{"name":',
    });
    expect(malformed.statusCode).toBe(400);
    expect(errorOf(malformed)).toMatchObject({
      code: 'validation_error',
      message: expect.stringMatching(/not valid JSON/),
    });
  });
});
