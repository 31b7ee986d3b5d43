// Steps that finish side by side (the citation check and the SEO pack) are completed by one
// statement, each with its `step.finished` event in order; a step already completed, or a run that
// no longer holds the article, writes nothing (src/articles/step-store.ts, steps.ts).
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeSteps, startSteps } from '../../src/articles/step-store.ts';
import { type RunContext, runStep } from '../../src/articles/steps.ts';
import type { Database } from '../../src/db/client.ts';
import type { LlmGateway } from '../../src/llm/types.ts';
import { backends } from '../support/database.ts';
import { openMigratedDatabase } from '../support/migrated-database.ts';

describe.each(backends)('completing steps (%s)', (backend) => {
  let opened: Awaited<ReturnType<typeof openMigratedDatabase>>;
  let database: Database;
  let workspaceId: string;

  beforeAll(async () => {
    opened = await openMigratedDatabase(backend);
    database = opened.database;
    const { rows } = await database.query<{ id: string }>(
      `INSERT INTO workspaces (name) VALUES ('w') RETURNING id`,
    );
    workspaceId = rows[0]!.id;
  });
  afterAll(() => opened.close());

  const runningArticle = async () => {
    const { rows } = await database.query<{ id: string }>(
      `INSERT INTO articles (workspace_id, brief, topic, status, lease_owner, lease_expires_at)
       VALUES ($1, '{}', 'complete', 'running', 'worker-a', now() + interval '1 minute') RETURNING id`,
      [workspaceId],
    );
    return rows[0]!.id;
  };
  const started = (articleId: string, names: string[]) =>
    startSteps(
      database,
      articleId,
      'worker-a',
      names.map((name, position) => ({ name, position, input: null, startedAt: new Date() })),
    );
  const finished = (name: string, output: unknown, durationMs: number) => ({
    name,
    output,
    finishedAt: new Date(),
    durationMs,
  });
  const finishedEvents = async (articleId: string) =>
    (
      await database.query<{ data: { step: string; status: string; durationMs: number } }>(
        `SELECT data FROM article_events WHERE article_id = $1 AND type = 'step.finished' ORDER BY id`,
        [articleId],
      )
    ).rows.map((r) => r.data);
  const stored = async (articleId: string) =>
    (
      await database.query<{ name: string; status: string; output: unknown }>(
        `SELECT name, status, output FROM article_steps WHERE article_id = $1 ORDER BY name`,
        [articleId],
      )
    ).rows;

  it('stores each output with its event, in the order given, and leaves a completed step as it was', async () => {
    const articleId = await runningArticle();
    await started(articleId, ['seo', 'citations', 'render']);
    expect(await completeSteps(database, articleId, 'worker-a', [finished('render', { n: 1 }, 5)])).toEqual([
      true,
    ]);
    const kept = await completeSteps(database, articleId, 'worker-a', [
      finished('seo', { slug: 'a' }, 30),
      finished('render', { n: 2 }, 6),
      finished('citations', [{ sentence: 'x' }], 20),
    ]);
    expect(kept).toEqual([true, false, true]);
    expect(await stored(articleId)).toEqual([
      { name: 'citations', status: 'completed', output: [{ sentence: 'x' }] },
      { name: 'render', status: 'completed', output: { n: 1 } },
      { name: 'seo', status: 'completed', output: { slug: 'a' } },
    ]);
    expect(await finishedEvents(articleId)).toMatchObject([
      { step: 'render', status: 'completed', durationMs: 5 },
      { step: 'seo', status: 'completed', durationMs: 30 },
      { step: 'citations', status: 'completed', durationMs: 20 },
    ]);
  });

  it('writes nothing for a run that no longer holds the article', async () => {
    const articleId = await runningArticle();
    await started(articleId, ['seo', 'citations']);
    const kept = await completeSteps(database, articleId, 'worker-b', [
      finished('seo', null, 1),
      finished('citations', null, 1),
    ]);
    expect(kept).toEqual([false, false]);
    expect((await stored(articleId)).map((s) => s.status)).toEqual(['running', 'running']);
    expect(await finishedEvents(articleId)).toEqual([]);
  });

  it('completes steps whose work ends together in one statement', async () => {
    const articleId = await runningArticle();
    const statements: string[] = [];
    const counted: Database = {
      ...database,
      query: (text, params) => {
        statements.push(text);
        return database.query(text, params);
      },
    };
    const ctx: RunContext = {
      database: counted,
      llm: { flush: async () => {} } as unknown as LlmGateway,
      events: { notify: async () => {} } as unknown as RunContext['events'],
      logger: pino({ level: 'silent' }),
      article: { id: articleId, workspaceId },
      signal: new AbortController().signal,
      totals: { inputTokens: 0, outputTokens: 0, costUsd: 0 },
      leaseOwner: 'worker-a',
    };
    const checked = Promise.withResolvers<string>();
    // As in finalize.ts: both steps wait on the checks, through different chains of promises.
    const seo = runStep(ctx, 'seo', 1, async () => ({ slug: await checked.promise }));
    const citations = runStep(ctx, 'citations', 2, async () => {
      const text = await checked.promise.then((t) => t.toUpperCase());
      return [await Promise.resolve(text)];
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    checked.resolve('final');
    expect(await Promise.all([seo, citations])).toEqual([{ slug: 'final' }, ['FINAL']]);
    expect(statements.filter((s) => s.includes("status = 'completed'"))).toHaveLength(1);
    expect(await finishedEvents(articleId)).toMatchObject([{ step: 'seo' }, { step: 'citations' }]);
  });
});
