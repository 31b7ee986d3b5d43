// The `article.publish` job's attempts, driven one by one (the queue stores jobs but does not work
// them here): a CMS's 503 puts the publication back to queued and throws for the queue's retry, the
// last attempt gives up with the reason, a 4xx is final at once; a request still in flight cannot be
// made again; a request whose job was lost is queued again; credentials sealed with another key fail.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recoverLostPublications, runPublication } from '../../src/publishing/publish-job.ts';
import { encryptSecret } from '../../src/security/encryption.ts';
import { type FakeWordpress, startFakeWordpress } from '../fakes/wordpress-rest.ts';
import { session, setupOwner } from '../support/accounts.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { backends } from '../support/database.ts';
import { insertPublishableArticle } from './publishable-article.ts';

describe.each(backends)('the publish job (%s)', (backend) => {
  let t: TestApp;
  let wp: FakeWordpress;
  let owner: string;
  let workspaceId: string;
  let destinationId: string;

  beforeAll(async () => {
    wp = await startFakeWordpress();
    t = await createTestApp(backend, { RATE_LIMIT_ENABLED: 'false', FETCH_ALLOW_HOSTS: '127.0.0.1' });
    await t.runtime.queue.start({ work: false });
    const setup = await setupOwner(t.app);
    owner = setup.cookie;
    workspaceId = setup.body.workspace.id;
    const made = await call('POST', '/publishing/destinations', {
      kind: 'wordpress',
      name: 'Blog',
      siteUrl: wp.url,
      username: wp.username,
      applicationPassword: wp.password,
    });
    destinationId = made.json().id;
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await wp?.close();
  });

  const call = (method: 'GET' | 'POST', url: string, payload?: object) =>
    t.app.inject({ method, url: `/api/v1${url}`, headers: session(owner), ...(payload && { payload }) });
  const deps = () => ({ ...t.runtime });
  const publication = async (articleId: string) =>
    (await call('GET', `/articles/${articleId}/publications`)).json().items[0];
  const requested = async (title: string) => {
    const articleId = await insertPublishableArticle(t, workspaceId, title);
    const res = await call('POST', `/articles/${articleId}/publish`, { destinationId, status: 'publish' });
    expect(res.statusCode, res.body).toBe(202);
    return { articleId, publicationId: res.json().id as string };
  };
  const attempt = (publicationId: string, retryCount: number) =>
    runPublication(deps(), { publicationId, workspaceId }, { retryCount });

  it('retries a 5xx through the queue, then publishes', async () => {
    const { articleId, publicationId } = await requested('Retried');
    // Asked again while queued: refused, nothing changed.
    const twice = await call('POST', `/articles/${articleId}/publish`, { destinationId, status: 'draft' });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.message).toMatch(/already being published to Blog/);

    wp.failNext.push(503);
    await expect(attempt(publicationId, 0)).rejects.toThrow(/WordPress answered 503/);
    expect(await publication(articleId)).toMatchObject({
      state: 'queued',
      attempts: 1,
      requestedStatus: 'publish',
      error:
        'attempt 1 of 5 failed: WordPress answered 503: (not JSON) <html><body>Bad Gateway from the host</body></html>; trying again',
    });
    await attempt(publicationId, 1);
    expect(await publication(articleId)).toMatchObject({ state: 'published', attempts: 2, error: null });
    // Nothing left to do: a late duplicate of the job changes nothing.
    await attempt(publicationId, 2);
    expect((await publication(articleId)).attempts).toBe(2);
  });

  it('gives up on the last attempt with the reason', async () => {
    const { articleId, publicationId } = await requested('Given up');
    wp.failNext.push(502);
    await attempt(publicationId, 4);
    const failed = await publication(articleId);
    expect(failed.state).toBe('failed');
    expect(failed.error).toMatch(/^WordPress answered 502: .*; gave up after 1 attempt$/);
  });

  it('fails at once on a 4xx: retrying cannot help', async () => {
    const { articleId, publicationId } = await requested('Forbidden');
    wp.canPublish = false;
    try {
      await attempt(publicationId, 0);
    } finally {
      wp.canPublish = true;
    }
    expect(await publication(articleId)).toMatchObject({
      state: 'failed',
      attempts: 1,
      error:
        'WordPress answered 403: rest_cannot_publish: Sorry, you are not allowed to publish posts in this post type.',
    });
  });

  it('fails credentials sealed with another SECRET_KEY, asking for them again', async () => {
    const { articleId, publicationId } = await requested('Other key');
    const [saved] = (
      await t.runtime.database.query<{ secret: string }>(
        'SELECT secret FROM publishing_destinations WHERE id = $1',
        [destinationId],
      )
    ).rows;
    await t.runtime.database.query('UPDATE publishing_destinations SET secret = $1 WHERE id = $2', [
      encryptSecret(wp.password, 'another-secret-key-that-is-long-enough-000'),
      destinationId,
    ]);
    try {
      await attempt(publicationId, 0);
      expect((await publication(articleId)).error).toMatch(
        /sealed with another SECRET_KEY.*enter them again/,
      );
      const check = await call('POST', `/publishing/destinations/${destinationId}/test`);
      expect(check.json()).toMatchObject({ ok: false, message: expect.stringMatching(/another SECRET_KEY/) });
    } finally {
      await t.runtime.database.query('UPDATE publishing_destinations SET secret = $1 WHERE id = $2', [
        saved!.secret,
        destinationId,
      ]);
    }
  });

  it('queues again a request whose job was lost, and fails one past its attempts', async () => {
    const lost = await requested('Lost job');
    const spent = await requested('Spent job');
    await t.runtime.database.query(`DELETE FROM pgboss.job WHERE name = 'article.publish'`);
    await t.runtime.database.query(
      `UPDATE article_publications SET updated_at = now() - interval '10 minutes',
         attempts = CASE WHEN id = $2 THEN 5 ELSE attempts END WHERE id IN ($1, $2)`,
      [lost.publicationId, spent.publicationId],
    );
    await recoverLostPublications(deps());
    const { rows } = await t.runtime.database.query<{ data: { publicationId: string } }>(
      `SELECT data FROM pgboss.job WHERE name = 'article.publish'`,
    );
    expect(rows.map((r) => r.data.publicationId)).toEqual([lost.publicationId]);
    expect(await publication(spent.articleId)).toMatchObject({
      state: 'failed',
      error: 'gave up after 5 attempts',
    });
    await attempt(lost.publicationId, 0);
    expect((await publication(lost.articleId)).state).toBe('published');
  });
});
