// GET /articles/{id}/export in every format: the media type (binary ones without a charset) and a
// file name, for a viewer too; another workspace's article is not found; an unknown format is a 400.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeExportRenderers } from '../../src/articles/export/render-pool.ts';
import { inviteMember, login, session } from '../support/accounts.ts';
import { type ArticleEnv, completedArticle, startArticleEnv } from './support.ts';

let env: ArticleEnv;
let id: string;
let slug: string;
let viewer: string;

beforeAll(async () => {
  env = await startArticleEnv('pglite', { env: { SIGNUP_ENABLED: 'true' } });
  const article = await completedArticle(env);
  id = article.id;
  slug = article.slug;
  viewer = (
    await inviteMember(env.test.app, env.cookie, {
      email: 'v@example.com',
      password: 'viewer-password',
      role: 'viewer',
    })
  ).cookie;
}, 60_000);
afterAll(async () => {
  await env?.close();
  await closeExportRenderers();
});

const exportOf = (format: string, cookie = env.cookie, articleId = id) =>
  env.test.app.inject({
    method: 'GET',
    url: `/api/v1/articles/${articleId}/export?format=${format}`,
    headers: session(cookie),
  });

const expected = [
  ['md', 'text/markdown; charset=utf-8', 'md'],
  ['html', 'text/html; charset=utf-8', 'html'],
  ['txt', 'text/plain; charset=utf-8', 'txt'],
  ['json', 'application/json; charset=utf-8', 'json'],
  ['wordpress', 'text/html; charset=utf-8', 'wordpress.html'],
  ['docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'docx'],
  ['pdf', 'application/pdf', 'pdf'],
] as const;

describe('exporting an article', () => {
  it.each(expected)(
    'answers %s as %s with a file name, to its owner and to a viewer',
    async (format, type, extension) => {
      for (const cookie of [env.cookie, viewer]) {
        const res = await exportOf(format, cookie);
        expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
        expect(res.headers['content-type']).toBe(type);
        expect(res.headers['content-disposition']).toBe(`attachment; filename="${slug}.${extension}"`);
        expect(res.rawPayload.length).toBeGreaterThan(100);
      }
    },
  );

  it('sends the binary formats as the files they are', async () => {
    const docx = await exportOf('docx');
    expect(docx.rawPayload.subarray(0, 2).toString('latin1')).toBe('PK');
    const pdf = await exportOf('pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const wordpress = await exportOf('wordpress');
    expect(wordpress.body).toMatch(/^<!-- wp:heading \{"level":1\} -->/);
  });

  it("does not find another workspace's article, in any format", async () => {
    const signup = await env.test.app.inject({
      method: 'POST',
      url: '/api/v1/auth/signup',
      payload: { email: 'other@example.com', password: 'other-password' },
    });
    expect(signup.statusCode).toBe(202);
    const other = await login(env.test.app, 'other@example.com', 'other-password');
    for (const [format] of expected) {
      const res = await exportOf(format, other);
      expect(res.statusCode, format).toBe(404);
    }
  });

  it('refuses an unknown format with 400', async () => {
    for (const format of ['rtf', 'wp', 'PDF']) {
      const res = await exportOf(format);
      expect(res.statusCode, format).toBe(400);
      expect(res.json().error.code).toBe('validation_error');
    }
  });
});
