// One delivery attempt against a real receiver on 127.0.0.1: signed, a redirect not followed, a
// deadline, the answer's start kept, and a private address refused without the operator's allow list.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attemptDelivery } from '../../src/webhooks/deliver.ts';
import { newWebhookSecret } from '../../src/webhooks/signature.ts';
import { type LocalServer, redirect, startServer } from '../research/local-server.ts';
import { verifyDelivery } from './receiver.ts';

describe('a webhook delivery attempt', () => {
  let receiver: LocalServer;
  const secret = newWebhookSecret();
  const body = JSON.stringify({ type: 'webhook.test', timestamp: new Date().toISOString(), data: {} });
  const messageId = '6f1f6c3e-1111-4222-8333-444455556666';
  const allowHosts = ['127.0.0.1'];
  const send = (path: string, opts: { timeoutMs?: number; allow?: string[] } = {}) =>
    attemptDelivery(
      { url: `${receiver.url}${path}`, secret, messageId, body },
      { allowHosts: opts.allow ?? allowHosts, ...(opts.timeoutMs && { timeoutMs: opts.timeoutMs }) },
    );
  const hits = (path: string) => receiver.received.filter((r) => r.url.pathname === path);

  beforeAll(async () => {
    receiver = await startServer({
      '/ok': (_req, res) => res.writeHead(204).end(),
      '/fail': (_req, res) => res.writeHead(500, { 'content-type': 'text/plain' }).end('database down'),
      '/moved': (_req, res) => redirect(res, '/ok'),
      '/slow': async (_req, res) => {
        await new Promise((r) => setTimeout(r, 2000));
        res.writeHead(200).end();
      },
      '/busy': (_req, res) => res.writeHead(429, { 'retry-after': '120' }).end(),
      '/gone': (_req, res) => res.writeHead(410).end(),
      '/chatty': (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('é'.repeat(5000)),
      // The status at once, then a body that never ends.
      '/open': (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('accepted');
      },
    });
  });
  afterAll(async () => receiver?.close());

  it('posts the body signed, and a 2xx is a success', async () => {
    const result = await send('/ok');
    expect(result).toMatchObject({ ok: true, statusCode: 204, error: null });
    const [received] = hits('/ok');
    expect(received!.method).toBe('POST');
    expect(received!.headers['content-type']).toBe('application/json');
    expect(received!.headers['user-agent']).toBe('Blogsmith-Webhooks/1');
    expect(received!.headers['webhook-id']).toBe(messageId);
    expect(verifyDelivery(secret, received!)).toEqual(JSON.parse(body));
  });

  it('reports a 5xx with the start of its answer', async () => {
    expect(await send('/fail')).toMatchObject({
      ok: false,
      statusCode: 500,
      error: 'the receiver answered 500',
      responseExcerpt: 'database down',
    });
  });

  it('keeps at most 1 KB of an answer, whole characters only', async () => {
    const result = await send('/chatty');
    expect(result.ok).toBe(true);
    expect(Buffer.byteLength(result.responseExcerpt!)).toBeLessThanOrEqual(1024);
    expect(result.responseExcerpt).toBe('é'.repeat(512));
  });

  it('does not follow a redirect: a 3xx is a failure', async () => {
    const before = hits('/ok').length;
    const result = await send('/moved');
    expect(result).toMatchObject({ ok: false, error: expect.stringMatching(/redirect/) });
    expect(result.refused).toBeUndefined();
    expect(hits('/ok')).toHaveLength(before);
  });

  it('gives up on a receiver slower than the deadline', async () => {
    const started = Date.now();
    const result = await send('/slow', { timeoutMs: 300 });
    expect(result).toMatchObject({ ok: false, statusCode: null, error: 'no answer within 0.3 s' });
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('takes the status for the outcome once it has come, however long the body goes on', async () => {
    const started = Date.now();
    const result = await send('/open', { timeoutMs: 5000 });
    expect(result).toMatchObject({ ok: true, statusCode: 200, error: null, responseExcerpt: 'accepted' });
    // The excerpt's own deadline (2 s), not the status's.
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it('passes on the wait a 429 asks for, and tells a 410', async () => {
    expect(await send('/busy')).toMatchObject({ ok: false, statusCode: 429, retryAfterMs: 120_000 });
    expect(await send('/gone')).toMatchObject({ ok: false, statusCode: 410, gone: true });
  });

  it('refuses a private address unless the operator allows it, and sends it nothing', async () => {
    const before = receiver.received.length;
    const result = await send('/ok', { allow: [] });
    expect(result).toMatchObject({ ok: false, statusCode: null, refused: true });
    expect(result.error).toBe("the receiver's address is not public (refused)");
    expect(receiver.received).toHaveLength(before);
  });

  it("does not tell what a refused receiver's name resolves to (only the server's log does)", async () => {
    const result = await attemptDelivery(
      { url: `http://hooks.internal:${receiver.port}/ok`, secret, messageId, body },
      { allowHosts: [], resolver: async () => [{ address: '10.1.2.3', family: 4 }] },
    );
    expect(result).toMatchObject({
      ok: false,
      refused: true,
      error: "the receiver's address is not public (refused)",
      resolvedTo: expect.stringContaining('10.1.2.3'),
    });
  });
});
