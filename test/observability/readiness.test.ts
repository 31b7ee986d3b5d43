import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReadinessRegistry } from '../../src/observability/readiness.ts';
import { createEdgeApp, type EdgeApp } from '../server/edge-app.ts';
import { adminUrl, backends } from '../support/database.ts';

describe.each(backends)('readiness (%s)', (backend) => {
  let t: EdgeApp;
  beforeAll(async () => {
    t = await createEdgeApp(backend);
  });
  afterAll(async () => t.close());

  it.each(['/health/ready', '/health/db'])('%s reports the database check', async (url) => {
    const res = await t.app.inject({ method: 'GET', url });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.checks.database).toMatchObject({ status: 'ok', kind: backend });
    expect(body.checks.database.latency_ms).toBeGreaterThanOrEqual(0);
    expect(typeof body.checks.pgvector.available).toBe('boolean');
    // pgvector is optional: without it the process is degraded, not down.
    expect(body.status).toBe(body.checks.pgvector.available ? 'ok' : 'degraded');
    // The guides read `/health/db`'s `.database.latency_ms` and `.database.connected`.
    if (url === '/health/db') expect(body.database).toEqual({ ...body.checks.database, connected: true });
    else expect(body.database).toBeUndefined();
  });

  it('takes an extra check with one call (as the job queue does)', async () => {
    t.app.readiness.add({ name: 'queue', required: false, run: async () => ({ status: 'error' }) });
    const res = await t.app.inject({ method: 'GET', url: '/health/ready' });
    expect(res.statusCode).toBe(200);
    expect(res.json().status).toBe('degraded');
    expect(res.json().checks.queue).toEqual({ status: 'error' });
  });
});

describe('readiness when the database is gone', () => {
  it('answers 503 with status error after the PostgreSQL database is dropped', async () => {
    const t = await createEdgeApp('postgres');
    try {
      const name = new URL(String(t.runtime.config.DATABASE_URL)).pathname.slice(1);
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
      await admin.end();

      const res = await t.app.inject({ method: 'GET', url: '/health/ready' });
      expect(res.statusCode).toBe(503);
      expect(res.json().status).toBe('error');
      expect(res.json().checks.database.status).toBe('error');
      const db = await t.app.inject({ method: 'GET', url: '/health/db' });
      expect(db.statusCode).toBe(503);
      expect(db.json().database).toMatchObject({ status: 'error', connected: false });
      // Liveness does not depend on the database.
      expect((await t.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    } finally {
      await t.close();
    }
  });
});

describe('ReadinessRegistry', () => {
  it('is degraded for a failing optional check and error for a failing required one', async () => {
    const registry = new ReadinessRegistry();
    registry.add({ name: 'cache', required: false, run: async () => ({ status: 'error' }) });
    expect((await registry.report()).status).toBe('degraded');
    registry.add({
      name: 'db',
      required: true,
      run: async () => {
        throw new Error('password=hunter2');
      },
    });
    const report = await registry.report();
    expect(report.status).toBe('error');
    expect(JSON.stringify(report)).not.toContain('hunter2');
  });
});
