// A receiver that never answers holds at most two of the process's delivery slots, for its deadline:
// a healthy endpoint of the same workspace gets its deliveries meanwhile (endpoints take turns).
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.ts';
import { appJobs } from '../../src/jobs/job-map.ts';
import { createJobQueue, type JobQueue } from '../../src/jobs/queue.ts';
import { deliveryConcurrency, handleWebhookJobs, sendDeliveries } from '../../src/webhooks/delivery-job.ts';
import { recordDeliveries } from '../../src/webhooks/delivery-store.ts';
import { createWebhook } from '../../src/webhooks/webhook-service.ts';
import { type LocalServer, startServer } from '../research/local-server.ts';
import { insertWorkspace, openMigratedDatabase } from '../support/migrated-database.ts';

const logger = pino({ level: 'silent' });
// Each attempt's deadline here (10 s live): the healthy endpoint must not wait for any of them.
const attemptTimeoutMs = 8000;

describe('a receiver that never answers', () => {
  let db: { database: Database; close(): Promise<void> };
  let queue: JobQueue;
  let receiver: LocalServer;
  beforeAll(async () => {
    db = await openMigratedDatabase('pglite');
    queue = createJobQueue({
      database: db.database,
      logger,
      jobs: { 'webhook.deliver': appJobs['webhook.deliver'] } as unknown as typeof appJobs,
    });
    receiver = await startServer({
      '/hang': () => new Promise(() => {}),
      '/ok': (_req, res) => res.writeHead(200).end('ok'),
    });
  }, 60_000);
  afterAll(async () => {
    await queue?.stop(1000);
    await receiver?.close();
    await db?.close();
  });

  it("does not hold a healthy endpoint's deliveries behind its own", async () => {
    const deps = {
      database: db.database,
      secretKey: 'test-secret-key-that-is-long-enough-0123456789',
      config: { FETCH_ALLOW_HOSTS: ['127.0.0.1'] },
      logger,
      queue,
      attemptTimeoutMs,
    };
    handleWebhookJobs(deps);
    await queue.start({ work: true });
    const scope = { workspaceId: await insertWorkspace(db.database), userId: randomUUID() };
    await createWebhook(deps, scope, { url: `${receiver.url}/hang`, events: ['document.ready'] });
    await createWebhook(deps, scope, { url: `${receiver.url}/ok`, events: ['document.ready'] });
    const started = Date.now();
    const events = 10;
    for (let i = 0; i < events; i++)
      await sendDeliveries(
        deps,
        await recordDeliveries(db.database.db, {
          workspaceId: scope.workspaceId,
          event: 'document.ready',
          data: { id: randomUUID() },
        }),
      );
    const hits = (path: string) => receiver.received.filter((r) => r.url.pathname === path).length;
    while (hits('/ok') < events && Date.now() - started < attemptTimeoutMs)
      await new Promise((r) => setTimeout(r, 50));
    expect(hits('/ok')).toBe(events);
    // Before any of its attempts ended, the hanging endpoint had no more than its share.
    expect(Date.now() - started).toBeLessThan(attemptTimeoutMs);
    expect(hits('/hang')).toBeLessThanOrEqual(deliveryConcurrency.perEndpoint);
  });
});
