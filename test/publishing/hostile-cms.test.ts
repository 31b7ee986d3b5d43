// A broken or hostile CMS answering posts with a NUL in their status, a status of megabytes, or an
// id that is no id: what is stored stays storable and short, so the publication never sticks in
// `publishing` (each retry making one more post on the site), a sync answers 200 with the reason, and
// every member's list of publications stays small. A failure's own message is stored whatever it holds.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ghostClient } from '../../src/publishing/cms/ghost.ts';
import { wordpressClient } from '../../src/publishing/cms/wordpress.ts';
import { claimPublication, recordAttemptFailure } from '../../src/publishing/publication-store.ts';
import { runPublication } from '../../src/publishing/publish-job.ts';
import { session, setupOwner } from '../support/accounts.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { insertPublishableArticle } from './publishable-article.ts';

type Answer = { id: unknown; status: unknown };

/** A CMS whose post answers (WordPress's or Ghost's shape) are `answer`; every request counted. */
async function hostileCms(shape: 'wordpress' | 'ghost') {
  const site = {
    answer: { id: 7, status: 'publish' } as Answer,
    postsMade: 0,
    requests: 0,
    url: '',
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      site.requests++;
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const send = (status: number, body: unknown) =>
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (path.endsWith('/users/me')) return send(200, { name: 'me', capabilities: { publish_posts: true } });
      if (path.endsWith('/tags'))
        return send(req.method === 'GET' ? 200 : 201, req.method === 'GET' ? [] : { id: 3 });
      if (!path.includes('/posts')) return send(404, { code: 'rest_no_route', message: 'no' });
      if (req.method === 'POST') site.postsMade++;
      const post = { ...site.answer, link: 'javascript:alert(1)', date_gmt: '2025-01-01T00:00:00' };
      send(
        200,
        shape === 'wordpress' ? post : { posts: [{ ...post, updated_at: '2025-01-01T00:00:00.000Z' }] },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  site.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return site;
}

const connection = { allowHosts: ['127.0.0.1'], timeoutMs: 10_000 };
const post = {
  title: 'Heat',
  body: '<p>Body</p>',
  slug: '',
  excerpt: null,
  tags: [],
  status: 'publish' as const,
  scheduledFor: null,
};
const nulStatus = 'publish\u0000x';
const hugeStatus = `publish${'x'.repeat(8_000_000)}`;

describe('a hostile WordPress, through the app (pglite)', () => {
  let t: TestApp;
  let cms: Awaited<ReturnType<typeof hostileCms>>;
  let owner: string;
  let workspaceId: string;
  let destinationId: string;

  beforeAll(async () => {
    cms = await hostileCms('wordpress');
    t = await createTestApp('pglite', { RATE_LIMIT_ENABLED: 'false', FETCH_ALLOW_HOSTS: '127.0.0.1' });
    await t.runtime.queue.start({ work: false });
    const setup = await setupOwner(t.app);
    owner = setup.cookie;
    workspaceId = setup.body.workspace.id;
    const made = await call('POST', '/publishing/destinations', {
      kind: 'wordpress',
      name: 'Hostile',
      siteUrl: cms.url,
      username: 'u',
      applicationPassword: 'abcd efgh ijkl mnop qrst uvwx',
    });
    expect(made.statusCode, made.body).toBe(201);
    destinationId = made.json().id;
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await cms?.close();
  });

  const call = (method: 'GET' | 'POST', url: string, payload?: object) =>
    t.app.inject({ method, url: `/api/v1${url}`, headers: session(owner), ...(payload && { payload }) });
  const publications = (articleId: string) => call('GET', `/articles/${articleId}/publications`);
  const published = async (title: string, answer: Answer) => {
    cms.answer = { id: 7, status: 'publish' };
    const articleId = await insertPublishableArticle(t, workspaceId, title);
    const res = await call('POST', `/articles/${articleId}/publish`, { destinationId, status: 'publish' });
    expect(res.statusCode, res.body).toBe(202);
    const publicationId = res.json().id as string;
    cms.answer = answer;
    cms.postsMade = 0;
    // The queue is not worked here: every attempt the queue would make, driven by hand.
    for (let retryCount = 0; retryCount < 5; retryCount++)
      await runPublication({ ...t.runtime }, { publicationId, workspaceId }, { retryCount }).catch(() => {});
    return { articleId, publicationId };
  };

  it('stores a status holding NUL as text, once: one post made, no retry', async () => {
    const { articleId } = await published('Nul status', { id: 7, status: nulStatus });
    expect(cms.postsMade).toBe(1);
    const [publication] = (await publications(articleId)).json().items;
    expect(publication).toMatchObject({
      state: 'draft',
      attempts: 1,
      remoteId: '7',
      remoteStatus: 'publishx',
    });
    // A `javascript:` link is no link.
    expect(publication.remoteUrl).toBeNull();
  });

  it('syncs a post whose status holds NUL with 200', async () => {
    const { articleId, publicationId } = await published('Nul sync', { id: 7, status: 'publish' });
    cms.answer = { id: 7, status: nulStatus };
    const synced = await call('POST', `/articles/${articleId}/publications/${publicationId}/sync`);
    expect(synced.statusCode, synced.body).toBe(200);
    expect(synced.json()).toMatchObject({ remoteStatus: 'publishx', error: null });
  });

  it('keeps at most 40 characters of a status of megabytes: the list every member reads stays small', async () => {
    const { articleId } = await published('Huge status', { id: 7, status: hugeStatus });
    const list = await publications(articleId);
    expect(list.statusCode).toBe(200);
    expect(list.body.length).toBeLessThan(5000);
    const [publication] = list.json().items;
    expect(publication.remoteStatus.length).toBeLessThanOrEqual(40);
    expect(publication.remoteStatus).toMatch(/^publishx+…$/);
  });

  it('fails, once, a post answered with an id that is no WordPress id', async () => {
    for (const id of [`${'x'.repeat(1000)}\u0000`, 0, -3, 1.5, 2 ** 60, '7'])
      for (const status of ['publish', nulStatus]) {
        const { articleId } = await published(`Bad id ${String(id).slice(0, 8)} ${status.length}`, {
          id,
          status,
        });
        expect(cms.postsMade, String(id)).toBe(1);
        const [publication] = (await publications(articleId)).json().items;
        expect(publication).toMatchObject({ state: 'failed', attempts: 1, remoteId: null });
        expect(publication.error).toMatch(/not WordPress REST API's \(the post has no id\)/);
      }
  });

  it('answers a sync whose post comes back with a bad id with 200 and the reason', async () => {
    const { articleId, publicationId } = await published('Bad id sync', { id: 7, status: 'publish' });
    cms.answer = { id: `${'y'.repeat(100)}\u0000`, status: hugeStatus };
    const synced = await call('POST', `/articles/${articleId}/publications/${publicationId}/sync`);
    expect(synced.statusCode, synced.body).toBe(200);
    expect(synced.json()).toMatchObject({ state: 'published', remoteId: '7', remoteStatus: 'publish' });
    expect(synced.json().error).toMatch(/^could not read the post's status: .*the post has no id/);
  });

  it('records any failure, whatever its message holds, capped', async () => {
    const articleId = await insertPublishableArticle(t, workspaceId, 'Failure message');
    const res = await call('POST', `/articles/${articleId}/publish`, { destinationId, status: 'draft' });
    const claimed = await claimPublication(t.runtime.database, res.json().id);
    // A database error quotes the statement that failed, NUL and all.
    await recordAttemptFailure(
      t.runtime.database,
      claimed!.id,
      'queued',
      `Failed query: update … params: ${nulStatus},\ud800${'z'.repeat(100_000)}`,
    );
    const [publication] = (await publications(articleId)).json().items;
    expect(publication.state).toBe('queued');
    expect(publication.error).toMatch(/^Failed query: update … params: publishx,\ufffdz+…$/);
    expect(publication.error.length).toBeLessThanOrEqual(1000);
  });
});

describe('the clients read only ids and statuses they can store', () => {
  it('WordPress: no request for a remote id that is not a positive safe integer', async () => {
    const cms = await hostileCms('wordpress');
    try {
      const client = wordpressClient(
        { siteUrl: cms.url, username: 'u', applicationPassword: 'p' },
        connection,
      );
      for (const remoteId of ['0', '007', '-1', '1e3', '99999999999999999999', `7\u0000`])
        expect(await client.fetchPost(remoteId), remoteId).toBeNull();
      expect(cms.requests).toBe(0);
      cms.answer = { id: 7, status: hugeStatus };
      expect(await client.fetchPost('7')).toMatchObject({ id: '7', status: `publish${'x'.repeat(32)}…` });
    } finally {
      await cms.close();
    }
  });

  it('Ghost: an id that is no ObjectId is refused, a status made storable and short', async () => {
    const cms = await hostileCms('ghost');
    const key = `${'a'.repeat(24)}:${'b'.repeat(64)}`;
    try {
      const client = ghostClient({ siteUrl: cms.url, adminApiKey: key }, connection);
      const id = '0123456789abcdef01234567';
      cms.answer = { id, status: 'published\u0000' };
      expect(await client.publish(post, null)).toMatchObject({ id, status: 'published', state: 'published' });
      cms.answer = { id, status: hugeStatus };
      expect((await client.fetchPost(id))?.status).toHaveLength(40);
      for (const bad of [`${id}\u0000`, id.toUpperCase(), 'x'.repeat(1000), 7]) {
        cms.answer = { id: bad, status: 'published' };
        await expect(client.publish(post, null), String(bad)).rejects.toThrow(/the post has no id/);
        await expect(client.fetchPost(id)).rejects.toThrow(/the post has no id/);
      }
      const before = cms.requests;
      expect(await client.fetchPost(`${id}\u0000`)).toBeNull();
      expect(cms.requests).toBe(before);
    } finally {
      await cms.close();
    }
  });
});
