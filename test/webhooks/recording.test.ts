// Recording an event's deliveries never costs the change it tells of: an endpoint deleted while an
// article or a document finishes (PostgreSQL, the delete's transaction still open) is waited for and
// skipped, a payload holding NUL is stored without it, and a change whose deliveries fail anyway is
// recorded without them.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { releaseRun } from '../../src/articles/lease-store.ts';
import { type Database, openDatabase } from '../../src/db/client.ts';
import { runMigrations } from '../../src/db/migrate.ts';
import { recordTellingWebhooks } from '../../src/webhooks/delivery-job.ts';
import { recordDeliveries } from '../../src/webhooks/delivery-store.ts';
import { createWebhook } from '../../src/webhooks/webhook-service.ts';
import { backends, createTestDatabase, type TestDatabase } from '../support/database.ts';
import { insertWorkspace } from '../support/migrated-database.ts';

const logger = pino({ level: 'silent' });
const finished = [
  { type: 'status', data: { status: 'completed' } },
  { type: 'done', data: { status: 'completed' } },
] as const;

// The races need a second connection: PostgreSQL (the embedded database has one).
describe.each([...backends.map((backend) => ({ backend, races: backend === 'postgres' }))])(
  'recording webhook deliveries ($backend)',
  ({ backend, races }) => {
    let created: TestDatabase;
    let database: Database;
    let workspaceId: string;
    beforeAll(async () => {
      created = await createTestDatabase(backend);
      database = created.url
        ? await openDatabase({ url: created.url })
        : await openDatabase({ dataDir: created.dataDir });
      await runMigrations(database);
      workspaceId = await insertWorkspace(database);
    }, 60_000);
    afterAll(async () => {
      await database?.close();
      await created?.drop();
    });

    const deps = () => ({
      database,
      secretKey: 'test-secret-key-that-is-long-enough-0123456789',
      config: { FETCH_ALLOW_HOSTS: [] },
      queue: { send: async () => '' },
      logger,
    });
    const hook = async () =>
      (
        await createWebhook(
          deps(),
          { workspaceId, userId: randomUUID() },
          { url: 'https://example.com/hook', events: ['article.completed', 'document.ready'] },
        )
      ).webhook;
    const runningArticle = async () => {
      const { rows } = await database.query<{ id: string }>(
        `INSERT INTO articles (workspace_id, brief, topic, status, lease_owner, lease_expires_at)
       VALUES ($1, '{}', 't', 'running', 'me', now() + interval '1 hour') RETURNING id`,
        [workspaceId],
      );
      return rows[0]!.id;
    };
    const articleStatus = async (id: string) =>
      (await database.query<{ status: string }>('SELECT status FROM articles WHERE id = $1', [id])).rows[0]!
        .status;

    /** Runs `change` while another connection's DELETE of the webhook is not yet committed. */
    async function duringDelete<T>(webhookId: string, change: () => Promise<T>): Promise<T> {
      const admin = new pg.Client({ connectionString: created.url });
      await admin.connect();
      try {
        await admin.query('BEGIN');
        await admin.query('DELETE FROM webhooks WHERE id = $1', [webhookId]);
        const outcome = change().then(
          (value) => ({ value }),
          (error: unknown) => ({ error }),
        );
        // The change reaches the webhook's row and waits for the delete.
        await new Promise((r) => setTimeout(r, 300));
        await admin.query('COMMIT');
        const result = await outcome;
        if ('error' in result) throw result.error;
        return result.value;
      } finally {
        await admin.end();
      }
    }

    if (races)
      it('an article finishing while its webhook is deleted is completed', async () => {
        const webhook = await hook();
        const articleId = await runningArticle();
        const released = await duringDelete(webhook.id, () =>
          releaseRun(database, articleId, 'me', 'completed', undefined, finished, {
            event: 'article.completed',
            data: { id: articleId },
          }),
        );
        expect(released).toEqual([]);
        expect(await articleStatus(articleId)).toBe('completed');
      });

    if (races)
      it('a document finishing while its webhook is deleted is recorded', async () => {
        const webhook = await hook();
        const recorded = await duringDelete(webhook.id, () =>
          database.db.transaction((tx) =>
            recordDeliveries(tx, { workspaceId, event: 'document.ready', data: { id: randomUUID() } }),
          ),
        );
        expect(recorded).toEqual([]);
      });

    it('stores a payload whose text holds NUL without it', async () => {
      const webhook = await hook();
      const articleId = await runningArticle();
      const released = await releaseRun(database, articleId, 'me', 'completed', undefined, finished, {
        event: 'article.completed',
        data: { id: articleId, error: 'bad\u0000byte' },
      });
      expect(released).toHaveLength(1);
      const [direct] = await recordDeliveries(database.db, {
        workspaceId,
        event: 'document.ready',
        data: { note: 'x\u0000y' },
      });
      const { rows } = await database.query<{ payload: { data: Record<string, unknown> } | string }>(
        'SELECT payload FROM webhook_deliveries WHERE id = ANY($1::uuid[]) ORDER BY event',
        [[(released as { deliveryId: string }[])[0]!.deliveryId, direct!.deliveryId]],
      );
      const data = rows.map((r) => (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload).data);
      expect(data[0]).toMatchObject({ id: articleId, error: 'badbyte' });
      expect(data[1]).toMatchObject({ note: 'xy' });
      await database.query('DELETE FROM webhooks WHERE id = $1', [webhook.id]);
    });
  },
);

describe('a change whose deliveries cannot be recorded', () => {
  it('is recorded without them', async () => {
    const tried: boolean[] = [];
    const warned: unknown[] = [];
    const result = await recordTellingWebhooks(
      { logger: { warn: (obj: unknown) => warned.push(obj) } as never },
      { articleId: 'a' },
      async (withDeliveries) => {
        tried.push(withDeliveries);
        if (withDeliveries) throw new Error('insert or update on table "webhook_deliveries" violates …');
        return 'recorded';
      },
    );
    expect(result).toBe('recorded');
    expect(tried).toEqual([true, false]);
    expect(warned).toHaveLength(1);
  });

  it('is not tried again without them when the database is unreachable', async () => {
    const tried: boolean[] = [];
    const down = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    await expect(
      recordTellingWebhooks({ logger }, {}, async (withDeliveries) => {
        tried.push(withDeliveries);
        throw down;
      }),
    ).rejects.toBe(down);
    expect(tried).toEqual([true]);
  });
});
