// What one user follows at once: distinct articles (each a reader with its own poll) and open
// streams, over SSE and WebSocket subscriptions together. Past either, the next is refused (429, or
// a `rate_limited` message on the socket) until one is closed. Articles that never ran keep their
// streams open.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followLimits, followQuota } from '../../src/server/follow-quota.ts';
import { setupOwner } from '../support/accounts.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { openEventSocket } from '../support/event-socket.ts';
import { insertOwnedArticle } from '../support/stored-brief.ts';

describe('followQuota', () => {
  it('counts distinct articles and streams per user, and gives places back once', () => {
    const quota = followQuota({ articles: 2, streams: 3 });
    const a1 = quota.take('ann', 'a');
    quota.take('ann', 'a');
    quota.take('ann', 'b');
    expect(() => quota.take('ann', 'a')).toThrow(/At most 3 article event streams/);
    a1();
    a1();
    expect(() => quota.take('ann', 'c')).toThrow(/At most 2 articles may be followed/);
    const again = quota.take('ann', 'a');
    expect(() => quota.take('ann', 'a')).toThrow(/streams/);
    // Another user has places of their own.
    quota.take('bob', 'c');
    again();
    expect(() => quota.take('ann', 'c')).toThrow(/articles/);
  });
});

describe('articles followed at once, over HTTP', () => {
  let t: TestApp;
  let cookie: string;
  let base: string;
  const articleIds: string[] = [];

  beforeAll(async () => {
    t = await createTestApp('pglite');
    const owner = await setupOwner(t.app);
    cookie = owner.cookie;
    for (let i = 0; i <= followLimits.articles; i++) {
      articleIds.push(await insertOwnedArticle(t, owner, `never ran ${i}`));
    }
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  }, 60_000);
  afterAll(() => t?.close());

  const openStream = async (articleId: string) => {
    const controller = new AbortController();
    const res = await fetch(`${base}/api/v1/articles/${articleId}/events`, {
      headers: { cookie },
      signal: controller.signal,
    });
    return { res, close: () => controller.abort() };
  };

  async function until(probe: () => Promise<boolean>, timeoutMs = 10_000) {
    const deadline = Date.now() + timeoutMs;
    while (!(await probe())) {
      if (Date.now() > deadline) throw new Error('timed out waiting');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('refuses an article past the limit, over SSE and the WebSocket, until a stream closes', async () => {
    const last = followLimits.articles;
    const streams = [];
    for (let i = 0; i < last - 1; i++) {
      const stream = await openStream(articleIds[i]!);
      expect(stream.res.status).toBe(200);
      streams.push(stream);
    }

    // The last place is taken by a WebSocket subscription; one more article is refused on the socket.
    const { ws, messages } = await openEventSocket(base, cookie);
    ws.send(JSON.stringify({ type: 'subscribe', articleId: articleIds[last - 1] }));
    ws.send(JSON.stringify({ type: 'subscribe', articleId: articleIds[last] }));
    await until(async () => messages.length > 0);
    expect(messages).toEqual([
      {
        type: 'error',
        articleId: articleIds[last],
        code: 'rate_limited',
        message: `At most ${last} articles may be followed at once; close a stream of another first`,
      },
    ]);
    const refused = await openStream(articleIds[last]!);
    expect(refused.res.status).toBe(429);
    expect(await refused.res.json()).toMatchObject({ error: { code: 'rate_limited' } });

    // Another stream of an article already followed is no new reader: accepted.
    const second = await openStream(articleIds[0]!);
    expect(second.res.status).toBe(200);
    streams.push(second);

    // A closed stream gives its article's place back; so does an unsubscription.
    streams[1]!.close();
    const opened = async (articleId: string) => {
      const next = await openStream(articleId);
      if (next.res.status === 200) streams.push(next);
      else await next.res.body?.cancel();
      return next.res.status === 200;
    };
    await until(() => opened(articleIds[last]!));
    ws.send(JSON.stringify({ type: 'unsubscribe', articleId: articleIds[last - 1] }));
    await until(() => opened(articleIds[1]!));
    ws.close();
    for (const stream of streams) stream.close();
  });
});
