// The article event stream is written past Fastify (reply.hijack() and raw writes), so nothing
// Fastify would add when sending a reply is added for it. Over real HTTP, it must still carry what
// every other route's response carries: CORS for an allowed origin, rate-limit and security headers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer } from '../support/accounts.ts';
import type { TestApp } from '../support/app.ts';
import { startArticleStreamApp } from './article-stream-app.ts';

const origin = 'https://writer.example.com';
// Headers about the body or the connection, which a stream and a JSON reply rightly differ in.
const bodyHeaders = new Set([
  'content-type',
  'content-length',
  'date',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'cache-control',
  'etag',
  'x-accel-buffering',
]);

describe('article event stream headers', () => {
  let t: TestApp;
  let base: string;
  let key: string;
  let articleId: string;

  beforeAll(async () => {
    ({ t, base, key, articleId } = await startArticleStreamApp(
      { ALLOWED_ORIGINS: origin, RATE_LIMIT_ENABLED: 'true' },
      { topic: 'Finished article', status: 'completed' },
    ));
  }, 60_000);
  afterAll(async () => t?.close());

  const get = (path: string, from = origin) =>
    fetch(`${base}${path}`, { headers: { ...bearer(key), origin: from } });
  const names = (res: Response) => [...res.headers.keys()].filter((name) => !bodyHeaders.has(name));

  it('carries the CORS, rate-limit and security headers of any other response', async () => {
    const plain = await get(`/api/v1/articles/${articleId}`);
    expect(plain.status).toBe(200);
    await plain.arrayBuffer();
    const stream = await get(`/api/v1/articles/${articleId}/events`);
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    await stream.text();

    expect(names(plain)).toEqual(
      expect.arrayContaining([
        'access-control-allow-origin',
        'x-ratelimit-limit',
        'x-ratelimit-remaining',
        'content-security-policy',
      ]),
    );
    expect(names(stream).sort()).toEqual(names(plain).sort());
    expect(stream.headers.get('access-control-allow-origin')).toBe(origin);
    expect(stream.headers.get('access-control-allow-credentials')).toBe('true');
    expect(stream.headers.get('access-control-expose-headers')).toBe(
      plain.headers.get('access-control-expose-headers'),
    );
    expect(stream.headers.get('vary')).toBe(plain.headers.get('vary'));
    expect(stream.headers.get('x-ratelimit-limit')).toBe(plain.headers.get('x-ratelimit-limit'));
    // Counted like any request: one less left than after the previous one.
    expect(Number(stream.headers.get('x-ratelimit-remaining'))).toBe(
      Number(plain.headers.get('x-ratelimit-remaining')) - 1,
    );
    expect(stream.headers.get('content-security-policy')).toBe(plain.headers.get('content-security-policy'));
  });

  it('gives no CORS grant to an origin not on the list', async () => {
    const stream = await get(`/api/v1/articles/${articleId}/events`, 'https://evil.example.com');
    expect(stream.status).toBe(200);
    await stream.text();
    expect(stream.headers.get('access-control-allow-origin')).toBeNull();
    expect(stream.headers.get('x-ratelimit-limit')).not.toBeNull();
  });
});
