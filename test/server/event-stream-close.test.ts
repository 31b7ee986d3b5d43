// Closing the server (a rolling deploy's SIGTERM) ends the event streams it serves: a stream is a
// request that never finishes, and the server's close used to wait for it until
// SHUTDOWN_TIMEOUT_SECONDS cut the shutdown short — exit 1, the runtime never closed. The client
// resumes from its last event id on another replica.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer } from '../support/accounts.ts';
import type { TestApp } from '../support/app.ts';
import { startArticleStreamApp } from './article-stream-app.ts';

describe('closing the server with event streams open', () => {
  let t: TestApp;
  let base: string;
  let key: string;
  let articleId: string;

  beforeAll(async () => {
    // Queued, with no worker: its stream stays open.
    ({ t, base, key, articleId } = await startArticleStreamApp(
      {},
      { topic: 'A run still going', status: 'queued' },
    ));
  }, 60_000);
  afterAll(async () => t?.close());

  it('ends them, so the close does not wait for clients that never leave', async () => {
    const res = await fetch(`${base}/api/v1/articles/${articleId}/events`, { headers: bearer(key) });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const ended = (async () => {
      for (;;) if ((await reader.read()).done) return true;
    })();
    const closed = t.app.close().then(() => 'closed');
    const waited = new Promise((resolve) => setTimeout(() => resolve('still waiting'), 5000));
    expect(await Promise.race([closed, waited])).toBe('closed');
    expect(await ended).toBe(true);
  }, 30_000);
});
