// Ghost's Admin API (`/ghost/api/admin/`, Ghost 5): each request signed with a fresh short-lived
// token (ghost-token.ts); posts created from HTML (`?source=html`), updated with the `updated_at`
// just read (Ghost refuses a stale one with 409, so a collision is read again and retried once),
// `scheduled` with `published_at` for a scheduled post, and a post's status read back.

import { textHead } from '../../input/storable-text.ts';
import type { CmsClient, PostInput, RemotePost } from './cms-client.ts';
import {
  answerError,
  type CmsAnswer,
  type CmsConnection,
  cmsRequest,
  cmsStatus,
  cmsText,
  notTheApi,
  postLink,
} from './cms-request.ts';
import { ghostToken } from './ghost-token.ts';

export interface GhostSite {
  siteUrl: string;
  adminApiKey: string;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `{errors: [{message, context, type}]}`, Ghost's error shape, as one line. */
function ghostDetail(answer: CmsAnswer): string | undefined {
  const errors = isObject(answer.json) && Array.isArray(answer.json.errors) ? answer.json.errors : [];
  const lines = errors.filter(isObject).map((e) => {
    const type = typeof e.type === 'string' ? `${e.type}: ` : '';
    const context = typeof e.context === 'string' && e.context ? ` (${e.context})` : '';
    return `${type}${typeof e.message === 'string' ? e.message : 'error'}${context}`;
  });
  return lines.length > 0 ? cmsText(lines.join('; ')) : undefined;
}

const ghostState = (status: string) =>
  status === 'published' || status === 'sent' ? 'published' : status === 'scheduled' ? 'scheduled' : 'draft';

/** Ghost's ids are MongoDB ObjectIds: 24 lowercase hex digits. */
const postIdPattern = /^[0-9a-f]{24}$/;

function remotePost(body: Json): RemotePost & { updatedAt: string } {
  const status = cmsStatus(body.status);
  const state = ghostState(status);
  const published = typeof body.published_at === 'string' ? new Date(body.published_at) : null;
  return {
    id: String(body.id),
    url: postLink(body.url),
    state,
    status,
    publishedAt: state !== 'draft' && published && !Number.isNaN(published.getTime()) ? published : null,
    updatedAt: typeof body.updated_at === 'string' ? body.updated_at : '',
  };
}

/** Ghost's own bounds on the fields Blogsmith fills. */
const limits = { customExcerpt: 300, metaDescription: 500, title: 255, slug: 191 };
const within = (value: string, max: number) => (value.length > max ? `${textHead(value, max - 1)}…` : value);

export function ghostClient(site: GhostSite, connection: CmsConnection): CmsClient {
  const root = `${site.siteUrl}/ghost/api/admin`;
  const host = new URL(site.siteUrl).host;

  // A token per request: one made for the first call of a slow publish could expire before the last.
  const call = (method: string, path: string, body?: unknown) =>
    cmsRequest(
      connection,
      `${root}${path}`,
      {
        method,
        headers: { authorization: `Ghost ${ghostToken(site.adminApiKey)}`, 'accept-version': 'v5.0' },
        body,
      },
      host,
    );

  function onePost(answer: CmsAnswer) {
    if (answer.status < 200 || answer.status >= 300) throw answerError(answer, 'Ghost', ghostDetail(answer));
    const posts = isObject(answer.json) && Array.isArray(answer.json.posts) ? answer.json.posts : [];
    const [post] = posts;
    if (!isObject(post)) throw notTheApi('Ghost Admin API', 'no post in the answer');
    if (typeof post.id !== 'string' || !postIdPattern.test(post.id))
      throw notTheApi('Ghost Admin API', 'the post has no id');
    return remotePost(post);
  }

  async function currentPost(remoteId: string) {
    if (!postIdPattern.test(remoteId)) return null;
    const answer = await call('GET', `/posts/${remoteId}/`);
    if (answer.status === 404) return null;
    return onePost(answer);
  }

  return {
    async check() {
      // `/site/` answers without a key; reading posts needs a valid one.
      const site = await call('GET', '/site/');
      if (site.status < 200 || site.status >= 300) throw answerError(site, 'Ghost', ghostDetail(site));
      const info = isObject(site.json) && isObject(site.json.site) ? site.json.site : undefined;
      if (!info) throw notTheApi('Ghost Admin API', 'no site in the answer');
      const posts = await call('GET', '/posts/?limit=1&fields=id');
      if (posts.status < 200 || posts.status >= 300) throw answerError(posts, 'Ghost', ghostDetail(posts));
      const title = typeof info.title === 'string' ? cmsText(info.title, 200) : host;
      const version = typeof info.version === 'string' ? ` (Ghost ${cmsText(info.version, 20)})` : '';
      return `Connected to ${title}${version} at ${host}`;
    },

    async publish(post: PostInput, remoteId: string | null) {
      const scheduled = post.status === 'publish' && post.scheduledFor !== null;
      const fields = (existing: { state: string } | null): Json => ({
        title: within(post.title, limits.title),
        html: post.body,
        // As on WordPress: a live post keeps its address.
        ...(post.slug && existing?.state !== 'published' ? { slug: within(post.slug, limits.slug) } : {}),
        custom_excerpt: post.excerpt ? within(post.excerpt, limits.customExcerpt) : null,
        meta_description: post.excerpt ? within(post.excerpt, limits.metaDescription) : null,
        tags: post.tags.map((name) => ({ name })),
        status: scheduled ? 'scheduled' : post.status === 'publish' ? 'published' : 'draft',
        // As on WordPress: published now over a scheduled post means now; a live post keeps its date.
        ...(scheduled
          ? { published_at: post.scheduledFor!.toISOString() }
          : post.status === 'publish' && existing?.state !== 'published'
            ? { published_at: new Date().toISOString() }
            : {}),
      });
      let existing = remoteId ? await currentPost(remoteId) : null;
      if (!existing) return onePost(await call('POST', '/posts/?source=html', { posts: [fields(null)] }));
      for (let attempt = 0; ; attempt++) {
        const answer = await call('PUT', `/posts/${existing.id}/?source=html`, {
          posts: [{ ...fields(existing), updated_at: existing.updatedAt }],
        });
        // Someone saved the post in Ghost between the read and the write: read it again, once.
        if (answer.status !== 409 || attempt > 0) return onePost(answer);
        existing = await currentPost(existing.id);
        if (!existing) return onePost(await call('POST', '/posts/?source=html', { posts: [fields(null)] }));
      }
    },

    fetchPost: currentPost,
  };
}
