// The newcomer path with web search on: the operator configured a search provider (a fake SearXNG
// speaking its JSON API), the writer ticks "Search the web for sources", and watches the article
// being researched from the pages the search found — at desktop and phone widths.
import type { ServerResponse } from 'node:http';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageHtml, sourcePages } from '../articles/support.ts';
import { articleModelResponder } from '../fakes/article-model.ts';
import { fakeSearxng } from '../research/fake-search-providers.ts';
import { html, type LocalServer, startServer } from '../research/local-server.ts';
import { connectedOwner } from './connected-owner.ts';
import { startWebHarness, type WebHarness } from './harness.ts';

let h: WebHarness;
let pages: LocalServer;
let search: LocalServer;
let context: BrowserContext;
let page: Page;
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 10_000 });

beforeAll(async () => {
  pages = await startServer(
    Object.fromEntries(
      Object.entries(sourcePages).map(([p, source]) => [
        p,
        (_req: unknown, res: ServerResponse) => html(res, pageHtml(source)),
      ]),
    ),
  );
  search = await fakeSearxng(() =>
    Object.entries(sourcePages).map(([p, source]) => ({
      title: source.title,
      url: `${pages.url}${p}`,
      snippet: source.paragraphs[0]!,
    })),
  );
  h = await startWebHarness({ SEARXNG_URL: search.url, FETCH_ALLOW_HOSTS: '127.0.0.1' });
  h.llm.responder = articleModelResponder({ chunkDelayMs: 4 });
  context = await h.newContext();
  page = await context.newPage();
  await connectedOwner(h, context);
}, 180_000);
afterAll(async () => {
  await h?.close();
  await pages?.close();
  await search?.close();
});

describe('generating with web search on', () => {
  it('searches, reads the pages it found, and cites them in the finished article', async () => {
    await page.goto('/articles/new');
    await page.getByRole('heading', { level: 1, name: 'New article' }).waitFor();
    await page.getByLabel('Topic').fill('Heat pumps for family homes');
    await page.getByLabel('Length in words').fill('600');
    await page.getByRole('checkbox', { name: 'Search the web for sources' }).check();
    await h.capture(page, 'research-01-brief-web-on');
    await page.getByRole('button', { name: 'Generate article' }).click();
    await page.waitForURL(/\/articles\/[0-9a-f-]+\/live$/);

    // The sources panel fills with the pages the search returned, by their titles.
    await page.locator('ol.sources').getByText('How heat pumps cut heating bills').first().waitFor();
    await h.capture(page, 'research-02-live-sources');
    await page.getByRole('button', { name: 'Open in editor' }).waitFor({ timeout: 45_000 });
    expect(await page.locator('.live-summary .badge').textContent()).toBe('completed');
    await h.capture(page, 'research-03-done');

    // The search really ran, with the writer's topic in a query, and the pages were fetched.
    expect(search.received.some((r) => /heat pumps/i.test(r.url.searchParams.get('q') ?? ''))).toBe(true);
    expect(pages.received.length).toBeGreaterThan(0);

    // The finished article cites web sources by number, and each number is one of its sources.
    await page.getByRole('button', { name: 'Open in editor' }).click();
    const markdown = page.getByLabel('Markdown');
    await poll(() => markdown.inputValue()).toMatch(/\[\d+\]/);
    const text = await markdown.inputValue();
    const cited = new Set([...text.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1])));
    const id = new URL(page.url()).pathname.split('/').at(-1);
    const article = await context.request.get(`/api/v1/articles/${id}`);
    const sources = ((await article.json()) as { sources: Array<{ url?: string }> }).sources;
    expect(sources.some((s) => s.url?.startsWith(pages.url))).toBe(true);
    for (const n of cited) expect(n).toBeLessThanOrEqual(sources.length);
    await h.capture(page, 'research-04-editor');
  }, 90_000);

  it('shows the finished article on a phone without sideways scrolling', async () => {
    const phone = await h.newContext({ width: 375, height: 812, mobile: true });
    const small = await phone.newPage();
    const state = await context.storageState();
    await phone.addCookies(state.cookies);
    await small.goto(page.url());
    await small.getByLabel('Markdown').waitFor();
    const overflow = await small.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await h.capture(small, 'research-05-phone-editor');
    await phone.close();
  });

  it('logged no console errors and no serious accessibility violations', () => {
    expect(h.problems).toEqual([]);
    expect(h.accessibility).toEqual([]);
  });
});
