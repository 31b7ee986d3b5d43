// Article events over HTTP: a live SSE stream during a run, resumption with Last-Event-ID, and the
// WebSocket (same events, authenticated on connect, foreign articles refused).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, session } from '../support/accounts.ts';
import { openEventSocket } from '../support/event-socket.ts';
import { type ArticleEnv, postArticle, startArticleEnv, waitForArticle } from './support.ts';

let env: ArticleEnv;
let base: string;

beforeAll(async () => {
  env = await startArticleEnv('pglite', {
    model: { chunkDelayMs: 5, chunkSize: 24 },
    env: { SIGNUP_ENABLED: 'true' },
  });
  base = await env.test.app.listen({ port: 0, host: '127.0.0.1' });
}, 60_000);
afterAll(async () => {
  await env?.close();
});

interface Sse {
  id: number;
  event: string;
  data: Record<string, unknown>;
}

function parseSse(text: string): Sse[] {
  return text
    .split('\n\n')
    .filter((block) => block.includes('event: '))
    .map((block) => {
      const field = (name: string) => new RegExp(`^${name}: (.*)$`, 'm').exec(block)?.[1] ?? '';
      return { id: Number(field('id')), event: field('event'), data: JSON.parse(field('data')) };
    });
}

describe('article events', () => {
  it('streams a run live over SSE, then ends after done; Last-Event-ID resumes after it', async () => {
    const started = Date.now();
    const res = await postArticle(env, {
      topic: 'streaming heat pumps',
      words: 600,
      research: { urls: env.urls },
    });
    const id = res.json().id;
    const stream = await fetch(`${base}/api/v1/articles/${id}/events`, { headers: session(env.cookie) });
    expect(stream.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = stream.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    let firstEventAt: number | undefined;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
      if (firstEventAt === undefined && text.includes('event: ')) firstEventAt = Date.now();
    }
    const events = parseSse(text);
    expect(firstEventAt! - started).toBeLessThan(5000);
    const types = events.map((e) => e.event);
    expect(types[0]).toBe('status');
    expect(types).toEqual(
      expect.arrayContaining(['step.started', 'step.finished', 'source.found', 'section.delta', 'cost']),
    );
    expect(types.at(-1)).toBe('done');
    expect(events.at(-1)!.data).toEqual({ status: 'completed' });
    const ids = events.map((e) => e.id);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    const deltas = events.filter((e) => e.event === 'section.delta' && e.data.part === 'section:0');
    const article = await waitForArticle(env, id);
    const firstSection = deltas.map((e) => e.data.text).join('');
    expect(firstSection.length).toBeGreaterThan(100);
    expect(article.steps.find((s: { name: string }) => s.name === 'section:0').status).toBe('completed');
    const costs = events.filter((e) => e.event === 'cost').map((e) => Number(e.data.costUsd));
    expect(costs.at(-1)).toBeCloseTo(article.usage.costUsd, 6);

    // Resume: only what came after the given id.
    const middle = events[Math.floor(events.length / 2)]!;
    const resumed = await env.test.app.inject({
      method: 'GET',
      url: `/api/v1/articles/${id}/events`,
      headers: { ...session(env.cookie), 'last-event-id': String(middle.id) },
    });
    const rest = parseSse(resumed.body);
    expect(rest.map((e) => e.id)).toEqual(ids.filter((i) => i > middle.id));

    // Resumed at the final `done` (a browser EventSource reconnecting after the end): nothing is
    // left, so the stream ends at once instead of sending keep-alives forever.
    const resumedAtEnd = Date.now();
    const after = await fetch(`${base}/api/v1/articles/${id}/events`, {
      headers: { cookie: env.cookie, 'last-event-id': String(ids.at(-1)) },
      signal: AbortSignal.timeout(10_000),
    });
    expect(after.status).toBe(200);
    expect(parseSse(await after.text())).toEqual([]);
    expect(Date.now() - resumedAtEnd).toBeLessThan(5000);
  }, 60_000);

  it('carries the same events over the WebSocket and refuses articles of other workspaces', async () => {
    const res = await postArticle(env, { topic: 'websocket heat pumps', words: 400, factCheck: false });
    const id = res.json().id;
    await waitForArticle(env, id);

    // Another workspace's article on the same server.
    const signup = await env.test.app.inject({
      method: 'POST',
      url: '/api/v1/auth/signup',
      payload: { email: 'other@example.com', password: 'other-password' },
    });
    expect(signup.statusCode).toBe(202);
    const otherCookie = await login(env.test.app, 'other@example.com', 'other-password');
    const foreign = await env.test.app.inject({
      method: 'POST',
      url: '/api/v1/articles',
      headers: session(otherCookie),
      payload: { topic: 'not yours', words: 300, factCheck: false, seo: false },
    });
    const foreignId = foreign.json().id as string;
    // The event stream of another workspace's article is not found either.
    const foreignStream = await env.test.app.inject({
      method: 'GET',
      url: `/api/v1/articles/${foreignId}/events`,
      headers: session(env.cookie),
    });
    expect(foreignStream.statusCode).toBe(404);

    const { ws, messages } = await openEventSocket(base, env.cookie);
    ws.send(JSON.stringify({ type: 'subscribe', articleId: foreignId }));
    ws.send(JSON.stringify({ type: 'subscribe', articleId: id }));
    ws.send('not json');
    const deadline = Date.now() + 10_000;
    while (!messages.some((m) => m.event === 'done') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    ws.close();
    expect(messages).toContainEqual(
      expect.objectContaining({ type: 'error', code: 'not_found', articleId: foreignId }),
    );
    expect(messages).toContainEqual(expect.objectContaining({ type: 'error', code: 'validation_error' }));
    const mine = messages.filter((m) => m.type === 'event');
    expect(mine.every((m) => m.articleId === id)).toBe(true);
    expect(mine.map((m) => m.event)).toEqual(expect.arrayContaining(['status', 'step.finished', 'done']));

    const anonymous = new WebSocket(`${base.replace('http', 'ws')}/api/v1/ws`);
    const outcome = await new Promise((resolve) => {
      anonymous.addEventListener('open', () => resolve('open'));
      anonymous.addEventListener('error', () => resolve('refused'));
    });
    expect(outcome).toBe('refused');
  }, 60_000);

  it('ends the SSE stream and the WebSocket subscription of an article deleted while clients listen', async () => {
    const res = await postArticle(env, {
      topic: 'deleted while streaming',
      words: 3000,
      research: { urls: env.urls },
    });
    const id = res.json().id;
    const stream = await fetch(`${base}/api/v1/articles/${id}/events`, { headers: session(env.cookie) });
    const reader = stream.body!.pipeThrough(new TextDecoderStream()).getReader();
    await reader.read();
    const { ws, messages } = await openEventSocket(base, env.cookie);
    ws.send(JSON.stringify({ type: 'subscribe', articleId: id }));
    while (!messages.some((m) => m.type === 'event')) await new Promise((r) => setTimeout(r, 20));

    const deleted = await env.test.app.inject({
      method: 'DELETE',
      url: `/api/v1/articles/${id}`,
      headers: session(env.cookie),
    });
    expect(deleted.statusCode).toBe(204);
    const started = Date.now();
    for (;;) {
      const { done } = await reader.read();
      if (done) break;
    }
    while (!messages.some((m) => m.type === 'error')) await new Promise((r) => setTimeout(r, 20));
    ws.close();
    // The deleting request tells the article's followers: no wait for a keep-alive (15 s) to notice.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(messages.at(-1)).toEqual(
      expect.objectContaining({ type: 'error', code: 'not_found', articleId: id }),
    );
  }, 60_000);
});
