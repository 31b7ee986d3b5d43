// A brand voice shapes every writing prompt of the articles that name it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxBrandVoices } from '../../src/articles/brand-voice-store.ts';
import { session } from '../support/accounts.ts';
import { type ArticleEnv, postArticle, startArticleEnv, waitForArticle } from './support.ts';

let env: ArticleEnv;
const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: Record<string, unknown>) =>
  env.test.app.inject({ method, url, headers: session(env.cookie), ...(payload ? { payload } : {}) });

beforeAll(async () => {
  env = await startArticleEnv('pglite');
}, 60_000);
afterAll(async () => {
  await env?.close();
});

describe('brand voices', () => {
  it('are created, listed, changed and deleted, and refuse bad input', async () => {
    const created = await call('POST', '/api/v1/brand-voices', {
      name: 'Plain',
      guidelines: 'Short sentences.',
    });
    expect(created.statusCode).toBe(201);
    const { id } = created.json();
    expect((await call('PATCH', `/api/v1/brand-voices/${id}`, { name: 'Plainer' })).json()).toMatchObject({
      name: 'Plainer',
      guidelines: 'Short sentences.',
    });
    expect((await call('GET', '/api/v1/brand-voices')).json().items).toEqual([
      expect.objectContaining({ id }),
    ]);
    expect((await call('POST', '/api/v1/brand-voices', { name: '', guidelines: 'x' })).statusCode).toBe(400);
    expect((await call('DELETE', `/api/v1/brand-voices/${id}`)).statusCode).toBe(204);
    expect((await call('DELETE', `/api/v1/brand-voices/${id}`)).statusCode).toBe(404);
  });

  it(`are at most ${maxBrandVoices} a workspace, also when created all at once`, async () => {
    const codes = await Promise.all(
      Array.from({ length: maxBrandVoices + 20 }, async (_, i) => {
        const res = await call('POST', '/api/v1/brand-voices', {
          name: `Voice ${i}`,
          guidelines: 'Plain words.',
        });
        if (res.statusCode === 409) expect(res.json().error.message).toMatch(/at most 100 brand voices/);
        return res.statusCode;
      }),
    );
    expect(codes.filter((c) => c === 201)).toHaveLength(maxBrandVoices);
    expect(codes.filter((c) => c === 409)).toHaveLength(20);
    const listed = (await call('GET', '/api/v1/brand-voices')).json().items as Array<{ id: string }>;
    expect(listed).toHaveLength(maxBrandVoices);
    // Deleting one makes room for one.
    expect((await call('DELETE', `/api/v1/brand-voices/${listed[0]!.id}`)).statusCode).toBe(204);
    expect((await call('POST', '/api/v1/brand-voices', { name: 'Room', guidelines: 'x' })).statusCode).toBe(
      201,
    );
    expect((await call('POST', '/api/v1/brand-voices', { name: 'Full', guidelines: 'x' })).statusCode).toBe(
      409,
    );
    for (const voice of (await call('GET', '/api/v1/brand-voices')).json().items as Array<{ id: string }>)
      await call('DELETE', `/api/v1/brand-voices/${voice.id}`);
  });

  it('puts the guidelines into every writing prompt of an article that names it', async () => {
    const guidelines = 'Always address the reader as "you" and never use the word "leverage".';
    const voice = (await call('POST', '/api/v1/brand-voices', { name: 'Friendly', guidelines })).json();
    const before = env.llm.requests.length;
    const res = await postArticle(env, {
      topic: 'brand voice test',
      words: 400,
      brandVoiceId: voice.id,
      research: { urls: env.urls.slice(0, 1) },
    });
    expect(res.statusCode, res.body).toBe(202);
    const article = await waitForArticle(env, res.json().id);
    expect(article.status, article.error ?? '').toBe('completed');
    const writing = env.llm.requests.slice(before).filter((r) => {
      const prompt = JSON.stringify(r.body.messages);
      return prompt.includes('Write the body of section') || prompt.includes('Write the introduction');
    });
    expect(writing.length).toBeGreaterThan(1);
    for (const r of writing) expect(JSON.stringify(r.body.messages)).toContain('never use the word');

    const metrics = await env.test.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/articles_generated_total\{status="completed"\} [1-9]/);
    expect(metrics.body).toMatch(/article_generation_duration_seconds_count\{status="completed"\} [1-9]/);
    expect(metrics.body).toMatch(/^active_pipelines 0$/m);
    expect(metrics.body).toMatch(
      /article_step_duration_seconds_count\{step="section",status="completed"\} [1-9]/,
    );
  }, 60_000);
});
