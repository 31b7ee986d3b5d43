// The library, versions diff and knowledge pages in Chromium (issue 14, item 10): filters that apply
// as you type, "Clear filters", duplicate and delete, Load more past the first page; the versions
// diff opened at its first change and scrollable by keyboard; knowledge search with marked words and
// relevance, a document's passages with pages, ingestion stages. Desktop and phone widths, axe.
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { articleModelResponder } from '../fakes/article-model.ts';
import { sessionCookieOf } from '../support/accounts.ts';
import { writePdf } from '../support/pdf-writer.ts';
import { overflowsHorizontally, owner, signIn, startWebHarness, type WebHarness } from './harness.ts';

const poll = <T>(fn: () => T | Promise<T>, options: { timeout?: number } = {}) =>
  expect.poll(fn, { timeout: 10_000, ...options });

describe('library, versions and knowledge in Chromium', () => {
  let h: WebHarness;
  let context: BrowserContext;
  let page: Page;
  let key = '';
  let articleId = '';

  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${h.server.base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };
  const waitFor = async <T>(read: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 60_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await read();
      if (done(value)) return value;
      if (Date.now() > deadline) throw new Error(`timed out: ${JSON.stringify(value).slice(0, 300)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  beforeAll(async () => {
    h = await startWebHarness({ LLM_CACHE_TTL: '0' });
    const setup = await fetch(`${h.server.base}/api/v1/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...owner, workspaceName: 'Library team' }),
    });
    expect(setup.status).toBe(201);
    const cookie = sessionCookieOf(setup.headers.getSetCookie());
    const created = await fetch(`${h.server.base}/api/v1/api-keys`, {
      method: 'POST',
      headers: { cookie, origin: h.server.base, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'library-test' }),
    });
    key = (await created.json()).key;
    await call('PUT', '/api/v1/llm/settings', {
      credentials: { compatible: { baseUrl: h.llm.baseUrl, apiKey: 'sk-fake' } },
      roleModels: {
        planner: 'compatible:fake-chat',
        writer: 'compatible:fake-chat',
        checker: 'compatible:fake-chat',
      },
    });
    h.llm.responder = articleModelResponder();
    const run = await call('POST', '/api/v1/articles', {
      topic: 'Heat pumps for family homes',
      words: 600,
      research: { web: false, knowledge: false },
    });
    articleId = run.id;
    const article = await waitFor(
      () => call('GET', `/api/v1/articles/${articleId}`),
      (a) => ['completed', 'failed', 'cancelled'].includes(a.status),
    );
    expect(article.status).toBe('completed');
    // An edit far down the text leaves a version whose diff starts well below the top.
    const lines = article.markdown.split('\n');
    const long = [
      ...lines,
      ...Array.from({ length: 60 }, (_, i) => `\nFiller paragraph ${i} about heat pumps.`),
      '\nThe closing line before the edit.',
    ].join('\n');
    await call('PATCH', `/api/v1/articles/${articleId}`, { markdown: long });
    await call('PATCH', `/api/v1/articles/${articleId}`, {
      markdown: long.replace('The closing line before the edit.', 'The closing line after the edit.'),
    });
    // More articles than one page (20) holds: copies of the first.
    for (let i = 0; i < 22; i++) await call('POST', `/api/v1/articles/${articleId}/duplicate`);
    const garden = await call('POST', '/api/v1/articles', {
      topic: 'Garden irrigation',
      words: 600,
      research: { web: false, knowledge: false },
    });
    await waitFor(
      () => call('GET', `/api/v1/articles/${garden.id}`),
      (a) => a.status === 'completed',
    );

    context = await h.newContext({ width: 1280, height: 800 });
    page = await context.newPage();
    await signIn(page);
  }, 180_000);
  afterAll(async () => {
    await h?.close();
  });

  it('pages with Load more, filters as you type, offers Clear filters', async () => {
    await page.getByRole('link', { name: 'Library' }).click();
    await page.getByRole('heading', { level: 1, name: 'Library' }).waitFor();
    const rows = page.locator('.article-row');
    await poll(() => rows.count()).toBe(20);
    await page.getByRole('button', { name: 'Load more' }).click();
    await poll(() => rows.count()).toBe(24);
    expect(await page.getByRole('button', { name: 'Load more' }).count()).toBe(0);
    const titles = await rows.locator('.article-title').allTextContents();
    const hrefs = await rows.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(new Set(hrefs).size).toBe(24);
    expect(titles.filter((t) => /^Copy of .*Heat pumps for family homes/.test(t))).toHaveLength(22);
    await h.capture(page, 'library-01-load-more');

    // No Apply button: the list follows the search box once typing pauses.
    const requests: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/api/v1/articles?')) requests.push(r.url());
    });
    await page.getByLabel('Search').pressSequentially('garden', { delay: 30 });
    await page.waitForURL(/q=garden/);
    await poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('Garden irrigation');
    // Debounced: one list request for the word, not one per key.
    expect(requests.filter((u) => u.includes('q=')).length).toBeLessThanOrEqual(2);

    await page.getByLabel('Search').fill('no-such-words-anywhere');
    const empty = page.getByText('No article matches these filters.');
    await empty.waitFor();
    await h.capture(page, 'library-02-empty-filters');
    await page.locator('.empty').getByRole('button', { name: 'Clear filters' }).click();
    await poll(() => rows.count()).toBe(20);
    expect(await page.getByLabel('Search').inputValue()).toBe('');
    expect(new URL(page.url()).search).toBe('');

    // A status filter applies at once.
    await page.getByLabel('Status').selectOption('failed');
    await page.waitForURL(/status=failed/);
    await page.getByText('No article matches these filters.').waitFor();
    await page.getByRole('button', { name: 'Clear filters' }).first().click();
    await poll(() => rows.count()).toBe(20);
  }, 60_000);

  it('duplicates and deletes an article from the list, with a confirmation', async () => {
    const rows = page.locator('.article-row');
    await page.getByLabel('Search').fill('irrigation');
    await poll(() => rows.count()).toBe(1);
    // A double click makes one copy: the button waits for the first.
    await page.getByRole('button', { name: /^Duplicate .*Garden irrigation/ }).dblclick();
    await page.getByText(/^Duplicated as "Copy of .*Garden irrigation"\.$/).waitFor();
    await poll(() => rows.count()).toBe(2);
    expect((await call('GET', '/api/v1/articles?q=irrigation')).items).toHaveLength(2);

    let asked = '';
    page.once('dialog', (d) => {
      asked = d.message();
      void d.dismiss();
    });
    const deleteCopy = page.getByRole('button', { name: /^Delete Copy of .*Garden irrigation/ });
    await deleteCopy.click();
    await poll(() => asked).toMatch(/^Delete "Copy of .*Garden irrigation"\?/);
    expect(await rows.count()).toBe(2);
    page.once('dialog', (d) => void d.accept());
    await deleteCopy.click();
    await poll(() => rows.count()).toBe(1);
    await page.getByText(/^Deleted "Copy of .*Garden irrigation"\.$/).waitFor();
    const list = await call('GET', '/api/v1/articles?q=irrigation');
    expect(list.items).toHaveLength(1);
    expect(list.items[0].title).not.toMatch(/^Copy of/);
    await h.capture(page, 'library-03-after-delete');
  }, 60_000);

  it('opens the versions diff at its first change, in a region the keyboard can scroll', async () => {
    await page.goto(`/articles/${articleId}`);
    await page.getByRole('button', { name: 'Versions' }).click();
    await page
      .getByRole('button', { name: /— edit$/ })
      .first()
      .click();
    const region = page.getByRole('region', { name: /^Differences from the version of/ });
    await region.waitFor();
    expect(await region.getAttribute('tabindex')).toBe('0');
    // The first change is far below the top, and the region opened on it.
    const first = region.locator('[data-first-change]');
    expect(await first.textContent()).toContain('The closing line before the edit.');
    await poll(() => region.evaluate((el) => el.scrollTop)).toBeGreaterThan(0);
    const visible = await first.evaluate((line) => {
      const box = line.closest('section')!.getBoundingClientRect();
      const r = line.getBoundingClientRect();
      return r.top >= box.top && r.bottom <= box.bottom;
    });
    expect(visible).toBe(true);
    expect(await page.locator('#diff-summary').textContent()).toMatch(/1 line added, 1 removed/);
    await h.capture(page, 'versions-01-diff');
    expect(h.accessibility.filter((v) => v.includes('scrollable-region-focusable'))).toEqual([]);

    // Keyboard: focus the region and scroll it back up.
    await region.focus();
    const before = await region.evaluate((el) => el.scrollTop);
    await page.keyboard.press('Home');
    await poll(() => region.evaluate((el) => el.scrollTop)).toBeLessThan(before);
  }, 60_000);

  it('searches knowledge with marked words and relevance, opens a document with its passages and pages', async () => {
    const pdf = writePdf([
      ['Heat pumps move heat from outside air into the house.', 'Family homes save most in winter.'],
      ['A buffer tank smooths the cycling of small pumps.'],
    ]);
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(pdf)], { type: 'application/pdf' }), 'heat-pumps.pdf');
    const upload = await fetch(`${h.server.base}/api/v1/documents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}` },
      body: form,
    });
    expect(upload.status).toBe(202);
    const doc = await upload.json();

    await page.getByRole('link', { name: 'Knowledge' }).click();
    await page.getByRole('heading', { level: 1, name: 'Knowledge' }).waitFor();
    const row = page.locator(`tr[data-document="${doc.id}"]`);
    await poll(() => row.locator('.badge').textContent(), { timeout: 30_000 }).toBe('ready');

    await page.getByLabel('Search passages').fill('pumps family');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const results = page.getByRole('list', { name: 'Search results' });
    await poll(() => results.locator('li').count()).toBeGreaterThan(0);
    const marked = await results.locator('mark').allTextContents();
    expect(marked.map((m) => m.toLowerCase())).toEqual(expect.arrayContaining(['pumps', 'family']));
    const meter = results.locator('meter').first();
    expect(await meter.getAttribute('aria-label')).toBe('Relevance 100%');
    await h.capture(page, 'knowledge-01-search');

    await results.getByRole('link', { name: 'heat-pumps' }).first().click();
    await page.waitForURL(/document=/);
    const detail = page.getByRole('region', { name: /heat-pumps/i });
    await detail.waitFor();
    const stages = detail.getByRole('list', { name: 'Ingestion stages' });
    expect(await stages.locator('li[data-state="done"]').count()).toBe(5);
    const passages = detail.getByRole('list', { name: 'Passages' });
    await poll(() => passages.locator('li').count()).toBeGreaterThan(0);
    expect(await passages.textContent()).toMatch(/pages? 1/);
    expect(await passages.textContent()).toContain('buffer tank');
    await h.capture(page, 'knowledge-02-document');
    await detail.getByRole('link', { name: '← All documents' }).click();
    await poll(() => page.getByRole('list', { name: 'Ingestion stages' }).count()).toBe(0);
  }, 90_000);

  it('reaches past the first 100 documents with Load more, on the Knowledge page and in the brief form', async () => {
    // 100 more: with the PDF above the library holds 101, one more than a page.
    for (let i = 0; i < 100; i++) {
      const form = new FormData();
      const note = `# Field note ${i}\n\nObservation ${i}: the heat pump ran ${i} hours on day ${i}.\n`;
      form.append('file', new Blob([note], { type: 'text/markdown' }), `note-${i}.md`);
      const res = await fetch(`${h.server.base}/api/v1/documents`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}` },
        body: form,
      });
      expect(res.status, await res.text()).toBe(202);
    }
    const waiting = async () =>
      (await call('GET', '/api/v1/documents?status=queued&limit=1')).items.length +
      (await call('GET', '/api/v1/documents?status=processing&limit=1')).items.length;
    await waitFor(waiting, (n) => n === 0, 120_000);

    await page.goto('/knowledge');
    const rows = page.locator('tr[data-document]');
    await poll(() => rows.count()).toBe(100);
    const pager = page.getByRole('navigation', { name: 'More documents' });
    expect(await pager.getByRole('status').textContent()).toBe('100 documents shown');
    await pager.getByRole('button', { name: 'Load more' }).click();
    await poll(() => rows.count()).toBe(101);
    // The oldest, the PDF, is the one past the first page.
    expect(await rows.last().textContent()).toContain('heat-pumps');
    expect(await pager.count()).toBe(0);
    // The filter asks the server, so it finds what no page loaded yet; a fresh page shows 100 rows.
    await page.reload();
    await poll(() => rows.count()).toBe(100);
    await page.getByLabel('Filter by title or file name').fill('HEAT-PUMPS');
    await poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('heat-pumps');
    await page.getByLabel('Filter by title or file name').fill('no such document');
    await page.getByText("No document's title or file name contains “no such document”.").waitFor();
    await page.getByLabel('Filter by title or file name').fill('');
    await poll(() => rows.count()).toBe(100);

    await page.goto('/articles/new');
    const picker = page.getByRole('group', { name: 'Documents to use' });
    const boxes = picker.getByRole('checkbox');
    await poll(() => boxes.count()).toBe(100);
    await picker.getByRole('button', { name: 'Load more' }).click();
    await poll(() => boxes.count()).toBe(101);
    expect(await picker.getByRole('checkbox', { name: /heat-pumps/ }).count()).toBe(1);
    // A long list scrolls in its box and narrows by title; a choice filtered out is still sent.
    const filter = picker.getByLabel('Filter by title');
    await filter.fill('note 7');
    await poll(() => picker.getByRole('checkbox').count()).toBe(11);
    expect(await picker.getByRole('status').first().textContent()).toBe('11 of 101 match');
    await picker.getByRole('checkbox', { name: 'Field note 7', exact: true }).check();
    await filter.fill('heat');
    await picker.getByRole('checkbox', { name: /heat-pumps/ }).check();
    expect(await picker.getByRole('status').first().textContent()).toBe('1 of 101 match · 2 chosen');
    const sent = await page.evaluate(
      () => new FormData(document.querySelector('form') as HTMLFormElement).getAll('documents').length,
    );
    expect(sent).toBe(2);
    await filter.fill('');
    await h.capture(page, 'new-article-documents-load-more');
  }, 240_000);

  it('fits a phone screen: library, versions diff and a knowledge document', async () => {
    const phone = await h.newContext({ width: 375, height: 812, mobile: true });
    try {
      const p = await phone.newPage();
      await signIn(p);
      await p.goto('/library');
      await p.locator('.article-row').first().waitFor();
      expect(await overflowsHorizontally(p)).toBe(false);
      await h.capture(p, 'library-04-mobile');
      await p.goto(`/articles/${articleId}`);
      await p.getByRole('button', { name: 'Versions' }).click();
      await p
        .getByRole('button', { name: /— edit$/ })
        .first()
        .click();
      await p.getByRole('region', { name: /^Differences from the version of/ }).waitFor();
      expect(await overflowsHorizontally(p)).toBe(false);
      await h.capture(p, 'versions-02-mobile');
      await p.goto('/knowledge');
      await p.locator('tr[data-document] a').first().click();
      await p.getByRole('list', { name: 'Passages' }).waitFor();
      expect(await overflowsHorizontally(p)).toBe(false);
      await h.capture(p, 'knowledge-03-mobile');
    } finally {
      await phone.close();
    }
  }, 60_000);

  it('has no serious accessibility violations and no console errors on these pages', () => {
    expect(h.accessibility).toEqual([]);
    expect(h.problems).toEqual([]);
  });
});
