import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, redisUrl, type TestDatabase } from '../support/database.ts';
import { runCli, type ServerProcess, startServerProcess } from '../support/processes.ts';

describe('the real server process (embedded database)', () => {
  let dataDir: string;
  let server: ServerProcess;
  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'blogsmith-smoke-'));
    server = await startServerProcess({ DATA_DIR: dataDir });
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers health, readiness, metrics and the OpenAPI document over TCP', async () => {
    const health = await fetch(`${server.base}/health`);
    expect(health.status).toBe(200);
    expect((await health.json()).status).toBe('ok');

    const ready = await fetch(`${server.base}/health/ready`);
    expect(ready.status).toBe(200);
    const readiness = await ready.json();
    expect(readiness.checks.database).toMatchObject({ status: 'ok', kind: 'pglite' });

    const metrics = await fetch(`${server.base}/metrics`);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
    const families = parsePrometheusTextFormat(await metrics.text());
    const total = families.find((f) => f.name === 'http_requests_total');
    expect(total?.metrics.some((m) => m.labels?.route === '/health/ready')).toBe(true);

    const docs = await fetch(`${server.base}/docs/json`);
    expect(docs.status).toBe(200);
    const spec = await docs.json();
    expect(spec.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(typeof spec.info.title).toBe('string');
    expect(typeof spec.info.version).toBe('string');
    for (const p of ['/health', '/health/ready', '/health/db', '/metrics']) {
      expect(spec.paths[p]?.get?.responses, p).toBeDefined();
    }
  });
});

describe('graceful shutdown', () => {
  it('finishes a request in flight on SIGTERM, refuses new connections and exits 0', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'blogsmith-drain-'));
    const server = await startServerProcess({ DATA_DIR: dataDir });
    try {
      // A real request held open by a slow body upload.
      const socket = connect(server.port, '127.0.0.1');
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      let response = '';
      socket.on('data', (d) => {
        response += String(d);
      });
      const body = JSON.stringify({ title: 'draft', words: 1200 });
      socket.write(
        `POST /api/v1/slow-upload HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body.slice(0, 5)}`,
      );
      await new Promise((r) => setTimeout(r, 300));
      const signalledAt = Date.now();
      server.child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 700));
      // The listener is closed for newcomers while the upload is still open.
      await expect(fetch(`${server.base}/health`)).rejects.toThrow();
      socket.write(body.slice(5));
      await new Promise<void>((resolve) => socket.once('close', () => resolve()));
      expect(response).toMatch(/^HTTP\/1\.1 404 /);
      expect(response).toContain('"code":"not_found"');
      const code = await server.exited;
      expect(code).toBe(0);
      expect(Date.now() - signalledAt).toBeLessThan(10_000);
    } finally {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('bad configuration', () => {
  it('prints one message listing every problem and exits non-zero', async () => {
    const child = runCli(['serve'], { PORT: 'abc', SECRET_KEY: 'short', REDIS_URL: 'http://nope' });
    let stderr = '';
    child.stderr?.on('data', (d) => {
      stderr += String(d);
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    expect(code).not.toBe(0);
    expect(stderr.match(/Invalid configuration/g)).toHaveLength(1);
    expect(stderr).toContain('PORT:');
    expect(stderr).toContain('SECRET_KEY:');
    expect(stderr).toContain('REDIS_URL:');
  });
});

describe('two processes on one PostgreSQL and one Redis', () => {
  let database: TestDatabase;
  const servers: ServerProcess[] = [];
  beforeAll(async () => {
    database = await createTestDatabase('postgres');
  });
  afterAll(async () => {
    for (const s of servers) await s.stop();
    await database.drop();
  });

  it('share one rate-limit budget', async () => {
    const env = { DATABASE_URL: String(database.url), REDIS_URL: redisUrl, RATE_LIMIT_GENERAL: '6' };
    // Sequential start: both run migrations on the same database.
    servers.push(await startServerProcess(env));
    servers.push(await startServerProcess(env));
    // The same client (same key header) against a real API route on both processes.
    const auth = { authorization: `Bearer bsk_${randomBytes(12).toString('hex')}` };
    const codes: number[] = [];
    for (let i = 0; i < 4; i++) {
      for (const s of servers) {
        const res = await fetch(`${s.base}/api/v1/setup`, { headers: auth });
        codes.push(res.status);
      }
    }
    // Each process alone would allow 6; together they allowed 6 and refused the rest.
    expect(codes.filter((c) => c === 200)).toHaveLength(6);
    expect(codes.slice(6)).toEqual([429, 429]);
    const ready = await (await fetch(`${servers[0]?.base}/health/ready`)).json();
    expect(ready.checks.redis.status).toBe('ok');
  });
});
