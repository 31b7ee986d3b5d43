// Events a step's work announces (the sources a search found) are stored with the step's completion,
// before its `step.finished`, in the order given: an attempt that fails and is tried again, or a run
// that stops before the completion, leaves none of them behind.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createArticleEventBus } from '../../src/articles/events.ts';
import { type RunContext, runStep } from '../../src/articles/steps.ts';
import type { Database } from '../../src/db/client.ts';
import type { LlmGateway } from '../../src/llm/types.ts';
import { backends } from '../support/database.ts';
import { insertWorkspace, openMigratedDatabase } from '../support/migrated-database.ts';

describe.each(backends)('events a step announces (%s)', (backend) => {
  let opened: Awaited<ReturnType<typeof openMigratedDatabase>>;
  let database: Database;
  let workspaceId: string;
  const logger = pino({ level: 'silent' });

  beforeAll(async () => {
    opened = await openMigratedDatabase(backend);
    database = opened.database;
    workspaceId = await insertWorkspace(database);
  }, 60_000);
  afterAll(() => opened.close());

  async function runningArticle(): Promise<RunContext> {
    const { rows } = await database.query<{ id: string }>(
      `INSERT INTO articles (workspace_id, brief, topic, status, lease_owner, lease_expires_at)
       VALUES ($1, '{}', 'announce', 'running', 'worker-a', now() + interval '1 minute') RETURNING id`,
      [workspaceId],
    );
    return {
      database,
      llm: { flush: async () => {} } as unknown as LlmGateway,
      events: createArticleEventBus(database, logger),
      logger,
      article: { id: rows[0]!.id, workspaceId },
      signal: new AbortController().signal,
      totals: { inputTokens: 0, outputTokens: 0, costUsd: 0 },
      retryDelaySeconds: 0,
      leaseOwner: 'worker-a',
    };
  }

  const events = async (articleId: string) =>
    (
      await database.query<{ type: string; data: { step?: string; url?: string } }>(
        'SELECT type, data FROM article_events WHERE article_id = $1 ORDER BY id',
        [articleId],
      )
    ).rows.map((r) => [r.type, r.data.url ?? r.data.step]);

  const found = (url: string) => ({ n: 1, kind: 'web' as const, title: url, url, excerpt: '' });

  it('writes them with the completion, in order, before step.finished', async () => {
    const ctx = await runningArticle();
    const output = await runStep(ctx, 'gather', 1, null, async (_llm, step) => {
      step.announce('source.found', [found('https://a.example/'), found('https://b.example/')]);
      step.announce('source.found', [found('https://c.example/')]);
      // Nothing is written before the step completes.
      expect(await events(ctx.article.id)).toEqual([['step.started', 'gather']]);
      return 'sources';
    });
    expect(output).toBe('sources');
    expect(await events(ctx.article.id)).toEqual([
      ['step.started', 'gather'],
      ['source.found', 'https://a.example/'],
      ['source.found', 'https://b.example/'],
      ['source.found', 'https://c.example/'],
      ['step.finished', 'gather'],
    ]);
  });

  it("keeps none of a failed attempt's announcements: the retry's alone", async () => {
    const ctx = await runningArticle();
    let attempt = 0;
    await runStep(ctx, 'gather', 1, null, async (_llm, step) => {
      attempt++;
      step.announce('source.found', [found(`https://attempt-${attempt}.example/`)]);
      if (attempt === 1) throw new Error('search failed');
      return 'sources';
    });
    expect(await events(ctx.article.id)).toEqual([
      ['step.started', 'gather'],
      ['source.found', 'https://attempt-2.example/'],
      ['step.finished', 'gather'],
    ]);
  });
});
