import type { AddressInfo } from 'node:net';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startMetricsServer } from '../../src/observability/metrics-server.ts';
import { buildOpenApiDocument } from '../../src/server/openapi-document.ts';
import { createEdgeApp, type EdgeApp } from '../server/edge-app.ts';
import { backends } from '../support/database.ts';

describe.each(backends)('GET /metrics (%s)', (backend) => {
  let t: EdgeApp;
  beforeAll(async () => {
    t = await createEdgeApp(backend, {
      routes: (app) => {
        app.get(
          '/test/items/:id',
          {
            schema: { params: z.object({ id: z.string() }), response: { 200: z.object({ id: z.string() }) } },
          },
          async (request) => ({ id: request.params.id }),
        );
      },
    });
  });
  afterAll(async () => t.close());

  it('serves Prometheus text with HTTP metrics labelled by route template, never raw paths', async () => {
    for (const id of ['a1', 'b2', 'c3']) await t.app.inject({ method: 'GET', url: `/test/items/${id}` });
    await t.app.inject({ method: 'GET', url: '/no/such/path/xyz123' });

    const res = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    // The OpenAPI document says so too: a client generated from it parsed the text as JSON.
    const documented = (await buildOpenApiDocument()) as {
      paths: Record<string, { get: { responses: Record<string, { content: Record<string, unknown> }> } }>;
    };
    expect(Object.keys(documented.paths['/metrics']!.get.responses['200']!.content)).toEqual(['text/plain']);
    expect(res.body).not.toContain('a1');
    expect(res.body).not.toContain('xyz123');

    const families = parsePrometheusTextFormat(res.body);
    const total = families.find((f) => f.name === 'http_requests_total');
    expect(total?.type).toBe('COUNTER');
    const items = total?.metrics.find(
      (m) => m.labels?.route === '/test/items/:id' && m.labels.method === 'GET' && m.labels.status === '200',
    );
    expect(Number(items?.value)).toBeGreaterThanOrEqual(3);
    const unmatched = total?.metrics.find(
      (m) => m.labels?.route === 'unmatched' && m.labels.status === '404',
    );
    expect(Number(unmatched?.value)).toBeGreaterThanOrEqual(1);

    const duration = families.find((f) => f.name === 'http_request_duration_seconds');
    expect(duration?.type).toBe('HISTOGRAM');
    // This parser folds labelled histogram series into one unlabelled sample, so the per-route
    // series are read by parsing the `_count` sample lines on their own (an untyped family).
    const countLines = res.body
      .split('\n')
      .filter((l) => l.startsWith('http_request_duration_seconds_count{'));
    const [counts] = parsePrometheusTextFormat(`${countLines.join('\n')}\n`);
    const timed = counts?.metrics.find(
      (m) => m.labels?.route === '/test/items/:id' && m.labels.status === '200',
    );
    expect(Number(timed?.value)).toBeGreaterThanOrEqual(3);
    expect(
      counts?.metrics.every((m) => m.labels?.route?.startsWith('/') || m.labels?.route === 'unmatched'),
    ).toBe(true);

    // The process metrics registered elsewhere are still there.
    expect(families.some((f) => f.name === 'process_cpu_user_seconds_total')).toBe(true);
  });
});

describe('GET /metrics with METRICS_TOKEN', () => {
  const token = 'metrics-token-0123456789abcdef';
  let t: EdgeApp;
  beforeAll(async () => {
    t = await createEdgeApp('pglite', { env: { METRICS_TOKEN: token } });
  });
  afterAll(async () => t.close());

  it('answers 401 without the bearer token and the metrics with it', async () => {
    const anonymous = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().error.code).toBe('unauthenticated');
    expect(anonymous.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(anonymous.body).not.toContain('http_requests_total');
    for (const authorization of [`Bearer ${token}x`, `Basic ${token}`, token, 'Bearer '])
      expect(
        (await t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization } })).statusCode,
      ).toBe(401);
    const scraped = await t.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(scraped.statusCode).toBe(200);
    expect(scraped.body).toContain('http_requests_total');
  });
});

describe("the worker's metrics listener with METRICS_TOKEN", () => {
  it('asks for the token on /metrics, as the API does, and leaves /health open for the probes', async () => {
    const token = 'worker-metrics-token-0123456789';
    const server = await startMetricsServer('127.0.0.1', 0, token);
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const anonymous = await fetch(`${base}/metrics`);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(((await anonymous.json()) as { error: { code: string } }).error.code).toBe('unauthenticated');
      const wrong = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${token}x` } });
      expect(wrong.status).toBe(401);
      const scraped = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${token}` } });
      expect(scraped.status).toBe(200);
      expect(await scraped.text()).toContain('process_cpu_user_seconds_total');
      expect((await fetch(`${base}/health`)).status).toBe(200);
    } finally {
      server.close();
    }
  });
});
