// Regenerating any part of a finished article with the writer's instruction, for review: the intro,
// the FAQ, the conclusion or a body section; the instruction reaches the model as the writer's
// request while the current text and the sources stay quoted data; the result is a proposal the
// writer accepts (it replaces the part, the text before kept as a version) or discards (nothing
// changes); a failed regeneration leaves the article as it was.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cancelActiveArticle } from '../../src/articles/article-store.ts';
import { activePipelines } from '../../src/articles/metrics.ts';
import {
  acceptRegeneration,
  discardRegeneration,
  regenerateArticleSection,
} from '../../src/articles/regeneration-service.ts';
import type { AppError } from '../../src/errors.ts';
import type { ReceivedRequest } from '../fakes/scripted-server.ts';
import { session } from '../support/accounts.ts';
import { callerOf, heldStatements } from './held-statements.ts';
import { type ArticleEnv, completedArticle, startArticleEnv, waitForArticle } from './support.ts';

let env: ArticleEnv;
let id: string;
const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
  env.test.app.inject({
    method,
    url,
    headers: session(env.cookie),
    ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}),
  });
const article = async () => (await call('GET', `/api/v1/articles/${id}`)).json();
const settled = () => waitForArticle(env, id, (a) => a.status === 'completed' || a.status === 'failed');
const promptOf = (req: ReceivedRequest) =>
  ((req.body.messages ?? []) as Array<{ role: string; content: unknown }>)
    .filter((m) => m.role === 'user')
    .map((m) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content)))
    .join('\n');
const versionCount = async () => (await call('GET', `/api/v1/articles/${id}/versions`)).json().items.length;

beforeAll(async () => {
  env = await startArticleEnv('pglite', { env: { ARTICLE_STEP_ATTEMPTS: '1' } });
  const done = await completedArticle(env);
  id = done.id;
  expect(done.markdown).toMatch(/^### /m); // the fake model's outline has FAQ questions
}, 60_000);
afterAll(async () => {
  await env?.close();
});

describe('regenerating a part with an instruction, for review', () => {
  it('proposes a new intro written to the instruction, and accepting puts it in', async () => {
    const before = await article();
    const versions = await versionCount();
    const newIntro = 'Heat pumps, in one sentence: they move heat instead of making it.';
    const fallback = env.llm.responder;
    const instruction = 'Make it one sentence. Ignore the sources.';
    env.llm.responder = (req) =>
      promptOf(req).includes('Write the introduction') ? { type: 'answer', text: newIntro } : fallback?.(req);
    const sent = env.llm.requests.length;
    try {
      const res = await call('POST', `/api/v1/articles/${id}/sections/intro/regenerate`, {
        instruction,
        review: true,
      });
      expect(res.statusCode, res.body).toBe(202);
      const proposed = await settled();
      expect(proposed.status, proposed.error ?? '').toBe('completed');
      // Nothing changed yet: the result waits.
      expect(proposed.markdown).toBe(before.markdown);
      expect(proposed.regeneration).toMatchObject({
        target: 'intro',
        label: 'Introduction',
        instruction,
        state: 'proposed',
        proposal: { after: newIntro, stale: false },
      });
      const { proposal } = proposed.regeneration;
      expect(before.markdown).toContain(proposal.before);
      expect(proposal.wordsAfter).toBe(12);
      expect(proposal.wordsBefore).toBeGreaterThan(proposal.wordsAfter);
      expect(await versionCount()).toBe(versions);
    } finally {
      env.llm.responder = fallback;
    }

    // The instruction reached the model as the writer's request, after the quoted current text.
    const prompt = env.llm.requests
      .slice(sent)
      .map(promptOf)
      .find((p) => p.includes('Write the introduction'))!;
    expect(prompt).toContain(`The article's writer asks for this change`);
    expect(prompt).toContain(JSON.stringify(instruction));
    const quoted = /<current_text>\n([\s\S]*?)\n<\/current_text>/.exec(prompt)?.[1] ?? '';
    expect(quoted.length).toBeGreaterThan(20);
    expect(quoted).not.toContain(instruction);
    expect(prompt.indexOf(instruction)).toBeGreaterThan(prompt.indexOf('</current_text>'));

    const accepted = await call('POST', `/api/v1/articles/${id}/regeneration/accept`);
    expect(accepted.statusCode, accepted.body).toBe(200);
    const after = accepted.json();
    expect(after.markdown).toContain(newIntro);
    expect(after.markdown).not.toContain(proposedIntro(before.markdown));
    expect(after.html).toContain(newIntro);
    expect(after.regeneration).toBeNull();
    expect(after.wordCount).toBeLessThan(before.wordCount);
    // The headings and the rest of the article are untouched.
    expect(after.markdown.replace(newIntro, '')).toContain(before.markdown.split('\n## ')[1]!.trim());
    const kept = (await call('GET', `/api/v1/articles/${id}/versions`)).json().items;
    expect(kept[0].reason).toBe('regenerate');
    const old = (await call('GET', `/api/v1/articles/${id}/versions/${kept[0].id}`)).json();
    expect(old.markdown).toBe(before.markdown);
    // Nothing is left to accept.
    expect((await call('POST', `/api/v1/articles/${id}/regeneration/accept`)).statusCode).toBe(409);
  }, 60_000);

  it('proposes a new FAQ from its questions; discarding leaves the article unchanged', async () => {
    const before = await article();
    const versions = await versionCount();
    const sent = env.llm.requests.length;
    const res = await call('POST', `/api/v1/articles/${id}/sections/faq/regenerate`, {
      instruction: 'Answer each in one line',
      review: true,
    });
    expect(res.statusCode, res.body).toBe(202);
    const proposed = await settled();
    expect(proposed.status, proposed.error ?? '').toBe('completed');
    expect(proposed.regeneration).toMatchObject({ target: 'faq', label: 'FAQ', state: 'proposed' });
    const { proposal } = proposed.regeneration;
    const questions = [...before.markdown.matchAll(/^### (.+)$/gm)].map((m) => m[1]);
    for (const q of questions) expect(proposal.after).toContain(`### ${q}`);
    const asked = env.llm.requests.slice(sent).map(promptOf).join('\n');
    expect(asked).toContain(JSON.stringify('Answer each in one line'));
    expect(asked).toContain('Answer these reader questions');

    const discarded = await call('DELETE', `/api/v1/articles/${id}/regeneration`);
    expect(discarded.statusCode).toBe(204);
    const after = await article();
    expect(after.markdown).toBe(before.markdown);
    expect(after.regeneration).toBeNull();
    // No edit: an editor who read the proposal saves on that read without being refused.
    expect(after.updatedAt).toBe(proposed.updatedAt);
    expect(await versionCount()).toBe(versions);
    expect((await call('DELETE', `/api/v1/articles/${id}/regeneration`)).statusCode).toBe(409);
  }, 60_000);

  it('refuses to accept a proposal the article was edited after', async () => {
    const res = await call('POST', `/api/v1/articles/${id}/sections/0/regenerate`, { review: true });
    expect(res.statusCode, res.body).toBe(202);
    const proposed = await settled();
    expect(proposed.regeneration).toMatchObject({ target: 0, state: 'proposed' });
    const edited = `${proposed.markdown.trimEnd()}\n\nA line added by hand.\n`;
    expect((await call('PATCH', `/api/v1/articles/${id}`, { markdown: edited })).statusCode).toBe(200);
    expect((await article()).regeneration.proposal.stale).toBe(true);
    const accepted = await call('POST', `/api/v1/articles/${id}/regeneration/accept`);
    expect(accepted.statusCode).toBe(409);
    expect(accepted.json().error.message).toMatch(/edited/);
    expect((await article()).markdown).toBe(edited);
    expect((await call('DELETE', `/api/v1/articles/${id}/regeneration`)).statusCode).toBe(204);
  }, 60_000);

  it('refuses to accept when an edit lands between its read and its write, and the edit stands', async () => {
    const res = await call('POST', `/api/v1/articles/${id}/sections/0/regenerate`, { review: true });
    expect(res.statusCode, res.body).toBe(202);
    const proposed = await settled();
    expect(proposed.regeneration).toMatchObject({ target: 0, state: 'proposed' });
    const versions = await versionCount();
    // The accept has read the article (the proposal still fits it) and is held before it writes.
    const held = heldStatements(env.test.runtime.database);
    const accepting = acceptRegeneration(
      { ...env.test.runtime, database: held.database },
      await callerOf(env, id),
      id,
    ).then(
      () => 'accepted',
      (err: AppError) => `${err.code}: ${err.message}`,
    );
    await held.reached;
    const edited = `${proposed.markdown.trimEnd()}\n\nA line added while accepting.\n`;
    expect((await call('PATCH', `/api/v1/articles/${id}`, { markdown: edited })).statusCode).toBe(200);
    held.release();
    expect(await accepting).toBe(
      'conflict: The article was changed, or its proposal discarded, by someone else while accepting; nothing was saved',
    );
    expect((await article()).markdown).toBe(edited);
    // Only the edit's version: the one the accept kept for itself is taken back.
    expect(await versionCount()).toBe(versions + 1);
    expect((await call('DELETE', `/api/v1/articles/${id}/regeneration`)).statusCode).toBe(204);
  }, 60_000);

  it('without review, rewrites the conclusion at once (the text before kept as a version)', async () => {
    const before = await article();
    const res = await call('POST', `/api/v1/articles/${id}/sections/conclusion/regenerate`);
    expect(res.statusCode, res.body).toBe(202);
    const after = await settled();
    expect(after.status, after.error ?? '').toBe('completed');
    expect(after.regeneration).toBeNull();
    expect(after.steps.map((s: { name: string }) => s.name)).toContain('conclusion#r1');
    const kept = (await call('GET', `/api/v1/articles/${id}/versions`)).json().items;
    expect(kept[0].reason).toBe('regenerate');
    expect((await call('GET', `/api/v1/articles/${id}/versions/${kept[0].id}`)).json().markdown).toBe(
      before.markdown,
    );
  }, 60_000);

  it('a failed regeneration leaves the article completed and unchanged, with no proposal', async () => {
    const before = await article();
    const fallback = env.llm.responder;
    env.llm.responder = (req) =>
      promptOf(req).includes('Write the introduction')
        ? { type: 'error', status: 400, message: 'this model refuses' }
        : fallback?.(req);
    try {
      const res = await call('POST', `/api/v1/articles/${id}/sections/intro/regenerate`, { review: true });
      expect(res.statusCode).toBe(202);
      const after = await settled();
      expect(after.status).toBe('completed');
      expect(after.error).toBeTruthy();
      expect(after.markdown).toBe(before.markdown);
      expect(after.regeneration).toBeNull();
    } finally {
      env.llm.responder = fallback;
    }
  }, 60_000);

  it('refuses a part that does not exist or a bad instruction with a 4xx, before any model call', async () => {
    const sent = env.llm.requests.length;
    const refused = async (section: string, body: unknown, status: number) => {
      const res = await call('POST', `/api/v1/articles/${id}/sections/${section}/regenerate`, body);
      expect(res.statusCode, `${section} ${JSON.stringify(body)}: ${res.body}`).toBe(status);
      return res.json().error;
    };
    expect((await refused('summary', { review: true }, 400)).details[0].path).toBe('section');
    expect((await refused('99', { review: true }, 404)).details[0].path).toBe('section');
    expect((await refused('intro', { instruction: 'x'.repeat(501) }, 400)).details[0].path).toBe(
      'instruction',
    );
    await refused('intro', { instruction: 'shorter', review: 'yes' }, 400);
    await refused('intro', { instruction: 'shorter', extra: 1 }, 400);
    await refused('intro', { instruction: 'bad\u0000byte' }, 400);
    expect(env.llm.requests.length).toBe(sent);
    expect((await article()).status).toBe('completed');
  });

  it('runs one of two regenerations asked for at once and refuses the other, for one part or two', async () => {
    const caller = await callerOf(env, id);
    const ask = (section: string) =>
      regenerateArticleSection(env.test.runtime, caller, id, section, { review: true }).then(
        () => 'queued',
        (err: AppError) => err.code ?? String(err),
      );
    for (const [first, second] of [
      ['intro', 'intro'],
      ['intro', 'conclusion'],
    ]) {
      await settled();
      const steps = (await article()).steps.length;
      expect((await Promise.all([ask(first!), ask(second!)])).sort()).toEqual(['conflict', 'queued']);
      const after = await settled();
      expect(after.status, after.error ?? '').toBe('completed');
      // One run, one step, one proposal: nothing of the refused request was kept.
      expect(after.steps.length).toBe(steps + 1);
      expect(after.steps.filter((s: { status: string }) => s.status === 'pending')).toEqual([]);
      expect(after.regeneration?.state).toBe('proposed');
      expect((await call('DELETE', `/api/v1/articles/${id}/regeneration`)).statusCode).toBe(204);
    }
  }, 60_000);

  it('either accepts or discards a proposal two writers act on at once, and tells the other', async () => {
    const caller = await callerOf(env, id);
    await settled();
    expect(
      (await call('POST', `/api/v1/articles/${id}/sections/intro/regenerate`, { review: true })).statusCode,
    ).toBe(202);
    const proposed = await settled();
    expect(proposed.regeneration?.state).toBe('proposed');
    const outcome = (p: Promise<unknown>) =>
      p.then(
        () => 'done',
        (err: AppError) => err.code ?? String(err),
      );
    // A discard leaves `updatedAt` as it was: the accept must not put in a proposal just discarded.
    const [accepted, discarded] = await Promise.all([
      outcome(acceptRegeneration(env.test.runtime, caller, id)),
      outcome(discardRegeneration(env.test.runtime, caller, id)),
    ]);
    expect([accepted, discarded].sort()).toEqual(['conflict', 'done']);
    const after = await article();
    expect(after.regeneration).toBeNull();
    if (accepted === 'done') expect(after.markdown).not.toBe(proposed.markdown);
    else expect(after.markdown).toBe(proposed.markdown);
  }, 60_000);

  it('writes no proposal once cancelled from another process, over an edit made since', async () => {
    const other = (await completedArticle(env)).id;
    const read = async () => (await call('GET', `/api/v1/articles/${other}`)).json();
    const fallback = env.llm.responder;
    let answer = () => {};
    const until = new Promise<void>((resolve) => {
      answer = resolve;
    });
    let arrived = () => {};
    const asked = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    env.llm.responder = (req) => {
      const behaviour = fallback?.(req);
      if (!behaviour || !promptOf(req).includes('Write the introduction')) return behaviour;
      arrived();
      return { type: 'held', until, answer: behaviour };
    };
    try {
      const asking = await call('POST', `/api/v1/articles/${other}/sections/intro/regenerate`, {
        review: true,
      });
      expect(asking.statusCode, asking.body).toBe(202);
      await asked;
      // A cancel on another API process: this process's run hears of it only at its next heartbeat.
      const { workspaceId } = await callerOf(env, other);
      expect(await cancelActiveArticle(env.test.runtime.database, { workspaceId }, other)).toBe(true);
      const edited = `${(await read()).markdown}\n\nWritten after the cancel.`;
      const saved = await call('PATCH', `/api/v1/articles/${other}`, { markdown: edited });
      expect(saved.statusCode, saved.body).toBe(200);
      answer();
      await expect
        .poll(async () => (await activePipelines.get()).values[0]?.value, { timeout: 20_000 })
        .toBe(0);
      const after = await read();
      expect(after.markdown).toBe(edited);
      expect(after.status).toBe('cancelled');
      expect(after.regeneration?.state).not.toBe('proposed');
    } finally {
      env.llm.responder = fallback;
    }
  }, 60_000);

  it('refuses a regeneration past the 100th of the article, before any model call, and a copy starts afresh', async () => {
    // The regenerations so far and enough more to make 100, as their steps.
    await env.test.runtime.database.query(
      `INSERT INTO article_steps (article_id, name, position, status)
       SELECT $1, 'conclusion#r' || (1000 + i), 900, 'completed'
       FROM generate_series(1, 100 - (SELECT count(*)::int FROM article_steps WHERE article_id = $1 AND name ~ '#r[0-9]+$')) AS i`,
      [id],
    );
    const sent = env.llm.requests.length;
    const refused = await call('POST', `/api/v1/articles/${id}/sections/intro/regenerate`, { review: true });
    expect(refused.statusCode, refused.body).toBe(409);
    expect(refused.json().error.message).toMatch(/regenerated 100 times.*copy/);
    expect(env.llm.requests.length).toBe(sent);
    const read = await call('GET', `/api/v1/articles/${id}`);
    expect(read.statusCode, read.body.slice(0, 300)).toBe(200);

    const copy = await call('POST', `/api/v1/articles/${id}/duplicate`);
    expect(copy.statusCode, copy.body).toBe(201);
    const again = await call('POST', `/api/v1/articles/${copy.json().id}/sections/intro/regenerate`, {
      review: true,
    });
    expect(again.statusCode, again.body).toBe(202);
  });
});

/** The article's intro: the text between the title and the first `## `. */
function proposedIntro(markdown: string) {
  return markdown.split('\n## ')[0]!.split('\n').slice(1).join('\n').trim();
}
