// The live view in Chromium when what it is sent is not what this version expects: event payloads
// another version stored (a rollout, a rollback) are skipped while the rest of the stream is shown,
// and a page that fails while rendering shows the error with the navigation still there instead of
// a blank window (the shell itself too, without it); an article deleted while watched says so.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWithArticle } from './connected-owner.ts';
import type { WebHarness } from './harness.ts';

/** Answers the page's event stream of `articleId` with `[event, data]` pairs, each `data` sent as given. */
async function serveEvents(page: Page, articleId: string, events: Array<[string, string]>): Promise<string> {
  const pattern = `**/api/v1/articles/${articleId}/events*`;
  await page.route(pattern, (route) =>
    route.fulfill({
      status: 200,
      headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' },
      body: events.map(([event, data], i) => `id: ${i + 1}\nevent: ${event}\ndata: ${data}\n\n`).join(''),
    }),
  );
  return pattern;
}

describe('the live view with payloads of another shape', () => {
  let h: WebHarness;
  let page: Page;
  let articleId = '';

  beforeAll(async () => {
    ({ h, page, articleId } = await startWithArticle('Heat pumps for family homes'));
  }, 180_000);
  afterAll(async () => {
    await h?.close();
  });

  it('skips events it cannot read and shows the rest of the stream', async () => {
    const pattern = await serveEvents(page, articleId, [
      ['status', '{"status":"running"}'],
      ['step.started', '{"step":"plan"}'],
      ['cost', '{not json'],
      // Rendered unchecked, a null count reached toLocaleString and unmounted the app.
      ['cost', '{"step":"plan","inputTokens":null,"outputTokens":5,"costUsd":0}'],
      ['source.found', '{"kind":"web","title":"A source without its number","excerpt":"x"}'],
      ['source.found', '["not", "an", "object"]'],
      [
        'source.found',
        '{"n":1,"kind":"web","title":"Heat pump field guide","url":"https://example.com/guide","excerpt":"Heat pumps move heat."}',
      ],
      ['section.delta', '{"part":"intro","text":{"rich":true}}'],
      ['step.finished', '{"step":"plan","status":"completed","costUsd":"0.01"}'],
      ['cost', '{"step":"plan","inputTokens":1200,"outputTokens":300,"costUsd":0.0123}'],
      // Keys this version does not know are no reason to skip an event.
      ['done', '{"status":"completed","resumable":{"from":3}}'],
    ]);
    try {
      await page.goto(`/articles/${articleId}/live`);
      const summary = page.locator('.live-summary');
      await expect.poll(() => summary.locator('.badge').textContent(), { timeout: 15_000 }).toBe('completed');
      await expect.poll(() => summary.textContent()).toContain('1,200 in / 300 out tokens');
      expect(await page.getByText('Heat pump field guide').count()).toBe(1);
      expect(await page.getByText('A source without its number').count()).toBe(0);
      expect(await page.getByTestId('page-error').count()).toBe(0);
      expect(h.problems).toEqual([]);
    } finally {
      await page.unroute(pattern);
    }
  }, 60_000);

  it('ends the view from the article itself when the final event cannot be read', async () => {
    const pattern = await serveEvents(page, articleId, [
      ['status', '{"status":"running"}'],
      ['done', '{"status":7}'],
    ]);
    try {
      await page.goto(`/articles/${articleId}/live`);
      const badge = page.locator('.live-summary .badge');
      await expect.poll(() => badge.textContent(), { timeout: 15_000 }).toBe('completed');
      await page.getByTestId('finish-card').waitFor({ timeout: 5_000 });
      expect(h.problems).toEqual([]);
    } finally {
      await page.unroute(pattern);
    }
  }, 60_000);

  it('shows a page that fails while rendering as an error, with the navigation kept', async () => {
    // An article view of a shape this app cannot render (no brief at all).
    await page.route(`**/api/v1/articles/${articleId}`, async (route) => {
      const real = await route.fetch();
      const body = { ...(await real.json()), brief: null };
      await route.fulfill({ response: real, json: body });
    });
    try {
      await page.goto(`/articles/${articleId}/live`);
      const failed = page.getByTestId('page-error');
      await failed.waitFor({ timeout: 15_000 });
      expect(await failed.getByRole('heading', { level: 1 }).textContent()).toBe(
        'This page could not be shown',
      );
      expect(await failed.getByRole('alert').textContent()).not.toBe('');
      await h.capture(page, 'live-page-error');
      // The shell is still there: another page opens and renders.
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Library' }).click();
      await page.getByRole('heading', { level: 1, name: 'Library' }).waitFor();
      expect(await page.getByTestId('page-error').count()).toBe(0);
    } finally {
      await page.unroute(`**/api/v1/articles/${articleId}`);
    }
    // React reports the error it caught on the console; nothing else went wrong.
    expect(h.problems.filter((p) => !p.includes('console.error'))).toEqual([]);
    expect(h.problems.length).toBeGreaterThan(0);
    expect(h.accessibility).toEqual([]);
  }, 60_000);

  it('keeps the view through a read that fails once, saying so until the next one succeeds', async () => {
    const pattern = await serveEvents(page, articleId, [
      ['status', '{"status":"running"}'],
      ['step.started', '{"step":"plan"}'],
      ['step.finished', '{"step":"plan","status":"completed"}'],
    ]);
    // Reads of the article meet a restarting server while `failing`; the stream, which ends after
    // its events, comes back every few seconds and its step's read asks again.
    let failing = false;
    let failed = 0;
    const article = `**/api/v1/articles/${articleId}`;
    await page.route(article, async (route) => {
      if (!failing) return route.continue();
      failed++;
      await route.fulfill({
        status: 503,
        json: { error: { code: 'service_unavailable', message: 'restarting', requestId: 'r' } },
      });
    });
    try {
      await page.goto(`/articles/${articleId}/live`);
      await page.locator('.live-summary').waitFor({ timeout: 15_000 });
      failing = true;
      const alert = page.getByRole('alert').filter({ hasText: 'The server is busy or restarting' });
      await alert.waitFor({ timeout: 20_000 });
      expect(failed).toBeGreaterThan(0);
      expect(await page.locator('.live-summary').count()).toBe(1);
      failing = false;
      await expect.poll(() => alert.count(), { timeout: 20_000 }).toBe(0);
      expect(await page.locator('.live-summary').count()).toBe(1);
    } finally {
      await page.unroute(article);
      await page.unroute(pattern);
    }
  }, 60_000);

  it('says the article is gone when it is deleted while being watched', async () => {
    // A stream that ends while the run goes on: the page reconnects on its own, by then to a deleted article.
    const pattern = await serveEvents(page, articleId, [['status', '{"status":"running"}']]);
    await page.goto(`/articles/${articleId}/live`);
    const badge = page.locator('.live-summary .badge');
    await expect.poll(() => badge.textContent(), { timeout: 15_000 }).toBe('running');
    const removed = await page.request.delete(`/api/v1/articles/${articleId}`, {
      headers: { origin: h.server.base },
    });
    expect(removed.status()).toBe(204);
    await page.unroute(pattern);
    await expect.poll(() => page.getByRole('alert').textContent(), { timeout: 20_000 }).toMatch(/not found/i);
    expect(await page.locator('.live-summary').count()).toBe(0);
  }, 60_000);

  it('shows the error, not a blank window, when the shell itself cannot render', async () => {
    // The signed-in user as a server of another shape might describe it (no workspaces).
    await page.route('**/api/v1/me', async (route) => {
      const real = await route.fetch();
      await route.fulfill({ response: real, json: { ...(await real.json()), workspaces: null } });
    });
    try {
      await page.goto('/library');
      const failed = page.getByTestId('page-error');
      await failed.waitFor({ timeout: 15_000 });
      expect(await failed.getByRole('alert').textContent()).not.toBe('');
      expect(await page.getByRole('button', { name: 'Reload the page' }).count()).toBe(1);
      await h.capture(page, 'app-error');
    } finally {
      await page.unroute('**/api/v1/me');
    }
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Library' }).waitFor();
    expect(h.problems.filter((p) => !p.includes('console.error'))).toEqual([]);
    expect(h.accessibility).toEqual([]);
  }, 60_000);
});
