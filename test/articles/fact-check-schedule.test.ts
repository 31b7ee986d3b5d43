// Each section's fact check and citation check start as soon as that section is written, beside the
// sections still being written, rather than after the whole draft; a section that fails stops the
// fact check without marking it failed. The citation check sends the composed draft only what no
// section held, and again only the sentences the revision rewrote. Checked on the fake model's
// request log and the article's steps.
import { afterEach, describe, expect, it } from 'vitest';
import { citedSentences } from '../../src/writing/citations.ts';
import { articleModelResponder } from '../fakes/article-model.ts';
import { promptOf, schemaOf } from '../fakes/request-fields.ts';
import type { ReceivedRequest } from '../fakes/scripted-server.ts';
import { type ArticleEnv, postArticle, startArticleEnv, waitForArticle } from './support.ts';

const isSection = (r: ReceivedRequest) => promptOf(r).includes('Write the body of section');
const isFrame = (r: ReceivedRequest) => /Write the (introduction|conclusion)/.test(promptOf(r));
/** The sentences a citation check request sends to the model. */
const statements = (r: ReceivedRequest) =>
  [...promptOf(r).matchAll(/^\(\d+\) "(.*)" — cites/gm)].map((m) => m[1]!);

describe('fact check schedule', () => {
  let env: ArticleEnv | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  /** A heat-pump article of `words` (no SEO) on a new environment, run to completion. */
  async function completedArticle(options: Parameters<typeof startArticleEnv>[1], words: number) {
    const started = await startArticleEnv('pglite', options);
    env = started;
    const res = await postArticle(started, {
      topic: 'heat pumps for family homes',
      words,
      research: { urls: started.urls },
      seo: false,
    });
    expect(res.statusCode, res.body).toBe(202);
    const article = await waitForArticle(started, res.json().id);
    expect(article.status, article.error ?? '').toBe('completed');
    return { env: started, article };
  }

  it('checks each section as soon as it is written, before the last section and the frame are done', async () => {
    // Two at once and three sections: the first two sections' checks run beside the third.
    const { env, article } = await completedArticle(
      { env: { SECTION_CONCURRENCY: '2' }, model: { chunkDelayMs: 2 } },
      750,
    );
    expect(article.outline.sections).toHaveLength(3);

    const calls = env.llm.requests.filter((r) => r.path === '/v1/chat/completions');
    const sections = calls.filter(isSection);
    const checks = calls.filter((r) => schemaOf(r) === 'fact_check');
    const frame = calls.filter(isFrame);
    expect(sections).toHaveLength(3);
    expect(checks).toHaveLength(3);
    expect(frame).toHaveLength(2);
    // Every check reads a finished section: none starts before the first section is written.
    const firstSectionEnd = Math.min(...sections.map((r) => r.finishedAt!));
    for (const r of checks) expect(r.at).toBeGreaterThanOrEqual(firstSectionEnd);
    const lastSectionEnd = Math.max(...sections.map((r) => r.finishedAt!));
    expect(Math.min(...checks.map((r) => r.at))).toBeLessThan(lastSectionEnd);
    // The claims of every section are kept, in section order.
    const claimSections = article.factCheck.claims.map((c: { section: number }) => c.section);
    expect(new Set(claimSections)).toEqual(new Set([0, 1, 2]));
    expect(claimSections).toEqual([...claimSections].sort((a, b) => a - b));
    const step = (name: string) => article.steps.find((s: { name: string }) => s.name === name);
    expect(step('factcheck')).toMatchObject({ status: 'completed' });
  }, 60_000);

  it("checks each section's citations as soon as it is written, and no sentence of a section again", async () => {
    const { env, article } = await completedArticle(
      { env: { SECTION_CONCURRENCY: '2' }, model: { chunkDelayMs: 2 } },
      750,
    );
    const calls = env.llm.requests.filter((r) => r.path === '/v1/chat/completions');
    const sections = calls.filter(isSection);
    const verdicts = calls.filter((r) => schemaOf(r) === 'citation_verdicts');
    expect(sections).toHaveLength(3);
    const firstSectionEnd = Math.min(...sections.map((r) => r.finishedAt!));
    const lastSectionEnd = Math.max(...sections.map((r) => r.finishedAt!));
    for (const r of verdicts) expect(r.at).toBeGreaterThanOrEqual(firstSectionEnd);
    expect(Math.min(...verdicts.map((r) => r.at))).toBeLessThan(lastSectionEnd);
    // Each section's cited sentences were sent once: the composed draft's check reused their verdicts.
    const sent = verdicts.flatMap(statements);
    const bodies = article.outline.sections.map(
      (s: { heading: string }) => article.markdown.split(`## ${s.heading}`)[1]!.split('\n## ')[0]!,
    );
    const sectionSentences = bodies.flatMap((b: string) => citedSentences(b).map((c) => c.sentence));
    expect(sectionSentences.length).toBeGreaterThan(0);
    // (A sentence two sections share is sent once for each: the sections are checked apart.)
    const count = (list: string[], sentence: string) => list.filter((s) => s === sentence).length;
    for (const sentence of sectionSentences)
      expect(count(sent, sentence), sentence).toBe(count(sectionSentences, sentence));
    // And every cited sentence of the article has the model's verdict.
    expect(article.citations.map((c: { sentence: string }) => c.sentence)).toEqual(
      citedSentences(article.markdown).map((c) => c.sentence),
    );
    for (const c of article.citations) expect(c.verdict).toBeDefined();
  }, 60_000);

  it('a section failing while the fact check runs fails the run with its error and leaves the check pending', async () => {
    env = await startArticleEnv('pglite', {
      env: { SECTION_CONCURRENCY: '2', ARTICLE_STEP_ATTEMPTS: '1', LLM_MAX_RETRIES: '0' },
    });
    const writer = articleModelResponder();
    env.llm.responder = (req) => {
      // The third section is refused; the checks of the first two are slow, so they are in flight then.
      if (promptOf(req).includes('Write the body of section 3'))
        return { type: 'error', status: 400, message: 'writer model rejects this section' };
      const answer = writer(req);
      return schemaOf(req) === 'fact_check' && answer?.type === 'answer'
        ? { ...answer, delayMs: 1500 }
        : answer;
    };
    const res = await postArticle(env, {
      topic: 'failing sections',
      words: 750,
      research: { urls: env.urls },
    });
    const article = await waitForArticle(env, res.json().id);
    expect(article.status).toBe('failed');
    expect(article.error).toMatch(/Step section:2 failed: .*writer model rejects this section/);
    const step = (name: string) => article.steps.find((s: { name: string }) => s.name === name);
    expect(step('section:2')).toMatchObject({ status: 'failed' });
    // The check had started (it reads the sections as they come), and stopped without failing itself.
    expect(env.llm.requests.some((r) => schemaOf(r) === 'fact_check')).toBe(true);
    expect(step('factcheck')).toMatchObject({ status: 'pending' });
    expect(step('factcheck').error ?? null).toBeNull();
    // Nothing of this run follows its `done`.
    await new Promise((r) => setTimeout(r, 2000));
    const { rows } = await env.test.runtime.database.query<{ type: string }>(
      'SELECT type FROM article_events WHERE article_id = $1 ORDER BY id',
      [article.id],
    );
    expect(rows.at(-1)?.type).toBe('done');
    expect(rows.filter((r) => r.type === 'done')).toHaveLength(1);
  }, 60_000);

  it('checks citations on the draft beside the fact check, and again only the sentences the revision rewrote', async () => {
    const { env, article } = await completedArticle(
      { model: { unsupportedMarker: '52 percent', reviseMarkerTo: 'roughly half', perTokenMs: 2 } },
      900,
    );
    // The revision ran and the final text is the revised one.
    const step = (name: string) => article.steps.find((s: { name: string }) => s.name === name);
    expect(step('revise')).toMatchObject({ status: 'completed' });
    expect(article.markdown).toContain('roughly half');
    expect(article.markdown).not.toContain('52 percent');

    const calls = env.llm.requests.filter((r) => r.path === '/v1/chat/completions');
    const checks = calls.filter((r) => schemaOf(r) === 'fact_check');
    const verdicts = calls.filter((r) => schemaOf(r) === 'citation_verdicts');
    const revisions = calls.filter((r) => promptOf(r).includes('A fact check found problems'));
    expect(revisions.length).toBeGreaterThan(0);
    // The first pass judged the draft while the fact check was still running.
    const checksEnd = Math.max(...checks.map((r) => r.finishedAt!));
    const firstPass = verdicts.filter((r) => r.at < checksEnd);
    expect(firstPass.length).toBeGreaterThan(0);
    expect(firstPass.some((r) => promptOf(r).includes('52 percent'))).toBe(true);
    // The second pass, after the revision, sent only rewritten sentences.
    const revisedEnd = Math.max(...revisions.map((r) => r.finishedAt!));
    const secondPass = verdicts.filter((r) => r.at >= revisedEnd);
    expect(secondPass.length).toBeGreaterThan(0);
    const resent = secondPass.flatMap(statements);
    expect(resent.length).toBeGreaterThan(0);
    expect(resent.every((sentence) => sentence.includes('roughly half'))).toBe(true);
    // Every cited sentence of the final text has its result, judged by the model, none of the old text.
    const finalSentences = citedSentences(article.markdown).map((c) => c.sentence);
    expect(article.citations.map((c: { sentence: string }) => c.sentence)).toEqual(finalSentences);
    for (const c of article.citations) expect(c.verdict).toBeDefined();
    expect(article.citations.some((c: { sentence: string }) => c.sentence.includes('52 percent'))).toBe(
      false,
    );
  }, 60_000);
});
