// The audit log is kept AUDIT_RETENTION_DAYS: a process that works jobs deletes older entries when
// it starts and hourly after, on both databases; 0 keeps every entry.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pruneAudit } from '../../src/accounts/audit-retention.ts';
import { auditLog } from '../../src/db/schema/index.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { backends } from '../support/database.ts';

const day = 24 * 3600_000;

describe.each(backends)('audit retention (%s)', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend, { AUDIT_RETENTION_DAYS: '30' });
  }, 60_000);
  afterAll(async () => t.close());

  const actions = async () =>
    (await t.runtime.database.db.select({ action: auditLog.action }).from(auditLog))
      .map((r) => r.action)
      .sort();
  const record = (action: string, ageDays: number) =>
    t.runtime.database.db
      .insert(auditLog)
      .values({ action, createdAt: new Date(Date.now() - ageDays * day) });

  it('keeps what is younger than the retention and deletes the rest, as soon as the worker starts', async () => {
    await record('old.a', 400);
    await record('old.b', 31);
    await record('recent.a', 29);
    await record('recent.b', 0);
    await t.runtime.queue.start({ work: true });
    await expect.poll(actions, { timeout: 10_000 }).toEqual(['recent.a', 'recent.b']);
  });

  it('keeps every entry with a retention of 0', async () => {
    await record('ancient', 10_000);
    expect(await pruneAudit(t.runtime.database, 0)).toBe(0);
    expect(await actions()).toContain('ancient');
    expect(await pruneAudit(t.runtime.database, 30)).toBe(1);
    expect(await actions()).toEqual(['recent.a', 'recent.b']);
  });
});
