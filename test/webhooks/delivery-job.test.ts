// Deliveries through the store and the job's attempts, on both databases, against a real receiver:
// recorded only for enabled endpoints that subscribe, retried with backoff on the same webhook-id,
// 410 disabling the endpoint, the attempts' limit, the sweep for lost jobs and the log's pruning.
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.ts';
import { appJobs } from '../../src/jobs/job-map.ts';
import { createJobQueue, type JobQueue } from '../../src/jobs/queue.ts';
import { metricsRegistry } from '../../src/observability/metrics.ts';
import { runDeliveryAttempt, type WebhookJobDeps } from '../../src/webhooks/delivery-job.ts';
import {
  deliveriesWithoutJob,
  listDeliveries,
  pruneDeliveries,
  recordDeliveries,
} from '../../src/webhooks/delivery-store.ts';
import { maxAttempts } from '../../src/webhooks/retry-schedule.ts';
import { createWebhook, getWebhook, updateWebhook } from '../../src/webhooks/webhook-service.ts';
import { type LocalServer, startServer } from '../research/local-server.ts';
import { backends } from '../support/database.ts';
import { insertWorkspace, openMigratedDatabase } from '../support/migrated-database.ts';
import { verifyDelivery } from './receiver.ts';

const logger = pino({ level: 'silent' });

describe.each(backends)('webhook deliveries (%s)', (backend) => {
  let db: { database: Database; close(): Promise<void> };
  let queue: JobQueue;
  let receiver: LocalServer;
  let workspaceId: string;
  let scope: { workspaceId: string; userId: string };
  const sent: Array<{ deliveryId: string; startAfter: Date | number | undefined }> = [];
  let deps: WebhookJobDeps;
  let failuresLeft = 0;

  beforeAll(async () => {
    db = await openMigratedDatabase(backend);
    // pg-boss's tables: the sweep asks them whether a job is waiting.
    queue = createJobQueue({ database: db.database, logger, jobs: appJobs });
    await queue.start({ work: false });
    receiver = await startServer({
      '/flaky': (_req, res) => {
        if (failuresLeft-- > 0) res.writeHead(500).end('try later');
        else res.writeHead(200).end('thanks');
      },
      '/gone': (_req, res) => res.writeHead(410).end(),
      '/down': (_req, res) => res.writeHead(503).end(),
      // Answers PostgreSQL cannot store as they are: NUL bytes (binary, UTF-16).
      '/binary': (_req, res) =>
        res
          .writeHead(200, { 'content-type': 'application/octet-stream' })
          .end(Buffer.from([0x6f, 0x6b, 0x00])),
      '/utf16': (_req, res) =>
        res
          .writeHead(200, { 'content-type': 'text/plain; charset=utf-16le' })
          .end(Buffer.from('ok', 'utf16le')),
    });
    workspaceId = await insertWorkspace(db.database);
    scope = { workspaceId, userId: randomUUID() };
    deps = {
      database: db.database,
      secretKey: 'test-secret-key-that-is-long-enough-0123456789',
      config: { FETCH_ALLOW_HOSTS: ['127.0.0.1'] },
      logger,
      queue: {
        send: async (_name, payload, opts) => {
          sent.push({
            deliveryId: (payload as { deliveryId: string }).deliveryId,
            startAfter: opts?.startAfter,
          });
          return randomUUID();
        },
      },
    };
  }, 60_000);
  afterAll(async () => {
    await queue?.stop(2000);
    await receiver?.close();
    await db?.close();
  });

  const hook = (path: string, events: ('article.completed' | 'document.ready')[] = ['article.completed']) =>
    createWebhook(deps, scope, { url: `${receiver.url}${path}`, events });
  const record = (event: 'article.completed' | 'document.ready' = 'article.completed') =>
    recordDeliveries(db.database.db, { workspaceId, event, data: { id: randomUUID() } });
  const delivery = async (webhookId: string, id: string) =>
    (await listDeliveries(db.database, scope, webhookId, { limit: 100 })).find((d) => d.id === id)!;
  // What the backoff's wait stands for: the attempt is due now.
  const makeDue = (id: string) =>
    db.database.query('UPDATE webhook_deliveries SET next_attempt_at = now() WHERE id = $1', [id]);

  it('records an event once per enabled endpoint that subscribes to it', async () => {
    const a = await hook('/flaky');
    const b = await hook('/flaky', ['article.completed', 'document.ready']);
    const other = await hook('/flaky', ['document.ready']);
    const off = await hook('/flaky');
    await updateWebhook(deps, scope, off.webhook.id, { enabled: false });
    const elsewhere = await insertWorkspace(db.database);
    await createWebhook(
      deps,
      { workspaceId: elsewhere, userId: randomUUID() },
      {
        url: `${receiver.url}/flaky`,
        events: ['article.completed'],
      },
    );

    const recorded = await record();
    expect(recorded).toHaveLength(2);
    const { rows } = await db.database.query<{ webhook_id: string }>(
      'SELECT webhook_id FROM webhook_deliveries WHERE id = ANY($1::uuid[])',
      [recorded.map((r) => r.deliveryId)],
    );
    expect(rows.map((r) => r.webhook_id).sort()).toEqual([a.webhook.id, b.webhook.id].sort());
    for (const id of [a, b, other, off])
      await db.database.query('DELETE FROM webhooks WHERE id = $1', [id.webhook.id]);
  });

  it('retries a 500 after a backoff, with the same webhook-id and a fresh signature', async () => {
    const { webhook, secret } = await hook('/flaky');
    const [recorded] = await record();
    failuresLeft = 1;
    const before = receiver.received.length;
    const started = Date.now();

    await runDeliveryAttempt(deps, recorded!);
    let row = await delivery(webhook.id, recorded!.deliveryId);
    expect(row).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastStatusCode: 500,
      responseExcerpt: 'try later',
    });
    // 30 s ± 20 %, and the next attempt's job sent to start then.
    const wait = row.nextAttemptAt!.getTime() - started;
    expect(wait).toBeGreaterThan(23_000);
    expect(wait).toBeLessThan(37_000);
    expect(sent.at(-1)).toEqual({ deliveryId: recorded!.deliveryId, startAfter: row.nextAttemptAt });

    // A job that comes early (a duplicate) sends nothing.
    await runDeliveryAttempt(deps, recorded!);
    expect(receiver.received.length - before).toBe(1);

    await makeDue(recorded!.deliveryId);
    await runDeliveryAttempt(deps, recorded!);
    row = await delivery(webhook.id, recorded!.deliveryId);
    expect(row).toMatchObject({ status: 'succeeded', attempts: 2, lastStatusCode: 200, nextAttemptAt: null });
    expect(row.completedAt).toBeInstanceOf(Date);
    const [first, second] = receiver.received.slice(before);
    expect(first!.headers['webhook-id']).toBe(recorded!.deliveryId);
    expect(second!.headers['webhook-id']).toBe(recorded!.deliveryId);
    expect(verifyDelivery(secret, second!)).toMatchObject({ type: 'article.completed' });
    const metrics = await metricsRegistry.getSingleMetricAsString('webhook_deliveries_total');
    expect(metrics).toMatch(/webhook_deliveries_total\{outcome="retrying"\} [1-9]/);
    expect(metrics).toMatch(/webhook_deliveries_total\{outcome="succeeded"\} [1-9]/);
    await db.database.query('DELETE FROM webhooks WHERE id = $1', [webhook.id]);
  });

  it(`fails a delivery after ${maxAttempts} attempts`, async () => {
    const { webhook } = await hook('/down');
    const [recorded] = await record();
    for (let i = 0; i < maxAttempts; i++) {
      await makeDue(recorded!.deliveryId);
      await runDeliveryAttempt(deps, recorded!);
    }
    const row = await delivery(webhook.id, recorded!.deliveryId);
    expect(row).toMatchObject({
      status: 'failed',
      attempts: maxAttempts,
      lastStatusCode: 503,
      nextAttemptAt: null,
    });
    expect(row.lastError).toMatch(/gave up after 8 attempts/);
    await db.database.query('DELETE FROM webhooks WHERE id = $1', [webhook.id]);
  });

  it('records an answer holding NUL bytes: the delivery succeeds once', async () => {
    for (const path of ['/binary', '/utf16']) {
      const { webhook } = await hook(path);
      const [recorded] = await record();
      await runDeliveryAttempt(deps, recorded!);
      expect(await delivery(webhook.id, recorded!.deliveryId)).toMatchObject({
        status: 'succeeded',
        attempts: 1,
        lastStatusCode: 200,
        responseExcerpt: 'ok',
      });
      await db.database.query('DELETE FROM webhooks WHERE id = $1', [webhook.id]);
    }
  });

  it(`fails, without sending, a due delivery that has had ${maxAttempts} attempts`, async () => {
    // Attempts whose outcomes could not be recorded: the row stayed pending, the count went on.
    const { webhook } = await hook('/flaky');
    const [recorded] = await record();
    await db.database.query('UPDATE webhook_deliveries SET attempts = $2 WHERE id = $1', [
      recorded!.deliveryId,
      maxAttempts,
    ]);
    const before = receiver.received.length;
    await runDeliveryAttempt(deps, recorded!);
    expect(receiver.received.length).toBe(before);
    const row = await delivery(webhook.id, recorded!.deliveryId);
    expect(row).toMatchObject({ status: 'failed', attempts: maxAttempts, nextAttemptAt: null });
    expect(row.lastError).toBe(`gave up after ${maxAttempts} attempts`);
    await db.database.query('DELETE FROM webhooks WHERE id = $1', [webhook.id]);
  });

  it('disables an endpoint that answers 410 Gone, failing its other pending deliveries', async () => {
    const { webhook } = await hook('/gone');
    const [first] = await record();
    const [second] = await record();
    await runDeliveryAttempt(deps, first!);
    expect(await delivery(webhook.id, first!.deliveryId)).toMatchObject({
      status: 'failed',
      lastStatusCode: 410,
    });
    expect(await delivery(webhook.id, second!.deliveryId)).toMatchObject({ status: 'failed', attempts: 0 });
    const after = await getWebhook(deps, scope, webhook.id);
    expect(after).toMatchObject({ enabled: false, disabledReason: expect.stringMatching(/410 Gone/) });
    // Nothing more is recorded for it; enabling it clears the reason.
    expect(await record()).toEqual([]);
    expect(await updateWebhook(deps, scope, webhook.id, { enabled: true })).toMatchObject({
      disabledReason: null,
    });
    await db.database.query('DELETE FROM webhooks WHERE id = $1', [webhook.id]);
  });

  it('sends a job again for a due delivery whose job was lost, once', async () => {
    const { webhook } = await hook('/flaky');
    const [recorded] = await record();
    await db.database.query(
      "UPDATE webhook_deliveries SET next_attempt_at = now() - interval '5 minutes' WHERE id = $1",
      [recorded!.deliveryId],
    );
    expect(await deliveriesWithoutJob(db.database, 60, 100)).toEqual([recorded]);
    await queue.send('webhook.deliver', recorded!);
    expect(await deliveriesWithoutJob(db.database, 60, 100)).toEqual([]);
    await db.database.query('DELETE FROM webhooks WHERE id = $1', [webhook.id]);
  });

  it('keeps the newest finished deliveries of each endpoint, and none past the age bound', async () => {
    const { webhook } = await hook('/flaky');
    for (let i = 0; i < 5; i++) await record();
    await db.database.query(
      `UPDATE webhook_deliveries SET status = 'succeeded', created_at = now() - make_interval(mins => n::int)
         FROM (SELECT id AS did, row_number() OVER (ORDER BY id) AS n FROM webhook_deliveries WHERE webhook_id = $1) s
        WHERE id = s.did`,
      [webhook.id],
    );
    const [pending] = await record();
    expect(await pruneDeliveries(db.database, { keepPerWebhook: 3, maxAgeDays: 30 })).toBe(2);
    let left = await listDeliveries(db.database, scope, webhook.id, { limit: 100 });
    expect(left).toHaveLength(4);
    expect(left[0]!.id).toBe(pending!.deliveryId);
    await db.database.query(
      "UPDATE webhook_deliveries SET created_at = now() - interval '31 days' WHERE webhook_id = $1",
      [webhook.id],
    );
    expect(await pruneDeliveries(db.database, { keepPerWebhook: 3, maxAgeDays: 30 })).toBe(3);
    left = await listDeliveries(db.database, scope, webhook.id, { limit: 100 });
    // A pending delivery is never pruned.
    expect(left.map((d) => d.id)).toEqual([pending!.deliveryId]);
  });
});
