// Publishing (F21) through the real app (PGlite) with its worker running, to a fake WordPress and a
// fake Ghost on 127.0.0.1 (allowed by FETCH_ALLOW_HOSTS): destinations whose secrets are never shown,
// who may do what, bad input as clear 400s, posts created then updated in place, the article marked
// published (or scheduled), `article.published` told to webhooks once, scheduled posts read back
// live, and the CMS's refusals shown as they were said.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncDuePublications } from '../../src/publishing/publish-job.ts';
import { type FakeGhost, startFakeGhost } from '../fakes/ghost-admin.ts';
import { type FakeWordpress, startFakeWordpress } from '../fakes/wordpress-rest.ts';
import { insertPublishableArticle, metaDescription } from '../publishing/publishable-article.ts';
import { type LocalServer, startServer } from '../research/local-server.ts';
import { bearer, createKey, inviteMember, login, session, setupOwner } from '../support/accounts.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { verifyDelivery } from '../webhooks/receiver.ts';

describe('publishing API (pglite)', () => {
  let t: TestApp;
  let wp: FakeWordpress;
  let ghost: FakeGhost;
  let receiver: LocalServer;
  let owner: string;
  let workspaceId: string;
  let editor: string;
  let viewer: string;
  let other: string;
  let wpId: string;
  let ghostId: string;

  beforeAll(async () => {
    [wp, ghost, receiver] = await Promise.all([
      startFakeWordpress(),
      startFakeGhost({ title: 'The Heat Blog' }),
      startServer({ '/hook': (_req, res) => res.writeHead(200).end('ok') }),
    ]);
    t = await createTestApp('pglite', {
      RATE_LIMIT_ENABLED: 'false',
      SIGNUP_ENABLED: 'true',
      FETCH_ALLOW_HOSTS: '127.0.0.1',
    });
    await t.runtime.queue.start({ work: true });
    const setup = await setupOwner(t.app);
    owner = setup.cookie;
    workspaceId = setup.body.workspace.id;
    editor = (
      await inviteMember(t.app, owner, {
        email: 'e@example.com',
        password: 'editor-password',
        role: 'editor',
      })
    ).cookie;
    viewer = (
      await inviteMember(t.app, owner, {
        email: 'v@example.com',
        password: 'viewer-password',
        role: 'viewer',
      })
    ).cookie;
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/signup',
      payload: { email: 'other@example.com', password: 'other-password' },
    });
    other = await login(t.app, 'other@example.com', 'other-password');
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await Promise.all([wp?.close(), ghost?.close(), receiver?.close()]);
  });

  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, cookie = owner, payload?: object) =>
    t.app.inject({ method, url: `/api/v1${url}`, headers: session(cookie), ...(payload && { payload }) });
  const wordpressBody = (fields: object = {}) => ({
    kind: 'wordpress',
    name: 'Company blog',
    siteUrl: `${wp.url}/wp-admin/`,
    username: wp.username,
    applicationPassword: wp.password,
    ...fields,
  });
  const ghostBody = (fields: object = {}) => ({
    kind: 'ghost',
    name: 'Newsletter',
    siteUrl: ghost.url,
    adminApiKey: ghost.key,
    ...fields,
  });
  const fieldsOf = (res: { json: () => { error: { details?: { path: string }[] } } }) =>
    (res.json().error.details ?? []).map((d) => d.path);

  async function until<T>(probe: () => Promise<T | undefined>): Promise<T> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const settled = (articleId: string, destinationId: string) =>
    until(async () => {
      const list = (await call('GET', `/articles/${articleId}/publications`)).json();
      const p = list.items.find((i: { destination: { id: string } }) => i.destination.id === destinationId);
      return p && !['queued', 'publishing'].includes(p.state) ? p : undefined;
    });

  it('adds destinations and never shows their secrets', async () => {
    const made = await call('POST', '/publishing/destinations', owner, wordpressBody());
    expect(made.statusCode, made.body).toBe(201);
    wpId = made.json().id;
    // An admin page's address is taken for its site's.
    expect(made.json()).toMatchObject({
      kind: 'wordpress',
      name: 'Company blog',
      siteUrl: wp.url,
      username: wp.username,
      secretHint: '…5678',
    });
    const g = await call(
      'POST',
      '/publishing/destinations',
      owner,
      ghostBody({ siteUrl: `${ghost.url}/ghost/#/site` }),
    );
    expect(g.statusCode, g.body).toBe(400);
    expect(fieldsOf(g)).toEqual(['siteUrl']);
    const madeGhost = await call(
      'POST',
      '/publishing/destinations',
      owner,
      ghostBody({ siteUrl: `${ghost.url}/ghost/` }),
    );
    expect(madeGhost.statusCode, madeGhost.body).toBe(201);
    ghostId = madeGhost.json().id;
    expect(madeGhost.json()).toMatchObject({
      siteUrl: ghost.url,
      username: null,
      secretHint: `…${ghost.key.slice(-4)}`,
    });

    const list = await call('GET', '/publishing/destinations', viewer);
    expect(list.statusCode).toBe(200);
    expect(list.json().items.map((d: { name: string }) => d.name)).toEqual(['Company blog', 'Newsletter']);
    for (const body of [list.body, made.body, madeGhost.body]) {
      expect(body).not.toContain(wp.password);
      expect(body).not.toContain(ghost.key.split(':')[1]);
    }
    const { rows } = await t.runtime.database.query<{ secret: string }>(
      'SELECT secret FROM publishing_destinations',
    );
    for (const { secret } of rows) {
      expect(secret).toMatch(/^v1:/);
      expect(secret).not.toContain(ghost.key.split(':')[1]);
    }
  });

  it('refuses bad destinations with 400s at the field, and a taken name with 409', async () => {
    const cases: Array<[object, string]> = [
      [ghostBody({ adminApiKey: 'not-a-key' }), 'adminApiKey'],
      [ghostBody({ adminApiKey: `${'a'.repeat(24)}:${'z'.repeat(64)}` }), 'adminApiKey'],
      [wordpressBody({ siteUrl: 'https://user:pass@example.com' }), 'siteUrl'],
      [wordpressBody({ siteUrl: 'https://exam\nple.com' }), 'siteUrl'],
      [wordpressBody({ siteUrl: 'ftp://example.com' }), 'siteUrl'],
      [wordpressBody({ siteUrl: 'https://example.com/?p=1' }), 'siteUrl'],
      [wordpressBody({ siteUrl: 'http://10.0.0.5' }), 'siteUrl'],
      [wordpressBody({ siteUrl: 'http://169.254.169.254/' }), 'siteUrl'],
      [wordpressBody({ siteUrl: 'http://192.168.1.2:8080' }), 'siteUrl'],
      [wordpressBody({ siteUrl: 'http://[::1]/' }), 'siteUrl'],
      [wordpressBody({ username: undefined }), 'username'],
      [wordpressBody({ username: 'a:b' }), 'username'],
      [wordpressBody({ applicationPassword: 'abc\u0000' }), 'applicationPassword'],
      [wordpressBody({ name: ' \u200b ' }), 'name'],
      [wordpressBody({ adminApiKey: ghost.key }), ''],
      [{ ...ghostBody(), kind: 'medium' }, 'kind'],
    ];
    for (const [payload, field] of cases) {
      const res = await call('POST', '/publishing/destinations', owner, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().error.code).toBe('validation_error');
      if (field) expect(fieldsOf(res), JSON.stringify(payload)).toContain(field);
    }
    const blocked = await call(
      'POST',
      '/publishing/destinations',
      owner,
      wordpressBody({ siteUrl: 'http://10.0.0.5' }),
    );
    expect(blocked.json().error.message).toMatch(/FETCH_ALLOW_HOSTS/);

    const taken = await call(
      'POST',
      '/publishing/destinations',
      owner,
      wordpressBody({ name: 'COMPANY blog' }),
    );
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error.code).toBe('conflict');

    const foreign = await call('PATCH', `/publishing/destinations/${wpId}`, owner, {
      adminApiKey: ghost.key,
    });
    expect(foreign.statusCode).toBe(400);
    expect(fieldsOf(foreign)).toEqual(['adminApiKey']);
    expect((await call('PATCH', `/publishing/destinations/${wpId}`, owner, {})).statusCode).toBe(400);
  });

  it('lets admins manage destinations; editors and viewers only list them; other workspaces see none', async () => {
    expect(
      (await call('POST', '/publishing/destinations', editor, wordpressBody({ name: 'x' }))).statusCode,
    ).toBe(403);
    expect((await call('POST', `/publishing/destinations/${wpId}/test`, editor)).statusCode).toBe(403);
    expect((await call('DELETE', `/publishing/destinations/${wpId}`, editor)).statusCode).toBe(403);
    expect((await call('GET', `/publishing/destinations/${wpId}`, viewer)).statusCode).toBe(200);
    for (const [method, url] of [
      ['GET', `/publishing/destinations/${wpId}`],
      ['PATCH', `/publishing/destinations/${wpId}`],
      ['POST', `/publishing/destinations/${wpId}/test`],
      ['DELETE', `/publishing/destinations/${wpId}`],
    ] as const) {
      const res = await call(method, url, other, method === 'PATCH' ? { name: 'mine' } : undefined);
      expect(res.statusCode, `${method} ${url}`).toBe(404);
    }
    expect((await call('GET', '/publishing/destinations', other)).json().items).toEqual([]);
    // An API key needs settings:write to change them.
    const key = (
      await createKey(t.app, owner, { name: 'articles', scopes: ['articles:read', 'articles:write'] })
    ).key;
    const byKey = await t.app.inject({
      method: 'POST',
      url: '/api/v1/publishing/destinations',
      headers: bearer(key),
      payload: wordpressBody({ name: 'by key' }),
    });
    expect(byKey.statusCode).toBe(403);
  });

  it('tests the credentials and reports the CMS’s own refusal', async () => {
    const ok = await call('POST', `/publishing/destinations/${wpId}/test`);
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({
      ok: true,
      message: `Signed in to ${new URL(wp.url).host} as Erin Editor`,
      status: null,
    });
    const okGhost = await call('POST', `/publishing/destinations/${ghostId}/test`);
    expect(okGhost.json()).toMatchObject({ ok: true, message: expect.stringContaining('The Heat Blog') });

    const bad = await call(
      'POST',
      '/publishing/destinations',
      owner,
      wordpressBody({ name: 'Wrong password', applicationPassword: 'nope nope nope' }),
    );
    const refused = await call('POST', `/publishing/destinations/${bad.json().id}/test`);
    expect(refused.statusCode).toBe(200);
    expect(refused.json()).toEqual({
      ok: false,
      status: 401,
      message:
        'WordPress answered 401: incorrect_password: The provided password is an invalid application password.',
    });
    await call('DELETE', `/publishing/destinations/${bad.json().id}`);
  });

  it('sends no stored secret to a site the destination is moved to without new credentials', async () => {
    const elsewhere = await startServer({});
    try {
      const admin = (
        await inviteMember(t.app, owner, {
          email: 'a@example.com',
          password: 'admin-password',
          role: 'admin',
        })
      ).cookie;
      const key = (await createKey(t.app, owner, { name: 'settings', scopes: ['settings:write'] })).key;
      const made = await call('POST', '/publishing/destinations', owner, wordpressBody({ name: 'Owner’s' }));
      const id = made.json().id;
      const patch = (headers: Record<string, string>, payload: object) =>
        t.app.inject({ method: 'PATCH', url: `/api/v1/publishing/destinations/${id}`, headers, payload });
      // Another port of the same host is another origin: by an admin's session and by a settings key.
      for (const headers of [session(admin), bearer(key)]) {
        const moved = await patch(headers, { siteUrl: elsewhere.url });
        expect(moved.statusCode, moved.body).toBe(400);
        expect(fieldsOf(moved)).toEqual(['siteUrl']);
        expect(moved.json().error.message).toMatch(/applicationPassword in the same request/);
      }
      const ghostMoved = await call('PATCH', `/publishing/destinations/${ghostId}`, admin, {
        siteUrl: elsewhere.url,
        name: 'Moved',
      });
      expect(ghostMoved.statusCode).toBe(400);
      expect(fieldsOf(ghostMoved)).toEqual(['siteUrl']);
      expect((await call('GET', `/publishing/destinations/${ghostId}`)).json().name).not.toBe('Moved');
      expect((await call('GET', `/publishing/destinations/${id}`)).json().siteUrl).toBe(wp.url);
      await call('POST', `/publishing/destinations/${id}/test`, admin);
      expect(elsewhere.received).toEqual([]);

      // Within its origin (a path) the site keeps its credentials.
      const pathMoved = await call('PATCH', `/publishing/destinations/${id}`, admin, {
        siteUrl: `${wp.url}/blog`,
      });
      expect(pathMoved.statusCode, pathMoved.body).toBe(200);
      // With new credentials in the same request the move is made, and only those are sent there.
      const withOwn = await patch(bearer(key), {
        siteUrl: elsewhere.url,
        applicationPassword: 'mine mine mine MINE',
      });
      expect(withOwn.statusCode, withOwn.body).toBe(200);
      expect(withOwn.json()).toMatchObject({ siteUrl: elsewhere.url, secretHint: '…MINE' });
      await call('POST', `/publishing/destinations/${id}/test`, admin);
      const sent = elsewhere.received.map((r) => String(r.headers.authorization));
      expect(sent.length).toBeGreaterThan(0);
      for (const authorization of sent) {
        const decoded = Buffer.from(authorization.replace(/^Basic /, ''), 'base64').toString();
        expect(decoded).toBe(`${wp.username}:mine mine mine MINE`);
      }
      await call('DELETE', `/publishing/destinations/${id}`);
    } finally {
      await elsewhere.close();
    }
  });

  it('publishes to WordPress, updates the same post when published again, and tells webhooks once', async () => {
    const hook = await call('POST', '/webhooks', owner, {
      url: `${receiver.url}/hook`,
      events: ['article.published'],
    });
    expect(hook.statusCode).toBe(201);
    const articleId = await insertPublishableArticle(t, workspaceId);
    const res = await call('POST', `/articles/${articleId}/publish`, editor, {
      destinationId: wpId,
      status: 'publish',
    });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toMatchObject({
      articleId,
      state: 'queued',
      requestedStatus: 'publish',
      destination: { id: wpId, name: 'Company blog', kind: 'wordpress', siteUrl: wp.url },
    });
    const published = await settled(articleId, wpId);
    expect(published).toMatchObject({
      state: 'published',
      remoteStatus: 'publish',
      error: null,
      attempts: 1,
    });
    const post = wp.posts.get(Number(published.remoteId))!;
    expect(published.remoteUrl).toBe(`${wp.url}/${post.slug}/`);
    expect(post.title).toBe('Heat pumps for family homes');
    expect(post.slug).toBe('heat-pumps-for-family-homes');
    expect(post.excerpt).toBe(metaDescription);
    // The WordPress blocks export, without the title heading (WordPress shows the title itself).
    expect(post.content).toContain(
      '<!-- wp:paragraph -->\n<p>A heat pump moves heat from outdoor air into the house.</p>',
    );
    expect(post.content).toContain('<!-- wp:list -->');
    expect(post.content).not.toContain('<h1');
    expect(post.tags.map((id) => wp.tags.get(id))).toEqual(['energy', 'homes']);

    const article = (await call('GET', `/articles/${articleId}`)).json();
    expect(article).toMatchObject({ editorialStatus: 'published', scheduledFor: null });

    const delivered = await until(async () => receiver.received.find((r) => r.url.pathname === '/hook'));
    const payload = verifyDelivery(hook.json().secret, delivered) as {
      type: string;
      data: Record<string, unknown>;
    };
    expect(payload.type).toBe('article.published');
    expect(payload.data).toMatchObject({
      id: articleId,
      title: 'Heat pumps for family homes',
      publicationId: published.id,
      destination: { id: wpId, name: 'Company blog', kind: 'wordpress' },
      remoteUrl: published.remoteUrl,
    });

    await call('PATCH', `/articles/${articleId}`, owner, { title: 'Heat pumps, revised' });
    const again = await call('POST', `/articles/${articleId}/publish`, owner, {
      destinationId: wpId,
      status: 'publish',
    });
    expect(again.statusCode).toBe(202);
    expect(again.json().id).toBe(published.id);
    const updated = await settled(articleId, wpId);
    expect(updated.remoteId).toBe(published.remoteId);
    expect(wp.posts.get(Number(published.remoteId))!.title).toBe('Heat pumps, revised');
    // Live already on that site: no second `article.published`.
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.received.filter((r) => r.url.pathname === '/hook')).toHaveLength(1);
    const list = (await call('GET', `/articles/${articleId}/publications`, viewer)).json();
    expect(list.items).toHaveLength(1);
    expect(list.nextCursor).toBeNull();
    await call('DELETE', `/webhooks/${hook.json().id}`);
  });

  it('schedules on Ghost; the article is scheduled, and live once the sync reads the post live', async () => {
    const articleId = await insertPublishableArticle(t, workspaceId, 'Scheduled heat');
    const at = new Date(Date.now() + 3600_000);
    const res = await call('POST', `/articles/${articleId}/publish`, owner, {
      destinationId: ghostId,
      status: 'publish',
      scheduledFor: at.toISOString(),
    });
    expect(res.statusCode, res.body).toBe(202);
    const scheduled = await settled(articleId, ghostId);
    expect(scheduled).toMatchObject({ state: 'scheduled', remoteStatus: 'scheduled', publishedAt: null });
    expect(new Date(scheduled.scheduledFor).getTime()).toBe(at.getTime());
    const sent = ghost.posts.get(scheduled.remoteId)!;
    expect(sent).toMatchObject({
      status: 'scheduled',
      custom_excerpt: metaDescription,
      tags: [{ name: 'energy' }, { name: 'homes' }],
    });
    expect(sent.html).toContain('<p>A heat pump moves heat from outdoor air into the house.</p>');
    expect(sent.html).not.toContain('<h1');
    expect((await call('GET', `/articles/${articleId}`)).json()).toMatchObject({
      editorialStatus: 'scheduled',
      scheduledFor: at.toISOString(),
    });

    // Before its time the sync reads it still scheduled.
    const early = await call('POST', `/articles/${articleId}/publications/${scheduled.id}/sync`, editor);
    expect(early.statusCode).toBe(200);
    expect(early.json()).toMatchObject({ state: 'scheduled', error: null });
    ghost.runScheduler(new Date(at.getTime() + 1000));
    const live = await call('POST', `/articles/${articleId}/publications/${scheduled.id}/sync`, editor);
    expect(live.json()).toMatchObject({
      state: 'published',
      remoteStatus: 'published',
      remoteUrl: `${ghost.url}/${sent.slug}/`,
    });
    expect(live.json().publishedAt).not.toBeNull();
    expect((await call('GET', `/articles/${articleId}`)).json()).toMatchObject({
      editorialStatus: 'published',
      scheduledFor: null,
    });
    expect(
      (await call('POST', `/articles/${articleId}/publications/${scheduled.id}/sync`, viewer)).statusCode,
    ).toBe(403);
  });

  it('reads back by itself the scheduled posts whose time has come', async () => {
    const articleId = await insertPublishableArticle(t, workspaceId, 'Periodic heat');
    await call('POST', `/articles/${articleId}/publish`, owner, {
      destinationId: wpId,
      status: 'publish',
      scheduledFor: new Date(Date.now() + 3600_000).toISOString(),
    });
    const scheduled = await settled(articleId, wpId);
    expect(scheduled.state).toBe('scheduled');
    const deps = { ...t.runtime, connection: {} };
    expect(await syncDuePublications(deps)).toBe(0);
    // An hour passes: WordPress's cron publishes it, and the record's time has come.
    wp.runCron(new Date(Date.now() + 2 * 3600_000));
    await t.runtime.database.query(
      `UPDATE article_publications
          SET scheduled_for = now() - interval '1 minute', synced_at = now() - interval '1 hour' WHERE id = $1`,
      [scheduled.id],
    );
    expect(await syncDuePublications(deps)).toBe(1);
    const after = (await call('GET', `/articles/${articleId}/publications`)).json().items[0];
    expect(after).toMatchObject({ state: 'published', remoteStatus: 'publish' });
    expect((await call('GET', `/articles/${articleId}`)).json().editorialStatus).toBe('published');
    expect(await syncDuePublications(deps)).toBe(0);
  });

  it('makes a draft without touching the editorial status', async () => {
    const articleId = await insertPublishableArticle(t, workspaceId, 'Draft heat');
    await call('POST', `/articles/${articleId}/publish`, owner, { destinationId: ghostId, status: 'draft' });
    const draft = await settled(articleId, ghostId);
    expect(draft).toMatchObject({
      state: 'draft',
      remoteStatus: 'draft',
      publishedAt: null,
      scheduledFor: null,
    });
    expect(draft.remoteUrl).toMatch(/\/p\/[0-9a-f-]{36}\/$/);
    expect((await call('GET', `/articles/${articleId}`)).json().editorialStatus).toBe('draft');
  });

  it('fails at once, with the CMS’s words, when the CMS refuses the credentials', async () => {
    const bad = await call(
      'POST',
      '/publishing/destinations',
      owner,
      ghostBody({ name: 'Stale key', adminApiKey: `${ghost.key.split(':')[0]}:${'0'.repeat(64)}` }),
    );
    const articleId = await insertPublishableArticle(t, workspaceId, 'Refused heat');
    await call('POST', `/articles/${articleId}/publish`, owner, {
      destinationId: bad.json().id,
      status: 'publish',
    });
    const failed = await settled(articleId, bad.json().id);
    expect(failed).toMatchObject({
      state: 'failed',
      attempts: 1,
      remoteId: null,
      error: 'Ghost answered 401: UnauthorizedError: Invalid token: invalid signature',
    });
    expect((await call('GET', `/articles/${articleId}`)).json().editorialStatus).toBe('draft');
    const sync = await call('POST', `/articles/${articleId}/publications/${failed.id}/sync`);
    expect(sync.statusCode).toBe(409);
  });

  it('refuses bad publish requests with clear 4xx', async () => {
    const articleId = await insertPublishableArticle(t, workspaceId, 'Refusals');
    const otherWorkspace = (await call('GET', '/me', other)).json().workspace.id;
    const theirs = await call('POST', '/publishing/destinations', other, wordpressBody({ name: 'Theirs' }));
    expect(theirs.statusCode).toBe(201);
    const otherArticle = await insertPublishableArticle(t, otherWorkspace, 'Theirs');
    const publish = (payload: object, id = articleId, cookie = owner) =>
      call('POST', `/articles/${id}/publish`, cookie, payload);
    const cases: Array<[object, string]> = [
      [{ destinationId: '00000000-0000-0000-0000-000000000000', status: 'publish' }, 'destinationId'],
      [{ destinationId: theirs.json().id, status: 'publish' }, 'destinationId'],
      [{ destinationId: 'nope', status: 'publish' }, 'destinationId'],
      [{ destinationId: wpId, status: 'live' }, 'status'],
      [{ destinationId: wpId, status: 'publish', scheduledFor: '2020-01-01T00:00:00Z' }, 'scheduledFor'],
      [
        { destinationId: wpId, status: 'publish', scheduledFor: new Date(Date.now() + 30_000).toISOString() },
        'scheduledFor',
      ],
      [{ destinationId: wpId, status: 'publish', scheduledFor: '2030-02-30T10:00:00Z' }, 'scheduledFor'],
      [
        { destinationId: wpId, status: 'draft', scheduledFor: new Date(Date.now() + 3600_000).toISOString() },
        'scheduledFor',
      ],
      [{ destinationId: wpId }, 'status'],
      [{ destinationId: wpId, status: 'publish', extra: 1 }, ''],
    ];
    for (const [payload, field] of cases) {
      const res = await publish(payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().error.code).toBe('validation_error');
      if (field) expect(fieldsOf(res), JSON.stringify(payload)).toContain(field);
    }
    expect((await publish({ destinationId: wpId, status: 'publish' }, otherArticle)).statusCode).toBe(404);
    expect((await publish({ destinationId: wpId, status: 'publish' }, articleId, viewer)).statusCode).toBe(
      403,
    );
    expect((await call('GET', `/articles/${otherArticle}/publications`)).statusCode).toBe(404);
    const running = await insertPublishableArticle(t, workspaceId, 'Running', { status: 'running' });
    const busy = await publish({ destinationId: wpId, status: 'publish' }, running);
    expect(busy.statusCode).toBe(409);
    expect(busy.json().error.message).toMatch(/still being written/);
    const empty = await insertPublishableArticle(t, workspaceId, 'Empty', { markdown: '' });
    expect((await publish({ destinationId: wpId, status: 'publish' }, empty)).statusCode).toBe(409);
    expect(
      (await call('POST', `/articles/${articleId}/publications/00000000-0000-0000-0000-000000000000/sync`))
        .statusCode,
    ).toBe(404);
  });

  it('deletes a destination with its publication records, and audits what admins did', async () => {
    const made = await call(
      'POST',
      '/publishing/destinations',
      owner,
      wordpressBody({ name: 'Short-lived' }),
    );
    const articleId = await insertPublishableArticle(t, workspaceId, 'Short-lived heat');
    await call('POST', `/articles/${articleId}/publish`, owner, {
      destinationId: made.json().id,
      status: 'draft',
    });
    await settled(articleId, made.json().id);
    const renamed = await call('PATCH', `/publishing/destinations/${made.json().id}`, owner, {
      name: 'Renamed',
      applicationPassword: 'new1 new2 new3 WXYZ',
    });
    expect(renamed.json()).toMatchObject({ name: 'Renamed', secretHint: '…WXYZ' });
    expect((await call('DELETE', `/publishing/destinations/${made.json().id}`)).statusCode).toBe(204);
    expect((await call('GET', `/publishing/destinations/${made.json().id}`)).statusCode).toBe(404);
    expect((await call('GET', `/articles/${articleId}/publications`)).json().items).toEqual([]);
    const audit = (await call('GET', '/audit?limit=100'))
      .json()
      .items.map((e: { action: string }) => e.action);
    for (const action of [
      'publishing.destination_created',
      'publishing.destination_updated',
      'publishing.destination_deleted',
      'article.publish_requested',
    ])
      expect(audit).toContain(action);
    expect(JSON.stringify((await call('GET', '/audit?limit=100')).json())).not.toContain('new1 new2');
  });
});
