import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../support/database.ts';
import { createEdgeApp, type EdgeApp } from './edge-app.ts';

describe.each(backends)('security headers and CORS (%s)', (backend) => {
  let t: EdgeApp;
  beforeAll(async () => {
    t = await createEdgeApp(backend, { env: { ALLOWED_ORIGINS: 'https://app.example.com' } });
  });
  afterAll(async () => t.close());

  it('sends a same-origin CSP and the usual hardening headers, no HSTS by default', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/health' });
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toMatch(/https?:\/\//);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['strict-transport-security']).toBeUndefined();
  });

  it('sends the same hardening headers on a refusal, a not-found and an unparsable body', async () => {
    const headersOf = (r: { headers: Record<string, unknown> }) =>
      Object.fromEntries(
        Object.entries(r.headers).filter(
          ([name]) =>
            (name.startsWith('x-') || name.startsWith('cross-origin') || name.endsWith('-policy')) &&
            !name.startsWith('x-ratelimit-') &&
            name !== 'x-request-id',
        ),
      );
    const ok = await t.app.inject({ method: 'GET', url: '/health' });
    const expected = headersOf(ok);
    expect(Object.keys(expected).length).toBeGreaterThan(8);
    const answers = await Promise.all([
      t.app.inject({ method: 'GET', url: '/api/v1/api-keys' }),
      t.app.inject({ method: 'GET', url: '/no-such-path' }),
      t.app.inject({
        method: 'POST',
        url: '/api/v1/setup',
        headers: { 'content-type': 'application/json' },
        payload: '{',
      }),
    ]);
    expect(answers.map((r) => r.statusCode)).toEqual([401, 404, 400]);
    for (const r of answers) expect(headersOf(r)).toEqual(expected);
  });

  it('tells browsers and proxies not to store API answers, and leaves other answers alone', async () => {
    const api = await Promise.all([
      t.app.inject({ method: 'GET', url: '/api/v1/api-keys' }),
      t.app.inject({ method: 'GET', url: '/api/v1/no-such-route' }),
      t.app.inject({ method: 'GET', url: '/api/v1/setup' }),
    ]);
    for (const r of api) expect(r.headers['cache-control'], r.body).toBe('no-store');
    expect((await t.app.inject({ method: 'GET', url: '/health' })).headers['cache-control']).toBeUndefined();
  });

  it('echoes an allowed origin with credentials, never *', async () => {
    const res = await t.app.inject({
      method: 'OPTIONS',
      url: '/health',
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'GET' },
    });
    expect(res.statusCode).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(res.headers['access-control-allow-credentials']).toBe('true');
  });

  // A browser sends a cross-origin write only when the preflight answer lists its method.
  it.each([
    ['GET', '/api/v1/articles'],
    ['HEAD', '/api/v1/articles'],
    ['POST', '/api/v1/articles'],
    ['PUT', '/api/v1/llm/settings'],
    ['PATCH', '/api/v1/articles/00000000-0000-4000-8000-000000000000'],
    ['DELETE', '/api/v1/brand-voices/00000000-0000-4000-8000-000000000000'],
  ])('lets an allowed origin send %s (preflight of %s)', async (method, url) => {
    const res = await t.app.inject({
      method: 'OPTIONS',
      url,
      headers: {
        origin: 'https://app.example.com',
        'access-control-request-method': method,
        'access-control-request-headers': 'content-type',
      },
    });
    expect(res.statusCode).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('https://app.example.com');
    const allowed = String(res.headers['access-control-allow-methods']).split(/\s*,\s*/);
    expect(allowed).toContain(method);
  });

  it('shows an allowed origin the response headers the API sends, beyond the always-visible ones', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/health',
      headers: { origin: 'https://app.example.com' },
    });
    expect(
      String(res.headers['access-control-expose-headers'])
        .split(/\s*,\s*/)
        .sort(),
    ).toEqual(
      [
        'content-disposition',
        'idempotent-replayed',
        'location',
        'retry-after',
        'x-instruction-flags',
        'x-ratelimit-limit',
        'x-ratelimit-remaining',
        'x-ratelimit-reset',
        'x-request-id',
      ].sort(),
    );
  });

  it('gives no CORS grant to an origin outside the list', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/health',
      headers: { origin: 'https://evil.example.net' },
    });
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('security options', () => {
  it('sends no CORS headers at all without ALLOWED_ORIGINS (same origin only)', async () => {
    const t = await createEdgeApp('pglite');
    try {
      const res = await t.app.inject({
        method: 'GET',
        url: '/health',
        headers: { origin: 'https://app.example.com' },
      });
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await t.close();
    }
  });

  it('sends HSTS when SECURITY_HSTS_ENABLED', async () => {
    const t = await createEdgeApp('pglite', { env: { SECURITY_HSTS_ENABLED: 'true' } });
    try {
      const res = await t.app.inject({ method: 'GET', url: '/health' });
      expect(res.headers['strict-transport-security']).toMatch(/max-age=31536000/);
    } finally {
      await t.close();
    }
  });

  it('redirects plain HTTP to HTTPS behind a trusted proxy, but not health probes', async () => {
    const t = await createEdgeApp('pglite', {
      env: { HTTPS_REDIRECT_ENABLED: 'true', TRUST_PROXY: 'true' },
    });
    try {
      const plain = await t.app.inject({
        method: 'GET',
        url: '/docs/json?x=1',
        headers: { host: 'blog.example.com', 'x-forwarded-proto': 'http' },
      });
      expect(plain.statusCode).toBe(301);
      expect(plain.headers.location).toBe('https://blog.example.com/docs/json?x=1');

      const post = await t.app.inject({
        method: 'POST',
        url: '/api/v1/x',
        headers: { host: 'blog.example.com', 'x-forwarded-proto': 'http' },
      });
      expect(post.statusCode).toBe(308);

      const secure = await t.app.inject({
        method: 'GET',
        url: '/docs/json',
        headers: { host: 'blog.example.com', 'x-forwarded-proto': 'https' },
      });
      expect(secure.statusCode).toBe(200);

      const probe = await t.app.inject({
        method: 'GET',
        url: '/health/ready',
        headers: { 'x-forwarded-proto': 'http' },
      });
      expect(probe.statusCode).toBe(200);
    } finally {
      await t.close();
    }
  });

  it('ignores X-Forwarded-Proto when the proxy is not trusted', async () => {
    const t = await createEdgeApp('pglite', { env: { HTTPS_REDIRECT_ENABLED: 'true' } });
    try {
      const res = await t.app.inject({
        method: 'GET',
        url: '/docs/json',
        headers: { host: 'blog.example.com', 'x-forwarded-proto': 'https' },
      });
      expect(res.statusCode).toBe(301);
    } finally {
      await t.close();
    }
  });
});
