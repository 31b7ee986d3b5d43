// An article row another version wrote (two versions side by side in a rollout; a rollback reading
// what the newer one stored) or a damaged one: its JSON columns may hold shapes this version does not
// know. Reading the article must not fail with a 500 — what cannot be read shows as empty, the text
// and the rest as stored — and a run must not go ahead on a request it cannot read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportFormats } from '../../src/articles/export.ts';
import { readableBrief } from '../../src/articles/stored-article.ts';
import { session } from '../support/accounts.ts';
import { type ArticleEnv, completedArticle, startArticleEnv, waitForArticle } from './support.ts';

describe('a stored brief as this version reads it', () => {
  const brief = { topic: 'heat pumps', words: 900, research: { web: true, urls: [] } };

  it('leaves out the keys of another version, at any depth, and fills in the defaults', () => {
    const read = readableBrief({
      ...brief,
      images: { count: 3 },
      research: { ...brief.research, videos: true, maxWebSources: 4 },
    });
    expect(read).toMatchObject({ topic: 'heat pumps', words: 900, language: 'en', factCheck: true });
    expect(read?.research).toEqual({
      web: true,
      knowledge: false,
      documents: [],
      urls: [],
      maxWebSources: 4,
    });
    expect(read).not.toHaveProperty('images');
  });

  it('cannot read a value of another type, even beside keys it does not know', () => {
    expect(readableBrief({ ...brief, words: 'many' })).toBeUndefined();
    expect(readableBrief({ ...brief, words: 'many', images: 3 })).toBeUndefined();
    expect(readableBrief('heat pumps')).toBeUndefined();
    expect(readableBrief(null)).toBeUndefined();
  });
});

let env: ArticleEnv;
let id: string;
let workspaceId: string;
let text: string;

const query = <R>(sql: string, params: unknown[] = []) =>
  env.test.runtime.database.query<R>(sql, params).then((r) => r.rows);
const setColumn = (column: string, value: unknown) =>
  query(`UPDATE articles SET ${column} = $2::jsonb WHERE id = $1`, [id, JSON.stringify(value)]);
const get = (path = '') =>
  env.test.app.inject({ method: 'GET', url: `/api/v1/articles/${id}${path}`, headers: session(env.cookie) });
/** Queues the article's job again, as a worker would meet it (a run, or a regeneration of `section`). */
async function runAgain(section: number | null = null) {
  await query(
    `UPDATE articles SET status = 'queued', lease_owner = NULL, regenerate_section = $2 WHERE id = $1`,
    [id, section],
  );
  await env.test.runtime.queue.send('article.generate', { articleId: id, workspaceId });
}

beforeAll(async () => {
  env = await startArticleEnv('pglite', { env: { ARTICLE_STEP_ATTEMPTS: '1' } });
  const article = await completedArticle(env);
  id = article.id;
  text = article.markdown;
  workspaceId = (await query<{ w: string }>('SELECT workspace_id AS w FROM articles WHERE id = $1', [id]))[0]!
    .w;
}, 60_000);
afterAll(async () => {
  await env?.close();
});

describe('an article whose JSON columns hold shapes this version does not know', () => {
  const unreadable: Array<[string, string, unknown, unknown]> = [
    ['outline', 'outline', { sections: 'five' }, null],
    ['sources', 'sources', { first: 1 }, []],
    ['citations', 'citations', 'checked', []],
    ['fact_check', 'factCheck', { claims: 'none' }, null],
    ['seo', 'seo', [1, 2], null],
    [
      'regeneration',
      'regeneration',
      { state: 'proposed', review: true, target: 1, instruction: null, proposal: 'a text' },
      null,
    ],
  ];

  it.each(unreadable)(
    'shows %s as empty and the rest as stored, in the view and every export',
    async (column, field, value, empty) => {
      const [before] = await query<{ v: unknown }>(`SELECT ${column} AS v FROM articles WHERE id = $1`, [id]);
      await setColumn(column, value);
      try {
        const res = await get();
        expect(res.statusCode, res.body).toBe(200);
        expect(res.json()[field]).toEqual(empty);
        expect(res.json().markdown).toBe(text);
        expect(res.json().status).toBe('completed');
        for (const format of exportFormats) {
          const exported = await get(`/export?format=${format}`);
          expect(exported.statusCode, `${format}: ${exported.body.slice(0, 300)}`).toBe(200);
        }
      } finally {
        await setColumn(column, before!.v);
      }
    },
  );

  it('shows a brief of another version without the keys this one does not know, and one of its topic when unreadable', async () => {
    const [{ brief }] = (await query<{ brief: Record<string, unknown> }>(
      'SELECT brief FROM articles WHERE id = $1',
      [id],
    )) as [{ brief: Record<string, unknown> }];
    try {
      await setColumn('brief', { ...brief, images: { count: 3 } });
      let res = await get();
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().brief).toEqual(brief);

      await setColumn('brief', { ...brief, words: 'many' });
      res = await get();
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().brief).toMatchObject({ topic: 'heat pumps for family homes', words: 1500 });
      expect(res.json().markdown).toBe(text);
      // The workspace's estimates read every finished article's length: this one is left out.
      for (const words of ['many', 1e30, -5]) {
        await setColumn('brief', { ...brief, words });
        const estimate = await env.test.app.inject({
          method: 'POST',
          url: '/api/v1/articles/estimate',
          headers: session(env.cookie),
          payload: { topic: 'heat pumps', words: 800 },
        });
        expect(estimate.statusCode, `${words}: ${estimate.body}`).toBe(200);
      }
    } finally {
      await setColumn('brief', brief);
    }
  });

  it("shows a step's structured-output rungs without one this version does not know (it was a 500)", async () => {
    const [before] = await query<{ rungs: string[] }>(
      `SELECT output_rungs AS rungs FROM article_steps WHERE article_id = $1 AND name = 'outline'`,
      [id],
    );
    await query(
      `UPDATE article_steps SET output_rungs = ARRAY['json_mode', 'tool'] WHERE article_id = $1 AND name = 'outline'`,
      [id],
    );
    try {
      const res = await get();
      expect(res.statusCode, res.body).toBe(200);
      const outline = (res.json().steps as Array<{ name: string; outputRungs: string[] }>).find(
        (s) => s.name === 'outline',
      );
      expect(outline?.outputRungs).toEqual(['tool']);
    } finally {
      await query(`UPDATE article_steps SET output_rungs = $2 WHERE article_id = $1 AND name = 'outline'`, [
        id,
        before!.rungs,
      ]);
    }
  });
});

describe('a run whose stored request this version cannot read', () => {
  it('fails with the reason instead of running on a guess', async () => {
    const [{ brief }] = (await query<{ brief: unknown }>('SELECT brief FROM articles WHERE id = $1', [
      id,
    ])) as [{ brief: unknown }];
    await setColumn('brief', { topic: 'heat pumps for family homes', words: 'many' });
    const calls = env.llm.requests.length;
    await runAgain();
    const failed = await waitForArticle(env, id, (a) => a.status === 'failed');
    expect(failed.error).toMatch(/cannot read the article's brief/);
    expect(env.llm.requests.length).toBe(calls);
    await setColumn('brief', brief);
  });

  it('fails a regeneration whose request it cannot read, the article staying as it was', async () => {
    await query("UPDATE articles SET status = 'completed', error = NULL WHERE id = $1", [id]);
    const calls = env.llm.requests.length;
    await setColumn('regeneration', { state: 'requested', target: 'the second one' });
    await runAgain(1);
    const after = await waitForArticle(
      env,
      id,
      (a) => a.status !== 'queued' && a.status !== 'running' && (a as { error?: string }).error !== null,
    );
    expect(after.status).toBe('completed');
    expect(after.error).toMatch(/cannot read the requested regeneration/);
    expect(after.markdown).toBe(text);
    expect(env.llm.requests.length).toBe(calls);
  });
});
