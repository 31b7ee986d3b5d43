// A cancel made by another API process reaches the worker only with its next heartbeat (up to ~2 s).
// Meanwhile the run must not start another step: its `step.started` would land after the cancel's
// `done`. The step start itself checks that the run still holds the article, in the same statement.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cancelActiveArticle } from '../../src/articles/article-store.ts';
import { appendEvent } from '../../src/articles/event-store.ts';
import { createArticleEventBus } from '../../src/articles/events.ts';
import { claimRun } from '../../src/articles/lease-store.ts';
import { saveRunArticle } from '../../src/articles/run-article.ts';
import { type RunContext, RunSupersededError, runStep } from '../../src/articles/steps.ts';
import { type Database, openDatabase } from '../../src/db/client.ts';
import { runMigrations } from '../../src/db/migrate.ts';
import type { LlmGateway } from '../../src/llm/types.ts';
import { backends, createTestDatabase, type TestDatabase } from '../support/database.ts';

describe.each(backends)('a cancel from another process, before the heartbeat notices (%s)', (backend) => {
  let testDb: TestDatabase;
  let database: Database;
  let workspaceId: string;
  const logger = pino({ level: 'silent' });

  beforeAll(async () => {
    testDb = await createTestDatabase(backend);
    database = await openDatabase({ ...(testDb.url ? { url: testDb.url } : {}), dataDir: testDb.dataDir });
    await runMigrations(database);
    const { rows } = await database.query<{ id: string }>(
      `INSERT INTO workspaces (name) VALUES ('w') RETURNING id`,
    );
    workspaceId = rows[0]!.id;
  }, 60_000);
  afterAll(async () => {
    await database?.close();
    await testDb?.drop();
  });

  async function claimedRun(owner: string) {
    const { rows } = await database.query<{ id: string }>(
      `INSERT INTO articles (workspace_id, brief, topic, status) VALUES ($1, '{}', 'cancel me', 'queued') RETURNING id`,
      [workspaceId],
    );
    const articleId = rows[0]!.id;
    expect(await claimRun(database, articleId, owner, 30)).toBeDefined();
    const ctx: RunContext = {
      database,
      llm: { flush: async () => {} } as unknown as LlmGateway,
      events: createArticleEventBus(database, logger),
      logger,
      article: { id: articleId, workspaceId },
      // Not aborted: this process has not heard of the cancel yet.
      signal: new AbortController().signal,
      totals: { inputTokens: 0, outputTokens: 0, costUsd: 0 },
      leaseOwner: owner,
    };
    return { articleId, ctx };
  }

  const eventTypes = async (articleId: string) =>
    (
      await database.query<{ type: string }>(
        'SELECT type FROM article_events WHERE article_id = $1 ORDER BY id',
        [articleId],
      )
    ).rows.map((r) => r.type);

  it('starts no step after the cancel, so nothing follows its `done`', async () => {
    const { articleId, ctx } = await claimedRun('worker-a');
    expect(await runStep(ctx, 'outline', 0, null, async () => 'outline')).toBe('outline');

    // What cancelArticle does on the other process (its abortLocalRun finds no run there).
    expect(await cancelActiveArticle(database, { workspaceId }, articleId)).toBe(true);
    await appendEvent(database, articleId, 'status', { status: 'cancelled' });
    await appendEvent(database, articleId, 'done', { status: 'cancelled' });

    let worked = false;
    await expect(
      runStep(ctx, 'draft', 1, null, async () => {
        worked = true;
        return 'draft';
      }),
    ).rejects.toBeInstanceOf(RunSupersededError);
    expect(worked).toBe(false);
    expect((await eventTypes(articleId)).at(-1)).toBe('done');
    const { rows } = await database.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM article_steps WHERE article_id = $1 AND name = 'draft'`,
      [articleId],
    );
    expect(rows[0]!.n).toBe(0);
  });

  it('writes nothing more to the article once cancelled: an edit made since stands', async () => {
    const { articleId, ctx } = await claimedRun('worker-a');
    await saveRunArticle(ctx, 'outline', { title: 'The run’s title' });
    await expect(
      runStep(ctx, 'render', 9, null, async () => {
        // Mid-step: the cancel, then an editor's save of the cancelled article, land before this
        // process hears of the cancel; then the run saves its text as it would have.
        expect(await cancelActiveArticle(database, { workspaceId }, articleId)).toBe(true);
        await database.query(`UPDATE articles SET markdown = 'Mine.', title = 'Mine' WHERE id = $1`, [
          articleId,
        ]);
        await saveRunArticle(ctx, 'render', { markdown: 'The run’s text.', wordCount: 3 });
        return 'rendered';
      }),
    ).rejects.toBeInstanceOf(RunSupersededError);
    const { rows } = await database.query<{ markdown: string; title: string; word_count: number | null }>(
      'SELECT markdown, title, word_count FROM articles WHERE id = $1',
      [articleId],
    );
    expect(rows[0]).toEqual({ markdown: 'Mine.', title: 'Mine', word_count: 0 });
  });

  it('starts no step of a run another worker took over', async () => {
    const { articleId, ctx } = await claimedRun('worker-a');
    await database.query(`UPDATE articles SET lease_owner = 'worker-b' WHERE id = $1`, [articleId]);
    await expect(runStep(ctx, 'outline', 0, null, async () => 'outline')).rejects.toBeInstanceOf(
      RunSupersededError,
    );
    expect(await eventTypes(articleId)).not.toContain('step.started');
  });

  it('still starts steps of the run that holds the article, and returns stored ones', async () => {
    const { articleId, ctx } = await claimedRun('worker-a');
    expect(await runStep(ctx, 'outline', 0, null, async () => 'first')).toBe('first');
    expect(await runStep(ctx, 'outline', 0, null, async () => 'second')).toBe('first');
    expect(await eventTypes(articleId)).toEqual(['status', 'step.started', 'step.finished']);
  });
});
