// WordPress's REST API (`/wp-json/wp/v2/`) with an application password (Basic auth, WordPress 5.6+):
// posts created or updated with their block markup, excerpt, slug and tags (found by name, or made),
// `future` with `date_gmt` for a scheduled post, and a post's status read back.
import { decodeHTML } from 'entities';
import type { CmsClient, PostInput, RemotePost } from './cms-client.ts';
import {
  answerError,
  type CmsAnswer,
  type CmsConnection,
  CmsError,
  cmsRequest,
  cmsStatus,
  cmsText,
  notTheApi,
  postLink,
} from './cms-request.ts';

export interface WordpressSite {
  siteUrl: string;
  username: string;
  applicationPassword: string;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** WordPress's messages may hold markup (`<strong>Error:</strong>`) and entities: shown as text. */
const plain = (html: string) => cmsText(decodeHTML(html.replace(/<[^>]*>/g, '')));

/** `{code, message, data: {status}}`, WordPress's error shape, as one line. */
function wordpressDetail(answer: CmsAnswer): string | undefined {
  const body = answer.json;
  if (!isObject(body) || typeof body.message !== 'string') return undefined;
  return `${typeof body.code === 'string' ? `${body.code}: ` : ''}${plain(body.message)}`;
}

/** WordPress writes GMT dates without a zone (`2025-06-01T12:00:00`); null/"0000-…" for none. */
function gmtDate(value: unknown): Date | null {
  if (typeof value !== 'string' || value.startsWith('0000')) return null;
  const date = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`);
  return Number.isNaN(date.getTime()) ? null : date;
}

const wordpressTime = (date: Date) => date.toISOString().slice(0, 19);

/** WordPress's post ids are positive integers; anything else is not a post id (and is not stored). */
const isPostId = (value: unknown) => Number.isSafeInteger(value) && (value as number) > 0;
const isPostIdText = (value: string) => /^[1-9]\d{0,15}$/.test(value) && isPostId(Number(value));

function remotePost(body: Json): RemotePost | null {
  const status = cmsStatus(body.status);
  // A trashed post is gone as far as its readers are concerned.
  if (status === 'trash') return null;
  if (!isPostId(body.id)) throw notTheApi('WordPress REST API', 'the post has no id');
  const state = status === 'publish' ? 'published' : status === 'future' ? 'scheduled' : 'draft';
  return {
    id: String(body.id),
    url: postLink(body.link),
    state,
    status,
    publishedAt: state === 'draft' ? null : gmtDate(body.date_gmt),
  };
}

export function wordpressClient(site: WordpressSite, connection: CmsConnection): CmsClient {
  const root = `${site.siteUrl}/wp-json/wp/v2`;
  const host = new URL(site.siteUrl).host;
  const authorization = `Basic ${Buffer.from(`${site.username}:${site.applicationPassword}`).toString('base64')}`;

  async function call(method: string, path: string, body?: unknown): Promise<CmsAnswer> {
    return cmsRequest(connection, `${root}${path}`, { method, headers: { authorization }, body }, host);
  }
  /** The JSON object of a 2xx answer; anything else thrown as WordPress said it. */
  async function expectObject(answer: CmsAnswer, what: string): Promise<Json> {
    if (answer.status < 200 || answer.status >= 300)
      throw answerError(answer, 'WordPress', wordpressDetail(answer));
    if (!isObject(answer.json)) throw notTheApi('WordPress REST API', `${what} is not a JSON object`);
    return answer.json;
  }

  async function tagIds(names: readonly string[]): Promise<number[]> {
    const ids: number[] = [];
    for (const name of names) {
      const found = await call('GET', `/tags?search=${encodeURIComponent(name)}&per_page=100&context=view`);
      if (found.status < 200 || found.status >= 300)
        throw answerError(found, 'WordPress', wordpressDetail(found));
      const match = (Array.isArray(found.json) ? found.json : []).find(
        (tag): tag is Json =>
          isObject(tag) && typeof tag.name === 'string' && decodeHTML(tag.name).toLowerCase() === name,
      );
      if (match) {
        ids.push(Number(match.id));
        continue;
      }
      const made = await call('POST', '/tags', { name });
      // Made meanwhile (or its slug taken by another name): WordPress says which term it is.
      const body = made.json;
      if (made.status === 400 && isObject(body) && body.code === 'term_exists' && isObject(body.data)) {
        ids.push(Number(body.data.term_id));
        continue;
      }
      ids.push(Number((await expectObject(made, 'the new tag')).id));
    }
    return ids.filter(Number.isInteger);
  }

  /** The post as WordPress holds it (editing context: drafts and scheduled posts too); null when gone. */
  async function currentPost(remoteId: string): Promise<RemotePost | null> {
    if (!isPostIdText(remoteId)) return null;
    const answer = await call('GET', `/posts/${remoteId}?context=edit`);
    if (answer.status === 404 || answer.status === 410) return null;
    return remotePost(await expectObject(answer, 'the post'));
  }

  return {
    async check() {
      const me = await expectObject(await call('GET', '/users/me?context=edit'), 'the user');
      const name = typeof me.name === 'string' ? plain(me.name) : site.username;
      const capabilities = isObject(me.capabilities) ? me.capabilities : {};
      if (capabilities.publish_posts !== true)
        throw new CmsError(
          `signed in as ${name}, who may not publish posts on ${host} (give the user the Author role or higher)`,
          403,
          false,
        );
      return `Signed in to ${host} as ${name}`;
    },

    async publish(post: PostInput, remoteId: string | null) {
      const existing = remoteId ? await currentPost(remoteId) : null;
      const scheduled = post.status === 'publish' && post.scheduledFor !== null;
      const fields: Json = {
        title: post.title,
        content: post.body,
        // A live post keeps its address (links to it are out there); a draft's follows the title.
        ...(post.slug && existing?.state !== 'published' ? { slug: post.slug } : {}),
        excerpt: post.excerpt ?? '',
        status: scheduled ? 'future' : post.status,
        tags: await tagIds(post.tags),
        // A scheduled post goes live at its date; one published now over a scheduled post would
        // stay scheduled at that post's date, so it is given now. A live post keeps its date.
        ...(scheduled
          ? { date_gmt: wordpressTime(post.scheduledFor!) }
          : post.status === 'publish' && existing?.state !== 'published'
            ? { date_gmt: wordpressTime(new Date()) }
            : {}),
      };
      const answer = await call('POST', existing ? `/posts/${existing.id}` : '/posts', fields);
      const made = remotePost(await expectObject(answer, 'the post'));
      if (!made) throw notTheApi('WordPress REST API', 'the post was trashed as it was saved');
      return made;
    },

    fetchPost: currentPost,
  };
}
