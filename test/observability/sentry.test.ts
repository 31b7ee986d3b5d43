import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  captureJobFailure,
  closeSentry,
  initSentry,
  isProgrammingError,
} from '../../src/observability/sentry.ts';
import { createEdgeApp, type EdgeApp } from '../server/edge-app.ts';

// A stand-in for Sentry's ingestion endpoint: records the envelopes it is sent.
function startIngest() {
  const envelopes: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      envelopes.push(
        req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw).toString() : raw.toString(),
      );
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return { server, envelopes };
}

describe('Sentry', () => {
  let ingest: { server: Server; envelopes: string[] };
  let t: EdgeApp;
  beforeAll(async () => {
    ingest = startIngest();
    await new Promise<void>((resolve) => ingest.server.listen(0, '127.0.0.1', resolve));
    const { port } = ingest.server.address() as AddressInfo;
    const dsn = `http://publickey@127.0.0.1:${port}/42`;
    expect(await initSentry({ SENTRY_DSN: dsn, ENVIRONMENT: 'test' })).toBe(true);
    t = await createEdgeApp('pglite', {
      routes: (app) => {
        app.get('/test/crash', async () => {
          throw new Error('sentry-visible-crash');
        });
        app.get('/test/bad', async () => {
          throw Object.assign(new Error('sentry-invisible-client-error'), { statusCode: 400 });
        });
        app.post('/api/v1/invitations/:token/crash', async () => {
          throw new Error('sentry-visible-post-crash');
        });
      },
    });
    // Over a real socket: Sentry's HTTP instrumentation sees the server's requests, not inject's.
    await t.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await t.close();
    ingest.server.close();
  });

  it('is off without SENTRY_DSN', async () => {
    expect(await initSentry({ SENTRY_DSN: undefined, ENVIRONMENT: 'test' })).toBe(false);
  });

  it('reports server errors (5xx) and not client errors, with nothing of the request but its route', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/test/bad' })).statusCode).toBe(400);
    expect((await t.app.inject({ method: 'GET', url: '/test/crash' })).statusCode).toBe(500);
    const { port } = t.app.server.address() as AddressInfo;
    const crashed = await fetch(
      `http://127.0.0.1:${port}/api/v1/invitations/INVTOKEN0123456789abcdef/crash?email=alice%40example.com`,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-forwarded-for': '203.0.113.9',
        },
        body: JSON.stringify({ email: 'alice@example.com', password: 'hunter2-PASSWORD' }),
      },
    );
    expect(crashed.status).toBe(500);
    await closeSentry(5000);
    const sent = ingest.envelopes.join('\n');
    for (const secret of ['hunter2-PASSWORD', 'INVTOKEN0123456789abcdef', 'alice', '203.0.113.9'])
      expect(sent, secret).not.toContain(secret);
    expect(sent).toContain('POST /api/v1/invitations/:token/crash');
    expect(reported()).toEqual(['sentry-visible-crash', 'sentry-visible-post-crash']);
  });

  it('reports a background job that failed on a bug, not one a provider or the input failed', async () => {
    const { port } = ingest.server.address() as AddressInfo;
    await initSentry({ SENTRY_DSN: `http://publickey@127.0.0.1:${port}/42`, ENVIRONMENT: 'test' });
    ingest.envelopes.length = 0;
    const wrapped = new Error('step "sections" failed', { cause: new TypeError('job-bug-in-cause') });
    captureJobFailure(new TypeError('job-bug-direct'), { queue: 'document.ingest', job: 'j1' });
    captureJobFailure(wrapped, { queue: 'article.generate', article: 'a1' });
    captureJobFailure(new Error('job-provider-429'), { queue: 'article.generate' });
    captureJobFailure(new TypeError('fetch failed'), { queue: 'document.ingest' });
    await closeSentry(5000);
    // The wrapped one with its cause, linked as Sentry does.
    expect(reported()).toEqual(['job-bug-direct', 'job-bug-in-cause', 'step "sections" failed']);
    expect(ingest.envelopes.join('\n')).toContain('"queue":"document.ingest"');
    expect(isProgrammingError(new RangeError('Invalid array length'))).toBe(true);
    expect(isProgrammingError(new SyntaxError('Unexpected token } in JSON'))).toBe(false);
  });

  // Envelopes are newline-separated JSON items; events carry exception.values.
  const reported = () =>
    ingest.envelopes
      .flatMap((e) => e.split('\n'))
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { exception?: { values?: Array<{ value?: string }> } })
      .flatMap((item) => item.exception?.values?.map((v) => v.value) ?? []);
});
