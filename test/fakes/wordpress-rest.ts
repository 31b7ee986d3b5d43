// A fake WordPress 6 REST API (`/wp-json/wp/v2/`) over HTTP on 127.0.0.1, answering in WordPress's
// shapes: posts (`id`, `link`, `status`, `date_gmt` without a zone, `title.raw`…), tags, `users/me`,
// and errors as `{code, message, data: {status}}` — 401 `incorrect_password` for a wrong application
// password, `invalid_username` (with WordPress's markup) for an unknown user, `rest_cannot_create`
// without credentials, 404 `rest_post_invalid_id`, 400 `rest_invalid_param` and `term_exists`.
// Application passwords are compared without their spaces, as WordPress does.

import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CmsRequest, readCmsRequest } from './cms-request-log.ts';

export interface WordpressPost {
  id: number;
  status: 'publish' | 'future' | 'draft' | 'pending' | 'private' | 'trash';
  date_gmt: string;
  modified_gmt: string;
  slug: string;
  title: string;
  content: string;
  excerpt: string;
  tags: number[];
}

export interface WordpressRequest extends CmsRequest {
  user?: string;
}

export interface FakeWordpress {
  url: string;
  username: string;
  password: string;
  posts: Map<number, WordpressPost>;
  tags: Map<number, string>;
  requests: WordpressRequest[];
  failNext: number[];
  /** Whether the user may publish (an Author or more), else a Contributor. */
  canPublish: boolean;
  /** WordPress's cron: future posts whose date has come are published. */
  runCron(now?: Date): void;
  close(): Promise<void>;
}

const wpError = (
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  extra: Record<string, unknown> = {},
) => send(res, status, { code, message, data: { status, ...extra } });

const send = (res: ServerResponse, status: number, body: unknown) =>
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' }).end(JSON.stringify(body));

const gmt = (date: Date) => date.toISOString().slice(0, 19);
const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export async function startFakeWordpress(options: { name?: string } = {}): Promise<FakeWordpress> {
  const username = 'editor';
  const password = 'abcd EFGH 1234 ijkl MNOP 5678';
  const posts = new Map<number, WordpressPost>();
  const tags = new Map<number, string>();
  const requests: WordpressRequest[] = [];
  const failNext: number[] = [];
  let nextId = 100;
  let base = '';
  const state = { canPublish: true };

  const view = (post: WordpressPost) => ({
    id: post.id,
    date_gmt: post.status === 'draft' ? null : post.date_gmt,
    modified_gmt: post.modified_gmt,
    slug: post.slug,
    status: post.status,
    type: 'post',
    link: post.status === 'publish' ? `${base}/${post.slug}/` : `${base}/?p=${post.id}`,
    title: { raw: post.title, rendered: escapeHtml(post.title) },
    content: { raw: post.content, rendered: post.content, protected: false },
    excerpt: { raw: post.excerpt, rendered: `<p>${escapeHtml(post.excerpt)}</p>`, protected: false },
    tags: post.tags,
  });

  /** Sets the post's fields as WordPress's REST controller would; an error to send, or undefined. */
  function apply(
    post: WordpressPost,
    input: Record<string, unknown>,
  ): [string, string, Record<string, unknown>?] | undefined {
    if (
      input.status !== undefined &&
      !['publish', 'future', 'draft', 'pending', 'private'].includes(String(input.status))
    )
      return [
        'rest_invalid_param',
        'Invalid parameter(s): status',
        { params: { status: 'status is not one of publish, future, draft, pending, private.' } },
      ];
    if (
      input.date_gmt !== undefined &&
      !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:Z|[+-]\d\d:?\d\d)?$/.test(String(input.date_gmt))
    )
      return [
        'rest_invalid_param',
        'Invalid parameter(s): date_gmt',
        { params: { date_gmt: 'Invalid date.' } },
      ];
    if (
      input.tags !== undefined &&
      (!Array.isArray(input.tags) || input.tags.some((t) => !tags.has(Number(t))))
    )
      return ['rest_invalid_param', 'Invalid parameter(s): tags', { params: { tags: 'Invalid term ID.' } }];
    if (typeof input.title === 'string') post.title = input.title;
    if (typeof input.content === 'string') post.content = input.content;
    if (typeof input.excerpt === 'string') post.excerpt = input.excerpt;
    if (typeof input.slug === 'string') post.slug = input.slug;
    if (Array.isArray(input.tags)) post.tags = input.tags.map(Number);
    if (typeof input.date_gmt === 'string')
      post.date_gmt = gmt(
        new Date(/Z|[+-]\d\d:?\d\d$/.test(input.date_gmt) ? input.date_gmt : `${input.date_gmt}Z`),
      );
    if (typeof input.status === 'string') post.status = input.status as WordpressPost['status'];
    // wp_insert_post: a post to publish dated in the future is scheduled; one scheduled in the past is published.
    const future = Date.parse(`${post.date_gmt}Z`) > Date.now();
    if (post.status === 'publish' && future) post.status = 'future';
    else if (post.status === 'future' && !future) post.status = 'publish';
    post.modified_gmt = gmt(new Date());
    return undefined;
  }

  const server = createServer(async (req, res) => {
    const entry: WordpressRequest = await readCmsRequest(req, 'http://wordpress.test');
    requests.push(entry);
    const failure = failNext.shift();
    if (failure) {
      res
        .writeHead(failure, { 'content-type': 'text/html' })
        .end('<html><body>Bad Gateway from the host</body></html>');
      return;
    }
    const route = entry.path.replace(/^\/wp-json\/wp\/v2/, '');
    if (route === entry.path) {
      res.writeHead(404, { 'content-type': 'text/html' }).end('<html><body>Page not found</body></html>');
      return;
    }
    // Application passwords: Basic auth, the password compared without its spaces.
    let user: string | undefined;
    const auth = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
    if (auth) {
      const [name, ...rest] = Buffer.from(auth[1]!, 'base64').toString('utf8').split(':');
      if (name !== username)
        return wpError(
          res,
          401,
          'invalid_username',
          `<strong>Error:</strong> The username <strong>${name}</strong> is not registered on this site. If you are unsure of your username, try your email address instead.`,
        );
      if (rest.join(':').replace(/\s/g, '') !== password.replace(/\s/g, ''))
        return wpError(
          res,
          401,
          'incorrect_password',
          'The provided password is an invalid application password.',
        );
      user = name;
      entry.user = name;
    }
    const input = (entry.body && typeof entry.body === 'object' ? entry.body : {}) as Record<string, unknown>;
    if (route === '/users/me' && req.method === 'GET') {
      if (!user) return wpError(res, 401, 'rest_not_logged_in', 'You are not currently logged in.');
      return send(res, 200, {
        id: 2,
        name: options.name ?? 'Erin Editor',
        slug: username,
        capabilities: { read: true, edit_posts: true, publish_posts: state.canPublish },
      });
    }
    if (route === '/tags' && req.method === 'GET') {
      const search = (entry.query.get('search') ?? '').toLowerCase();
      return send(
        res,
        200,
        [...tags]
          .filter(([, name]) => name.toLowerCase().includes(search))
          .map(([id, name]) => ({ id, name: escapeHtml(name), slug: name.toLowerCase() })),
      );
    }
    if (route === '/tags' && req.method === 'POST') {
      if (!user)
        return wpError(
          res,
          401,
          'rest_cannot_create',
          'Sorry, you are not allowed to create terms in this taxonomy.',
        );
      const name = String(input.name ?? '');
      const existing = [...tags].find(([, n]) => n.toLowerCase() === name.toLowerCase());
      if (existing)
        return wpError(
          res,
          400,
          'term_exists',
          'A term with the name provided already exists with this parent.',
          { term_id: existing[0] },
        );
      const id = nextId++;
      tags.set(id, name);
      return send(res, 201, { id, name: escapeHtml(name), slug: name.toLowerCase() });
    }
    if (route === '/posts' && req.method === 'POST') {
      if (!user)
        return wpError(
          res,
          401,
          'rest_cannot_create',
          'Sorry, you are not allowed to create posts as this user.',
        );
      if (!state.canPublish && ['publish', 'future'].includes(String(input.status)))
        return wpError(
          res,
          403,
          'rest_cannot_publish',
          'Sorry, you are not allowed to publish posts in this post type.',
        );
      const post: WordpressPost = {
        id: nextId++,
        status: 'draft',
        date_gmt: gmt(new Date()),
        modified_gmt: '',
        slug: '',
        title: '',
        content: '',
        excerpt: '',
        tags: [],
      };
      const invalid = apply(post, input);
      if (invalid) return wpError(res, 400, ...invalid);
      if (!post.slug)
        post.slug = post.title
          .toLowerCase()
          .replace(/[^a-z0-9]+/g, '-')
          .replace(/^-|-$/g, '');
      posts.set(post.id, post);
      return send(res, 201, view(post));
    }
    const one = /^\/posts\/(\d+)$/.exec(route);
    if (one) {
      const post = posts.get(Number(one[1]));
      if (!post) return wpError(res, 404, 'rest_post_invalid_id', 'Invalid post ID.');
      if (req.method === 'GET') {
        if (entry.query.get('context') === 'edit' && !user)
          return wpError(res, 401, 'rest_forbidden_context', 'Sorry, you are not allowed to edit this post.');
        return send(res, 200, view(post));
      }
      if (req.method === 'POST' || req.method === 'PUT') {
        if (!user)
          return wpError(res, 401, 'rest_cannot_edit', 'Sorry, you are not allowed to edit this post.');
        const invalid = apply(post, input);
        if (invalid) return wpError(res, 400, ...invalid);
        return send(res, 200, view(post));
      }
    }
    return wpError(res, 404, 'rest_no_route', 'No route was found matching the URL and request method.');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    username,
    password,
    posts,
    tags,
    requests,
    failNext,
    get canPublish() {
      return state.canPublish;
    },
    set canPublish(value: boolean) {
      state.canPublish = value;
    },
    runCron(now = new Date()) {
      for (const post of posts.values())
        if (post.status === 'future' && Date.parse(`${post.date_gmt}Z`) <= now.getTime())
          post.status = 'publish';
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
