// A fake Ghost 5 Admin API over HTTP on 127.0.0.1, strict where Ghost is: every request but `/site/`
// needs `Authorization: Ghost <jwt>`, verified as Ghost verifies an Admin API key's token (HS256
// only, `kid` a known key's id, signed with its hex-decoded secret, audience `/admin/`, `iat` and
// `exp` present, at most 5 minutes apart, not expired), with Ghost's error JSON
// (`{errors: [{message, context, type, code}]}`): 401 UnauthorizedError, 404 NotFoundError, 422
// ValidationError for a bad post, 409 UpdateCollisionError for a stale `updated_at`.

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CmsRequest, readCmsRequest } from './cms-request-log.ts';

export interface GhostPost {
  id: string;
  uuid: string;
  title: string;
  slug: string;
  html: string;
  status: 'draft' | 'published' | 'scheduled';
  custom_excerpt: string | null;
  meta_description: string | null;
  tags: Array<{ name: string }>;
  published_at: string | null;
  updated_at: string;
  url: string;
}

export interface GhostRequest extends CmsRequest {
  /** The verified token's header and payload (absent when unauthenticated). */
  token?: { header: Record<string, unknown>; payload: Record<string, unknown> };
}

export interface FakeGhost {
  url: string;
  /** A valid Admin API key of this site, `id:secret`. */
  key: string;
  posts: Map<string, GhostPost>;
  requests: GhostRequest[];
  /** Statuses to answer the next requests with instead (a 503 with an HTML page, say). */
  failNext: number[];
  /** Makes every scheduled post whose time has come published, as Ghost's scheduler does. */
  runScheduler(now?: Date): void;
  /** Someone saves the post in Ghost: its `updated_at` moves on. */
  touch(id: string): void;
  close(): Promise<void>;
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

const ghostError = (
  res: ServerResponse,
  status: number,
  type: string,
  message: string,
  context: string | null = null,
  code?: string,
) =>
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(
    JSON.stringify({
      errors: [
        {
          message,
          context,
          type,
          details: null,
          property: null,
          help: null,
          code: code ?? null,
          id: hex(16),
          ghostErrorCode: null,
        },
      ],
    }),
  );

const send = (res: ServerResponse, status: number, body: unknown) =>
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));

const base64urlJson = (part: string) =>
  JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;

/** Ghost's check of an Admin API token; the reason it is refused, or the decoded token. */
function verifyToken(
  header: string | undefined,
  keys: Map<string, Buffer>,
): { error: string; code: string } | { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const match = /^Ghost (\S+)$/.exec(header ?? '');
  if (!match)
    return {
      error: 'Authorization header format is "Authorization: Ghost [token]"',
      code: 'INVALID_AUTH_HEADER',
    };
  const parts = match[1]!.split('.');
  if (parts.length !== 3) return { error: 'Invalid token', code: 'INVALID_JWT' };
  let head: Record<string, unknown>;
  let payload: Record<string, unknown>;
  try {
    head = base64urlJson(parts[0]!);
    payload = base64urlJson(parts[1]!);
  } catch {
    return { error: 'Invalid token', code: 'INVALID_JWT' };
  }
  if (typeof head.kid !== 'string') return { error: 'Admin API kid missing.', code: 'MISSING_ADMIN_API_KID' };
  const secret = keys.get(head.kid);
  if (!secret) return { error: 'Unknown Admin API Key', code: 'UNKNOWN_ADMIN_API_KEY' };
  if (head.alg !== 'HS256') return { error: 'Invalid token: invalid algorithm', code: 'INVALID_JWT' };
  const expected = createHmac('sha256', secret).update(`${parts[0]}.${parts[1]}`).digest();
  const given = Buffer.from(parts[2]!, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { error: 'Invalid token: invalid signature', code: 'INVALID_JWT' };
  if (payload.aud !== '/admin/')
    return { error: 'Invalid token: jwt audience invalid. expected: /admin/', code: 'INVALID_JWT' };
  const now = Math.floor(Date.now() / 1000);
  if (typeof payload.iat !== 'number' || typeof payload.exp !== 'number')
    return { error: 'Invalid token: iat and exp required', code: 'INVALID_JWT' };
  if (payload.exp <= now) return { error: 'Invalid token: jwt expired', code: 'INVALID_JWT' };
  // Ghost's maxAge of 5 minutes, and a token may not be made to live longer.
  if (now - payload.iat > 300 || payload.exp - payload.iat > 300)
    return { error: 'Invalid token: maxAge exceeded', code: 'INVALID_JWT' };
  return { header: head, payload };
}

const slugify = (title: string) =>
  title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '') || 'untitled';

export async function startFakeGhost(options: { title?: string } = {}): Promise<FakeGhost> {
  const keyId = hex(12);
  const secret = hex(32);
  const keys = new Map([[keyId, Buffer.from(secret, 'hex')]]);
  const posts = new Map<string, GhostPost>();
  const requests: GhostRequest[] = [];
  const failNext: number[] = [];
  let base = '';

  const urlOf = (post: Pick<GhostPost, 'status' | 'slug' | 'uuid'>) =>
    post.status === 'published' ? `${base}/${post.slug}/` : `${base}/p/${post.uuid}/`;

  /** Ghost's input validation of a post; the 422's context, or undefined when it passes. */
  function invalidPost(input: Record<string, unknown>, creating: boolean): string | undefined {
    if (creating && (typeof input.title !== 'string' || !input.title.trim()))
      return 'Value in [posts.title] cannot be blank.';
    if (input.status !== undefined && !['draft', 'published', 'scheduled'].includes(String(input.status)))
      return `Validation (isIn) failed for status`;
    if (typeof input.custom_excerpt === 'string' && input.custom_excerpt.length > 300)
      return 'Value in [posts.custom_excerpt] exceeds maximum length of 300 characters.';
    if (typeof input.meta_description === 'string' && input.meta_description.length > 500)
      return 'Value in [posts.meta_description] exceeds maximum length of 500 characters.';
    if (input.status === 'scheduled') {
      const at = Date.parse(String(input.published_at ?? ''));
      if (Number.isNaN(at)) return 'Date format for `published_at` is invalid.';
      if (at < Date.now() + 2 * 60_000) return 'Date must be at least 2 minutes in the future.';
    }
    return undefined;
  }

  function save(post: GhostPost, input: Record<string, unknown>) {
    if (typeof input.title === 'string') post.title = input.title;
    if (typeof input.html === 'string') post.html = input.html;
    if (typeof input.slug === 'string') post.slug = input.slug;
    if ('custom_excerpt' in input) post.custom_excerpt = (input.custom_excerpt as string | null) ?? null;
    if ('meta_description' in input)
      post.meta_description = (input.meta_description as string | null) ?? null;
    if (Array.isArray(input.tags))
      post.tags = input.tags.map((t) => ({ name: String((t as { name: unknown }).name) }));
    if (typeof input.status === 'string') post.status = input.status as GhostPost['status'];
    if (typeof input.published_at === 'string')
      post.published_at = new Date(input.published_at).toISOString();
    if (post.status === 'published' && !post.published_at) post.published_at = new Date().toISOString();
    if (post.status === 'draft') post.published_at = null;
    post.updated_at = new Date(Math.max(Date.now(), Date.parse(post.updated_at || '0') + 1)).toISOString();
    post.url = urlOf(post);
  }

  const server = createServer(async (req, res) => {
    const entry: GhostRequest = await readCmsRequest(req, 'http://ghost.test');
    requests.push(entry);
    const failure = failNext.shift();
    if (failure) {
      res
        .writeHead(failure, { 'content-type': 'text/html' })
        .end(`<html><body><h1>${failure} Service Unavailable</h1></body></html>`);
      return;
    }
    const route = entry.path.replace(/^\/ghost\/api\/admin/, '');
    if (route === entry.path) return ghostError(res, 404, 'NotFoundError', 'Resource not found');
    if (route === '/site/' && req.method === 'GET')
      return send(res, 200, {
        site: { title: options.title ?? 'Fake Ghost', url: `${base}/`, version: '5.82' },
      });
    const verified = verifyToken(req.headers.authorization, keys);
    if ('error' in verified)
      return ghostError(res, 401, 'UnauthorizedError', verified.error, null, verified.code);
    entry.token = verified;
    if (route === '/posts/' && req.method === 'GET')
      return send(res, 200, { posts: [...posts.values()].slice(0, 1).map((p) => ({ id: p.id })), meta: {} });
    const input = (entry.body as { posts?: unknown[] } | undefined)?.posts?.[0] as
      | Record<string, unknown>
      | undefined;
    if (route === '/posts/' && req.method === 'POST') {
      if (entry.query.get('source') !== 'html')
        return ghostError(
          res,
          422,
          'ValidationError',
          'Validation error, cannot save post.',
          'Expected lexical or mobiledoc (send ?source=html for HTML)',
        );
      if (!input)
        return ghostError(
          res,
          422,
          'ValidationError',
          'Validation error, cannot save post.',
          "No root key ('posts') provided.",
        );
      const invalid = invalidPost(input, true);
      if (invalid)
        return ghostError(res, 422, 'ValidationError', 'Validation error, cannot save post.', invalid);
      const post: GhostPost = {
        id: hex(12),
        uuid: crypto.randomUUID(),
        title: '',
        slug: typeof input.slug === 'string' ? input.slug : slugify(String(input.title)),
        html: '',
        status: 'draft',
        custom_excerpt: null,
        meta_description: null,
        tags: [],
        published_at: null,
        updated_at: '',
        url: '',
      };
      save(post, input);
      posts.set(post.id, post);
      return send(res, 201, { posts: [post] });
    }
    const one = /^\/posts\/([0-9a-f]{24})\/$/.exec(route);
    if (one) {
      const post = posts.get(one[1]!);
      if (!post) return ghostError(res, 404, 'NotFoundError', 'Post not found.');
      if (req.method === 'GET') return send(res, 200, { posts: [post] });
      if (req.method === 'PUT') {
        if (entry.query.get('source') !== 'html')
          return ghostError(
            res,
            422,
            'ValidationError',
            'Validation error, cannot edit post.',
            'Expected lexical or mobiledoc (send ?source=html for HTML)',
          );
        if (!input)
          return ghostError(
            res,
            422,
            'ValidationError',
            'Validation error, cannot edit post.',
            "No root key ('posts') provided.",
          );
        if (typeof input.updated_at !== 'string')
          return ghostError(
            res,
            422,
            'ValidationError',
            'Validation error, cannot edit post.',
            'Value in [posts.updated_at] cannot be blank.',
          );
        if (input.updated_at !== post.updated_at)
          return ghostError(
            res,
            409,
            'UpdateCollisionError',
            'Saving failed! Someone else is editing this post.',
            null,
            'UPDATE_COLLISION',
          );
        const invalid = invalidPost(input, false);
        if (invalid)
          return ghostError(res, 422, 'ValidationError', 'Validation error, cannot edit post.', invalid);
        save(post, input);
        return send(res, 200, { posts: [post] });
      }
    }
    return ghostError(res, 404, 'NotFoundError', 'Resource not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    key: `${keyId}:${secret}`,
    posts,
    requests,
    failNext,
    runScheduler(now = new Date()) {
      for (const post of posts.values())
        if (post.status === 'scheduled' && Date.parse(post.published_at ?? '') <= now.getTime()) {
          post.status = 'published';
          post.updated_at = new Date().toISOString();
          post.url = urlOf(post);
        }
    },
    touch(id) {
      const post = posts.get(id)!;
      post.updated_at = new Date(Date.parse(post.updated_at) + 1000).toISOString();
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
