// Publishing to a real WordPress (Debian's package, PHP's built-in server, MariaDB; see
// test/support/real-wordpress.ts), through the real app with its worker: the credentials checked, a
// post created from the block markup and read back as WordPress parsed it, the same post updated,
// a scheduled post (`future`) found live by a sync once WordPress published it, and WordPress's own
// refusal of a wrong application password. Nothing is skipped: without the packages it fails,
// naming them (.ci/run installs them).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { session, setupOwner } from '../support/accounts.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { type RealWordpress, startRealWordpress } from '../support/real-wordpress.ts';
import { insertPublishableArticle, metaDescription } from './publishable-article.ts';

describe('publishing to a real WordPress', { timeout: 60_000 }, () => {
  let wp: RealWordpress;
  let t: TestApp;
  let owner: string;
  let workspaceId: string;
  let destinationId: string;

  beforeAll(async () => {
    [wp, t] = await Promise.all([
      startRealWordpress(),
      createTestApp('pglite', { RATE_LIMIT_ENABLED: 'false', FETCH_ALLOW_HOSTS: '127.0.0.1' }),
    ]);
    await t.runtime.queue.start({ work: true });
    const setup = await setupOwner(t.app);
    owner = setup.cookie;
    workspaceId = setup.body.workspace.id;
    const made = await call('POST', '/publishing/destinations', {
      kind: 'wordpress',
      name: 'Real WordPress',
      siteUrl: `${wp.url}/wp-admin/`,
      username: wp.username,
      applicationPassword: wp.applicationPassword,
    });
    expect(made.statusCode, made.body).toBe(201);
    destinationId = made.json().id;
  }, 90_000);
  afterAll(async () => {
    await t?.close();
    await wp?.close();
  });

  const call = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
    t.app.inject({ method, url: `/api/v1${url}`, headers: session(owner), ...(payload && { payload }) });
  /** The post as WordPress holds it, read with the application password. */
  const remote = async (id: string) => {
    const res = await fetch(`${wp.url}/wp-json/wp/v2/posts/${id}?context=edit`, {
      headers: {
        authorization: `Basic ${Buffer.from(`${wp.username}:${wp.applicationPassword}`).toString('base64')}`,
      },
    });
    expect(res.status).toBe(200);
    return res.json();
  };
  const settled = async (articleId: string) => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const [p] = (await call('GET', `/articles/${articleId}/publications`)).json().items;
      if (p && !['queued', 'publishing'].includes(p.state)) return p;
      if (Date.now() > deadline) throw new Error(`still ${p?.state}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  it('checks the application password', async () => {
    const ok = await call('POST', `/publishing/destinations/${destinationId}/test`);
    expect(ok.json()).toEqual({
      ok: true,
      status: null,
      message: `Signed in to ${new URL(wp.url).host} as admin`,
    });
  });

  it('publishes the block markup, and updates the same post when published again', async () => {
    const articleId = await insertPublishableArticle(t, workspaceId, 'Heat pumps & radiators');
    expect(
      (await call('POST', `/articles/${articleId}/publish`, { destinationId, status: 'publish' })).statusCode,
    ).toBe(202);
    const published = await settled(articleId);
    expect(published).toMatchObject({ state: 'published', remoteStatus: 'publish', error: null });
    expect(published.remoteUrl).toBe(`${wp.url}/heat-pumps-radiators/`);
    const post = await remote(published.remoteId);
    expect(post.title.raw).toBe('Heat pumps & radiators');
    expect(post.excerpt.raw).toBe(metaDescription);
    // WordPress parsed the blocks: the markup is stored as sent and rendered without its delimiters.
    expect(post.content.raw).toContain('<!-- wp:paragraph -->');
    expect(post.content.raw).toContain('<!-- wp:list -->');
    expect(post.content.rendered).not.toContain('<!-- wp:');
    expect(post.content.rendered).toContain('<p>A heat pump moves heat from outdoor air into the house.</p>');
    const tags = await (await fetch(`${wp.url}/wp-json/wp/v2/tags?include=${post.tags.join(',')}`)).json();
    expect(tags.map((tag: { name: string }) => tag.name).sort()).toEqual(['energy', 'homes']);
    // The page itself is live at that address.
    expect((await fetch(published.remoteUrl)).status).toBe(200);
    expect((await call('GET', `/articles/${articleId}`)).json().editorialStatus).toBe('published');

    await call('PATCH', `/articles/${articleId}`, { title: 'Heat pumps and radiators' });
    await call('POST', `/articles/${articleId}/publish`, { destinationId, status: 'publish' });
    const again = await settled(articleId);
    expect(again.remoteId).toBe(published.remoteId);
    expect((await remote(published.remoteId)).title.raw).toBe('Heat pumps and radiators');
  });

  it('schedules a post, and a sync finds it live once WordPress published it', async () => {
    const articleId = await insertPublishableArticle(t, workspaceId, 'Scheduled heat');
    const at = new Date(Date.now() + 3600_000);
    at.setUTCMilliseconds(0);
    await call('POST', `/articles/${articleId}/publish`, {
      destinationId,
      status: 'publish',
      scheduledFor: at.toISOString(),
    });
    const scheduled = await settled(articleId);
    expect(scheduled).toMatchObject({
      state: 'scheduled',
      remoteStatus: 'future',
      scheduledFor: at.toISOString(),
    });
    expect((await remote(scheduled.remoteId)).date_gmt).toBe(at.toISOString().slice(0, 19));
    expect((await call('GET', `/articles/${articleId}`)).json()).toMatchObject({
      editorialStatus: 'scheduled',
      scheduledFor: at.toISOString(),
    });

    // WordPress's cron publishes it (here by hand: the time has not come).
    wp.php('wp_publish_post((int) $argv[1]);', scheduled.remoteId);
    const synced = await call('POST', `/articles/${articleId}/publications/${scheduled.id}/sync`);
    expect(synced.json()).toMatchObject({ state: 'published', remoteStatus: 'publish', error: null });
    expect((await call('GET', `/articles/${articleId}`)).json().editorialStatus).toBe('published');
  });

  it('shows WordPress’s own refusal of a wrong application password', async () => {
    await call('PATCH', `/publishing/destinations/${destinationId}`, {
      applicationPassword: 'abcd efgh ijkl mnop qrst uvwx',
    });
    const refused = (await call('POST', `/publishing/destinations/${destinationId}/test`)).json();
    expect(refused).toMatchObject({ ok: false, status: 401 });
    // WordPress 6.1 on this server says it so; later releases name the password.
    expect(refused.message).toMatch(
      /^WordPress answered 401: (rest_not_logged_in: You are not currently logged in\.|incorrect_password: .+)$/,
    );
    const articleId = await insertPublishableArticle(t, workspaceId, 'Refused heat');
    await call('POST', `/articles/${articleId}/publish`, { destinationId, status: 'draft' });
    const failed = await settled(articleId);
    expect(failed).toMatchObject({ state: 'failed', attempts: 1 });
    expect(failed.error).toMatch(/^WordPress answered 401: /);
  });
});
