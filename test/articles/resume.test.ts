// A resumed run reads back what its steps stored. What this version cannot read (another version
// stored it, or the row was damaged) is not handed on as if it had the expected shape: the run starts
// again from that step, and the steps after it run again, the ones before it not.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readableOutput, stepOutputSchema } from '../../src/articles/step-outputs.ts';
import { session } from '../support/accounts.ts';
import { type ArticleEnv, completedArticle, startArticleEnv, waitForArticle } from './support.ts';

let env: ArticleEnv;
let id: string;
let workspaceId: string;

const query = <R>(sql: string, params: unknown[] = []) =>
  env.test.runtime.database.query<R>(sql, params).then((r) => r.rows);
const steps = () =>
  query<{ name: string; status: string; output: unknown }>(
    'SELECT name, status, output FROM article_steps WHERE article_id = $1 ORDER BY position, name',
    [id],
  );
/** Successful model calls of the article, by step. */
async function callsByStep(): Promise<Record<string, number>> {
  const rows = await query<{ step: string; n: number }>(
    "SELECT purpose_step AS step, count(*)::int AS n FROM llm_calls WHERE purpose_id = $1 AND outcome = 'ok' GROUP BY 1",
    [id],
  );
  return Object.fromEntries(rows.map((r) => [r.step, r.n]));
}
/** Runs the article's job again, as a crashed worker's run is resumed. */
async function resume() {
  await query(`UPDATE articles SET status = 'queued', lease_owner = NULL WHERE id = $1`, [id]);
  await env.test.runtime.queue.send('article.generate', { articleId: id, workspaceId });
  return waitForArticle(env, id, (a) => a.status === 'completed' || a.status === 'failed');
}
const setOutput = (name: string, output: unknown) =>
  query('UPDATE article_steps SET output = $3::jsonb WHERE article_id = $1 AND name = $2', [
    id,
    name,
    JSON.stringify(output),
  ]);

beforeAll(async () => {
  env = await startArticleEnv('pglite', { env: { ARTICLE_STEP_ATTEMPTS: '1' } });
  id = (await completedArticle(env)).id;
  workspaceId = (await query<{ w: string }>('SELECT workspace_id AS w FROM articles WHERE id = $1', [id]))[0]!
    .w;
}, 60_000);
afterAll(async () => {
  await env?.close();
});

describe('a resumed run and the outputs its steps stored', () => {
  it('reads back every output a run of this version stores', async () => {
    const stored = await steps();
    expect(stored.map((s) => s.name)).toEqual(
      expect.arrayContaining(['plan', 'gather', 'outline', 'section:0', 'faq', 'citations', 'seo', 'render']),
    );
    for (const s of stored.filter((s) => s.status === 'completed')) {
      expect(stepOutputSchema(s.name), s.name).toBeDefined();
      expect(readableOutput(s.name, s.output), `${s.name}: ${JSON.stringify(s.output).slice(0, 300)}`).toBe(
        true,
      );
    }
  });

  it('runs an unreadable section again, and every step after it, but none before it', async () => {
    const before = await callsByStep();
    // As an earlier version might have stored it: the section's text alone.
    await setOutput('section:1', 'The text of the second section, as a plain string.');
    const after = await resume();
    expect(after.status, after.error ?? '').toBe('completed');

    const calls = await callsByStep();
    for (const step of ['plan', 'outline', 'section:0']) expect(calls[step], step).toBe(before[step]);
    for (const step of ['section:1', 'intro', 'conclusion', 'faq', 'seo'])
      expect(calls[step], step).toBe((before[step] ?? 0) + 1);
    const heading = after.outline.sections[1].heading;
    expect(after.markdown.split(`\n## ${heading}\n`)).toHaveLength(2);
    expect(after.markdown).not.toContain('as a plain string');
    for (const s of await steps()) {
      expect(s.status, s.name).toMatch(/^(completed|skipped)$/);
      if (s.status === 'completed') expect(readableOutput(s.name, s.output), s.name).toBe(true);
    }
  }, 60_000);

  it('runs an unreadable outline again; a step only the earlier outline had is skipped', async () => {
    const before = await callsByStep();
    await setOutput('outline', { title: 'Heat pumps', headings: ['One', 'Two'] });
    // The earlier outline had a tenth section.
    await query(
      `INSERT INTO article_steps (article_id, name, position, status, output)
       VALUES ($1, 'section:9', 19, 'completed', '{"heading":"Ten","markdown":"Tenth."}'::jsonb)`,
      [id],
    );
    const after = await resume();
    expect(after.status, after.error ?? '').toBe('completed');

    const calls = await callsByStep();
    expect(calls.plan).toBe(before.plan);
    for (const step of ['outline', 'section:0', 'section:1', 'intro'])
      expect(calls[step], step).toBe((before[step] ?? 0) + 1);
    const stored = await steps();
    expect(stored.find((s) => s.name === 'section:9')).toMatchObject({ status: 'skipped', output: null });
    expect(after.markdown).not.toContain('Tenth.');
    expect(after.outline.sections.length).toBeLessThan(10);
    for (const s of stored)
      if (s.name !== 'section:9') expect(s.status, s.name).toMatch(/^(completed|skipped)$/);
  }, 60_000);

  it("runs a resumed regeneration's step again when it cannot read what the step stored", async () => {
    // A regeneration of the conclusion whose worker died after its step finished, in another version.
    const requested = { target: 'conclusion', instruction: null, review: false, state: 'requested' };
    await query(`UPDATE articles SET regenerate_section = -1, regeneration = $2::jsonb WHERE id = $1`, [
      id,
      JSON.stringify(requested),
    ]);
    await query(
      `INSERT INTO article_steps (article_id, name, position, status, output)
       VALUES ($1, 'conclusion#r1', 101, 'completed', '{"text":"The conclusion, in an older shape."}'::jsonb)`,
      [id],
    );
    const after = await resume();
    expect(after.status).toBe('completed');
    expect(after.error).toBeNull();
    expect((await callsByStep())['conclusion#r1']).toBe(1);
    expect(after.markdown).not.toContain('older shape');
    const step = (await steps()).find((s) => s.name === 'conclusion#r1')!;
    expect(step.status).toBe('completed');
    expect(typeof step.output).toBe('string');
    expect(after.markdown).toContain((step.output as string).slice(0, 60));
  }, 60_000);

  it('a regeneration whose research it cannot read fails with the reason, the article left as it was', async () => {
    const before = (
      await env.test.app.inject({
        method: 'GET',
        url: `/api/v1/articles/${id}`,
        headers: session(env.cookie),
      })
    ).json();
    await setOutput('gather', { questions: [], pages: [] });
    const res = await env.test.app.inject({
      method: 'POST',
      url: `/api/v1/articles/${id}/sections/0/regenerate`,
      headers: session(env.cookie),
    });
    expect(res.statusCode, res.body).toBe(202);
    const after = await waitForArticle(env, id, (a) => a.status === 'completed' || a.status === 'failed');
    expect(after.status).toBe('completed');
    expect(after.error).toMatch(/research was stored by another version/);
    expect(after.markdown).toBe(before.markdown);
  }, 60_000);
});
