// The WordPress and Ghost clients against fakes that speak the real APIs over HTTP: posts created
// and updated in place, tags found or made, schedules, the CMSs' errors quoted (and whether a retry
// can help), Ghost's token verified as Ghost does and its update collisions, and the SSRF guard in
// front of every request.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostInput } from '../../src/publishing/cms/cms-client.ts';
import { CmsError } from '../../src/publishing/cms/cms-request.ts';
import { ghostClient } from '../../src/publishing/cms/ghost.ts';
import { ghostToken, parseGhostKey } from '../../src/publishing/cms/ghost-token.ts';
import { wordpressClient } from '../../src/publishing/cms/wordpress.ts';
import { type FakeGhost, startFakeGhost } from '../fakes/ghost-admin.ts';
import { type FakeWordpress, startFakeWordpress } from '../fakes/wordpress-rest.ts';

const connection = { allowHosts: ['127.0.0.1'], timeoutMs: 5000 };

const post = (fields: Partial<PostInput> = {}): PostInput => ({
  title: 'Heat pumps & you',
  body: '<p>Body</p>',
  slug: 'heat-pumps',
  excerpt: 'What a heat pump does.',
  tags: ['energy', 'seo'],
  status: 'publish',
  scheduledFor: null,
  ...fields,
});

async function refusal(promise: Promise<unknown>): Promise<CmsError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CmsError);
  return err as CmsError;
}

describe('WordPress client', () => {
  let wp: FakeWordpress;
  const client = (password = wp.password, username = wp.username, site = wp.url) =>
    wordpressClient({ siteUrl: site, username, applicationPassword: password }, connection);
  beforeAll(async () => {
    wp = await startFakeWordpress();
  });
  afterAll(async () => wp?.close());

  it('checks the credentials and whether the user may publish', async () => {
    expect(await client().check()).toBe(`Signed in to ${new URL(wp.url).host} as Erin Editor`);
    // WordPress ignores the spaces of an application password.
    expect(await client(wp.password.replace(/ /g, '')).check()).toMatch(/Signed in/);
    const wrong = await refusal(client('wrong pass word').check());
    expect(wrong).toMatchObject({ status: 401, retryable: false });
    expect(wrong.message).toBe(
      'WordPress answered 401: incorrect_password: The provided password is an invalid application password.',
    );
    const stranger = await refusal(client(wp.password, 'nobody').check());
    // WordPress's markup is shown as text.
    expect(stranger.message).toContain('invalid_username: Error: The username nobody is not registered');
    wp.canPublish = false;
    try {
      expect((await refusal(client().check())).message).toMatch(/may not publish posts/);
    } finally {
      wp.canPublish = true;
    }
  });

  it('creates a post with its tags, then updates the same post', async () => {
    wp.tags.set(7, 'SEO');
    const made = await client().publish(post(), null);
    expect(made).toMatchObject({ state: 'published', status: 'publish' });
    const stored = wp.posts.get(Number(made.id))!;
    expect(stored).toMatchObject({
      title: 'Heat pumps & you',
      content: '<p>Body</p>',
      excerpt: 'What a heat pump does.',
    });
    // "seo" found as the existing "SEO" (in any case), "energy" made.
    const energy = [...wp.tags].find(([, name]) => name === 'energy')![0];
    expect(stored.tags).toEqual([energy, 7]);
    expect(made.url).toBe(`${wp.url}/heat-pumps/`);
    expect(made.publishedAt).toBeInstanceOf(Date);

    const posts = wp.posts.size;
    const again = await client().publish(
      post({ title: 'Heat pumps, revised', slug: 'heat-pumps-revised', tags: ['energy'] }),
      made.id,
    );
    expect(again.id).toBe(made.id);
    expect(wp.posts.size).toBe(posts);
    expect(wp.posts.get(Number(made.id))).toMatchObject({ title: 'Heat pumps, revised', tags: [energy] });
    // The live post keeps its address though the article's slug moved with its title.
    expect(wp.requests.findLast((r) => r.method === 'POST')!.body).not.toHaveProperty('slug');
    expect(again.url).toBe(`${wp.url}/heat-pumps/`);
  });

  it('schedules with status future and date_gmt, and reads the status back', async () => {
    const at = new Date(Date.now() + 3600_000);
    at.setUTCMilliseconds(0);
    const made = await client().publish(post({ scheduledFor: at, slug: 'later' }), null);
    expect(made).toMatchObject({ state: 'scheduled', status: 'future' });
    expect(made.publishedAt?.toISOString()).toBe(at.toISOString());
    const sent = wp.requests.findLast((r) => r.method === 'POST' && r.path.endsWith('/posts'))!.body;
    expect(sent).toMatchObject({ status: 'future', date_gmt: at.toISOString().slice(0, 19) });

    wp.runCron(new Date(at.getTime() + 1000));
    expect(await client().fetchPost(made.id)).toMatchObject({ state: 'published', status: 'publish' });
    // Published now over a scheduled post: now, not at the scheduled date.
    const other = await client().publish(post({ scheduledFor: at, slug: 'later-2' }), null);
    const now = await client().publish(post({ slug: 'later-2' }), other.id);
    expect(now).toMatchObject({ id: other.id, state: 'published' });
  });

  it('creates the post anew when the site no longer has it, and says when a post is gone', async () => {
    expect(await client().fetchPost('99999')).toBeNull();
    const made = await client().publish(post({ slug: 'gone' }), '99999');
    expect(made.id).not.toBe('99999');
    wp.posts.get(Number(made.id))!.status = 'trash';
    expect(await client().fetchPost(made.id)).toBeNull();
  });

  it('retries 5xx and network failures, not 4xx', async () => {
    wp.failNext.push(503);
    const busy = await refusal(client().publish(post(), null));
    expect(busy).toMatchObject({ status: 503, retryable: true });
    expect(busy.message).toBe(
      'WordPress answered 503: (not JSON) <html><body>Bad Gateway from the host</body></html>',
    );
    wp.canPublish = false;
    try {
      const forbidden = await refusal(client().publish(post(), null));
      expect(forbidden).toMatchObject({ status: 403, retryable: false });
      expect(forbidden.message).toBe(
        'WordPress answered 403: rest_cannot_publish: Sorry, you are not allowed to publish posts in this post type.',
      );
    } finally {
      wp.canPublish = true;
    }

    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const down = await refusal(client(wp.password, wp.username, `http://127.0.0.1:${port}`).check());
    expect(down.retryable).toBe(true);
    expect(down.message).toMatch(/could not connect to 127\.0\.0\.1:\d+: .*ECONNREFUSED/);
  });

  it('keeps no post address but an http(s) one (the web app links it)', async () => {
    const hostile = createServer((_req, res) =>
      res.writeHead(201, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          id: 5,
          link: 'javascript:alert(document.cookie)',
          status: 'publish',
          date_gmt: '2030-01-01T00:00:00',
        }),
      ),
    );
    await new Promise<void>((r) => hostile.listen(0, '127.0.0.1', r));
    try {
      const site = `http://127.0.0.1:${(hostile.address() as AddressInfo).port}`;
      const made = await client(wp.password, wp.username, site).publish(post({ tags: [] }), null);
      expect(made).toMatchObject({ id: '5', url: null, state: 'published' });
    } finally {
      hostile.close();
    }
  });

  it('answers a site that is not WordPress with a clear error', async () => {
    const err = await refusal(client(wp.password, wp.username, `${wp.url}/blog`).check());
    // /blog/wp-json/… is the fake's HTML 404.
    expect(err.message).toBe('WordPress answered 404: (not JSON) <html><body>Page not found</body></html>');
  });
});

describe('Ghost client', () => {
  let ghost: FakeGhost;
  const client = (key = ghost.key, site = ghost.url) =>
    ghostClient({ siteUrl: site, adminApiKey: key }, connection);
  beforeAll(async () => {
    ghost = await startFakeGhost({ title: 'The Heat Blog' });
  });
  afterAll(async () => ghost?.close());

  it('signs each request with a token Ghost accepts: HS256, kid, aud /admin/, 5 minutes', async () => {
    expect(await client().check()).toBe(
      `Connected to The Heat Blog (Ghost 5.82) at ${new URL(ghost.url).host}`,
    );
    const signed = ghost.requests.findLast((r) => r.token)!;
    expect(signed.token!.header).toEqual({ alg: 'HS256', typ: 'JWT', kid: ghost.key.split(':')[0] });
    const { iat, exp, aud } = signed.token!.payload as { iat: number; exp: number; aud: string };
    expect(aud).toBe('/admin/');
    expect(exp - iat).toBe(300);
    expect(Math.abs(iat - Date.now() / 1000)).toBeLessThan(5);
  });

  it('is refused, with Ghost’s message, for a wrong secret, an unknown key or an old token', async () => {
    const [id] = ghost.key.split(':');
    const wrongSecret = await refusal(client(`${id}:${'0'.repeat(64)}`).check());
    expect(wrongSecret).toMatchObject({ status: 401, retryable: false });
    expect(wrongSecret.message).toBe(
      'Ghost answered 401: UnauthorizedError: Invalid token: invalid signature',
    );
    const unknown = await refusal(client(`${'a'.repeat(24)}:${'b'.repeat(64)}`).check());
    expect(unknown.message).toBe('Ghost answered 401: UnauthorizedError: Unknown Admin API Key');
    // The fake is as strict as Ghost: a token made 6 minutes ago is refused.
    const old = ghostToken(ghost.key, Date.now() - 6 * 60_000);
    const res = await fetch(`${ghost.url}/ghost/api/admin/posts/`, {
      headers: { authorization: `Ghost ${old}` },
    });
    expect(res.status).toBe(401);
    expect((await res.json()).errors[0]).toMatchObject({
      type: 'UnauthorizedError',
      message: 'Invalid token: jwt expired',
    });
  });

  it('parses only keys shaped as Ghost issues them', () => {
    expect(parseGhostKey(ghost.key)).toBeDefined();
    for (const bad of [
      '',
      'abc',
      `${'a'.repeat(24)}${'b'.repeat(64)}`,
      `${'a'.repeat(24)}:${'b'.repeat(63)}`,
      `${'g'.repeat(24)}:${'b'.repeat(64)}`,
    ])
      expect(parseGhostKey(bad), bad).toBeUndefined();
  });

  it('creates from HTML, then updates with the updated_at it read, retrying a collision once', async () => {
    const made = await client().publish(post(), null);
    expect(made).toMatchObject({ state: 'published', status: 'published' });
    const create = ghost.requests.findLast((r) => r.method === 'POST')!;
    expect(create.query.get('source')).toBe('html');
    expect((create.body as { posts: unknown[] }).posts[0]).toMatchObject({
      title: 'Heat pumps & you',
      html: '<p>Body</p>',
      custom_excerpt: 'What a heat pump does.',
      meta_description: 'What a heat pump does.',
      tags: [{ name: 'energy' }, { name: 'seo' }],
      status: 'published',
    });
    expect(made.url).toBe(`${ghost.url}/heat-pumps/`);

    const again = await client().publish(post({ title: 'Revised', slug: 'revised' }), made.id);
    expect(again.id).toBe(made.id);
    expect(ghost.posts.get(made.id)!.title).toBe('Revised');
    // The live post keeps its address though the article's slug moved with its title.
    const update = ghost.requests.findLast((r) => r.method === 'PUT')!;
    expect((update.body as { posts: object[] }).posts[0]).not.toHaveProperty('slug');
    expect(again.url).toBe(`${ghost.url}/heat-pumps/`);

    // Someone saves the post in Ghost between our read and our write: read again, write once more.
    const original = ghost.posts.get(made.id)!;
    let touched = false;
    const failing = ghost.requests.length;
    const interfering = {
      ...connection,
      resolver: async () => {
        if (!touched && ghost.requests.length > failing) {
          touched = true;
          ghost.touch(original.id);
        }
        return [{ address: '127.0.0.1', family: 4 as const }];
      },
    };
    const site = ghost.url.replace('127.0.0.1', 'ghost.test');
    const viaName = ghostClient(
      { siteUrl: site, adminApiKey: ghost.key },
      { ...interfering, allowHosts: ['ghost.test'] },
    );
    const third = await viaName.publish(post({ title: 'Third' }), made.id);
    expect(third.id).toBe(made.id);
    const puts = ghost.requests.slice(failing).filter((r) => r.method === 'PUT');
    expect(puts.length).toBe(2);
    expect(ghost.posts.get(made.id)!.title).toBe('Third');
  });

  it('schedules with published_at, and Ghost’s 422 is final', async () => {
    const at = new Date(Date.now() + 3600_000);
    const made = await client().publish(post({ scheduledFor: at, slug: 'later' }), null);
    expect(made).toMatchObject({ state: 'scheduled', status: 'scheduled' });
    expect(made.publishedAt?.getTime()).toBe(at.getTime());
    ghost.runScheduler(new Date(at.getTime() + 1000));
    expect(await client().fetchPost(made.id)).toMatchObject({ state: 'published' });

    const soon = await refusal(client().publish(post({ scheduledFor: new Date(Date.now() + 30_000) }), null));
    expect(soon).toMatchObject({ status: 422, retryable: false });
    expect(soon.message).toBe(
      'Ghost answered 422: ValidationError: Validation error, cannot save post. (Date must be at least 2 minutes in the future.)',
    );
    const blank = await refusal(client().publish(post({ title: '' }), null));
    expect(blank.message).toContain('Value in [posts.title] cannot be blank.');
  });

  it('creates anew when the post was deleted in Ghost', async () => {
    const missing = 'f'.repeat(24);
    expect(await client().fetchPost(missing)).toBeNull();
    const made = await client().publish(post({ slug: 'anew' }), missing);
    expect(made.id).not.toBe(missing);
  });
});

describe('the SSRF guard in front of the CMS clients', () => {
  let wp: FakeWordpress;
  beforeAll(async () => {
    wp = await startFakeWordpress();
  });
  afterAll(async () => wp?.close());

  it('refuses a private address unless the operator allows it, and never follows a redirect', async () => {
    const closed = wordpressClient(
      { siteUrl: wp.url, username: wp.username, applicationPassword: wp.password },
      { allowHosts: [], timeoutMs: 5000 },
    );
    const refused = await refusal(closed.check());
    expect(refused).toMatchObject({ retryable: false, status: null });
    expect(refused.message).toMatch(
      /is not at a public address \(refused; an operator can allow it with FETCH_ALLOW_HOSTS\)/,
    );
    expect(wp.requests).toHaveLength(0);

    // A public name that resolves to a private address (DNS rebinding) is refused at connection time.
    const rebinding = wordpressClient(
      { siteUrl: 'http://blog.example.com', username: 'u', applicationPassword: 'p' },
      { allowHosts: [], timeoutMs: 5000, resolver: async () => [{ address: '10.0.0.7', family: 4 }] },
    );
    expect((await refusal(rebinding.check())).message).toMatch(/not at a public address/);

    const redirecting = createServer((_req, res) =>
      res.writeHead(301, { location: 'http://169.254.169.254/' }).end(),
    );
    await new Promise<void>((r) => redirecting.listen(0, '127.0.0.1', r));
    try {
      const site = `http://127.0.0.1:${(redirecting.address() as AddressInfo).port}`;
      const redirected = await refusal(
        ghostClient(
          { siteUrl: site, adminApiKey: `${'a'.repeat(24)}:${'b'.repeat(64)}` },
          connection,
        ).check(),
      );
      expect(redirected.message).toMatch(/redirect/);
      expect(redirected.retryable).toBe(false);
    } finally {
      redirecting.close();
    }
  });

  it('gives up on a site that does not answer within the deadline', async () => {
    const silent = createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      const site = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
      const started = Date.now();
      const err = await refusal(
        wordpressClient(
          { siteUrl: site, username: 'u', applicationPassword: 'p' },
          { ...connection, timeoutMs: 300 },
        ).check(),
      );
      expect(Date.now() - started).toBeLessThan(2000);
      expect(err).toMatchObject({ retryable: true });
      expect(err.message).toMatch(/did not answer within 0\.3 s/);
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });
});
