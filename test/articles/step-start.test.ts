// A step starts only while its run holds the article: a cancel that landed after the claim leaves no
// `step.started` after its `done`, and the run calls no model (src/articles/steps.ts stops it).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cancelActiveArticle } from '../../src/articles/article-store.ts';
import { startStep } from '../../src/articles/step-store.ts';
import type { Database } from '../../src/db/client.ts';
import { backends } from '../support/database.ts';
import { insertWorkspace, openMigratedDatabase } from '../support/migrated-database.ts';

describe.each(backends)('startStep (%s)', (backend) => {
  let opened: Awaited<ReturnType<typeof openMigratedDatabase>>;
  let database: Database;
  let workspaceId: string;

  beforeAll(async () => {
    opened = await openMigratedDatabase(backend);
    database = opened.database;
    workspaceId = await insertWorkspace(database);
  });
  afterAll(() => opened.close());

  const runningArticle = async () => {
    const { rows } = await database.query<{ id: string }>(
      `INSERT INTO articles (workspace_id, brief, topic, status, lease_owner, lease_expires_at)
       VALUES ($1, '{}', 'start', 'running', 'worker-a', now() + interval '1 minute') RETURNING id`,
      [workspaceId],
    );
    return rows[0]!.id;
  };
  const start = (articleId: string, leaseOwner: string) =>
    startStep(database, {
      articleId,
      name: 'plan',
      position: 0,
      input: null,
      startedAt: new Date(),
      leaseOwner,
    });
  const started = async (articleId: string) =>
    (
      await database.query(`SELECT 1 FROM article_events WHERE article_id = $1 AND type = 'step.started'`, [
        articleId,
      ])
    ).rows.length;

  it('starts the step of the run that holds the article', async () => {
    const articleId = await runningArticle();
    expect(await start(articleId, 'worker-a')).toMatchObject({ status: null, held: true });
    expect(await started(articleId)).toBe(1);
  });

  it('writes nothing for a run that no longer holds it: cancelled, or another worker', async () => {
    const articleId = await runningArticle();
    expect(await start(articleId, 'worker-b')).toMatchObject({ held: false });
    expect(await cancelActiveArticle(database, { workspaceId }, articleId)).toBe(true);
    expect(await start(articleId, 'worker-a')).toMatchObject({ held: false });
    expect(await started(articleId)).toBe(0);
    const { rows } = await database.query(
      `SELECT 1 FROM article_steps WHERE article_id = $1 AND status = 'running'`,
      [articleId],
    );
    expect(rows).toHaveLength(0);
  });
});
