// An article's editorial status and tags in Chromium (F17): an editor sets them in the editor (the
// planned date when scheduled, refused without one; tags folded by the server) without touching the
// unsaved text; the Library shows them on each article and filters by them; a viewer sees them
// without the controls. Desktop and phone widths, axe, no console errors.
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completedArticle, startWithArticle } from './connected-owner.ts';
import { invitedMember, overflowsHorizontally, signIn, type WebHarness } from './harness.ts';

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 10_000 });

describe('editorial status and tags in the editor and the Library', () => {
  let h: WebHarness;
  let context: BrowserContext;
  let page: Page;
  let heat: { id: string; title: string };
  let garden: { id: string; title: string };
  const stored = async (id: string) => (await context.request.get(`/api/v1/articles/${id}`)).json();

  beforeAll(async () => {
    const started = await startWithArticle('Heat pumps for family homes');
    ({ h, context, page } = started);
    heat = { id: started.articleId, title: (await stored(started.articleId)).title };
    const gardenId = await completedArticle(h, context, 'Garden irrigation');
    garden = { id: gardenId, title: (await stored(gardenId)).title };
    const tagged = await context.request.patch(`/api/v1/articles/${garden.id}`, {
      headers: { origin: h.server.base },
      data: { tags: ['Garden', 'water'] },
    });
    expect(tagged.status(), await tagged.text()).toBe(200);
  }, 180_000);
  afterAll(async () => {
    await h?.close();
  });

  const panel = (p = page) => p.getByRole('region', { name: 'Editorial' });
  const shownTags = (p: Page, title: string) =>
    p
      .getByRole('list', { name: `Tags of ${title}` })
      .locator('li')
      .allTextContents();

  it('sets the status and tags in the editor, keeping the unsaved text', async () => {
    await page.goto(`/articles/${heat.id}`);
    const markdown = page.getByLabel('Markdown', { exact: true });
    await markdown.waitFor();
    const unsaved = `${await markdown.inputValue()}\n\nA paragraph not saved yet.`;
    await markdown.fill(unsaved);

    const form = panel().getByRole('form', { name: 'Editorial status' });
    const status = form.getByLabel('Editorial status');
    expect(await status.inputValue()).toBe('draft');
    const save = form.getByRole('button', { name: 'Save status' });
    expect(await save.isDisabled()).toBe(true);
    await status.selectOption('review');
    await save.click();
    await form.getByText('Status saved.').waitFor();
    await poll(async () => (await stored(heat.id)).editorialStatus).toBe('review');

    // Scheduled needs its date: the server's refusal is said at the field.
    await status.selectOption('scheduled');
    const date = form.getByLabel('Planned publication date');
    await save.click();
    const error = form.locator('.field-error');
    await error.waitFor();
    expect(await date.getAttribute('aria-invalid')).toBe('true');
    await date.fill('2027-03-08');
    await save.click();
    await form.getByText('Status saved.').waitFor();
    await poll(async () => (await stored(heat.id)).scheduledFor).toBe('2027-03-08T00:00:00.000Z');
    expect(await error.count()).toBe(0);

    // Tags: one comma-separated field, folded by the server; 21 are refused at the field.
    await panel()
      .getByRole('button', { name: `Edit tags of ${heat.title}` })
      .click();
    const tagsForm = panel().getByRole('form', { name: `Tags of ${heat.title}` });
    const field = tagsForm.getByLabel('Tags, separated by commas');
    await field.fill(Array.from({ length: 21 }, (_, i) => `t${i}`).join(', '));
    await tagsForm.getByRole('button', { name: 'Save tags' }).click();
    await tagsForm.getByText(/At most 20 tags/).waitFor();
    await field.fill('SEO, Energy, seo');
    await tagsForm.getByRole('button', { name: 'Save tags' }).click();
    await poll(() => shownTags(page, heat.title)).toEqual(['seo', 'energy']);
    expect((await stored(heat.id)).tags).toEqual(['seo', 'energy']);

    // The marks left the text being written alone, still unsaved.
    expect(await markdown.inputValue()).toBe(unsaved);
    expect(await page.getByRole('button', { name: 'Save', exact: true }).isEnabled()).toBe(true);
    await h.capture(page, 'article-editorial-01-editor');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('button', { name: 'Saved', exact: true }).waitFor();
  }, 60_000);

  it('shows each article’s status and tags in the Library, and filters by them', async () => {
    await page.goto('/library');
    await page.getByRole('heading', { level: 1, name: 'Library' }).waitFor();
    const rows = page.locator('.article-row');
    await poll(() => rows.count()).toBe(2);
    const heatRow = rows.filter({ hasText: heat.title });
    expect(await heatRow.locator('.editorial').textContent()).toMatch(/^Scheduled for .*2027/);
    // The run's status keeps its badge, the only one in the row.
    expect(await heatRow.locator('.badge').allTextContents()).toEqual(['completed']);
    await poll(() => shownTags(page, heat.title)).toEqual(['seo', 'energy']);
    expect(await shownTags(page, garden.title)).toEqual(['garden', 'water']);
    expect(await rows.filter({ hasText: garden.title }).locator('.editorial').textContent()).toBe('Draft');

    await page.getByLabel('Editorial').selectOption('scheduled');
    await page.waitForURL(/editorialStatus=scheduled/);
    await poll(() => rows.locator('.article-title').allTextContents()).toEqual([heat.title]);
    await page.getByLabel('Editorial').selectOption('');
    await page.getByLabel('Tag', { exact: true }).selectOption('garden');
    await page.waitForURL(/tag=garden/);
    await poll(() => rows.locator('.article-title').allTextContents()).toEqual([garden.title]);
    await page.getByLabel('Editorial').selectOption('review');
    await page.getByText('No article matches these filters.').waitFor();
    await h.capture(page, 'article-editorial-02-library');
    await page.getByRole('button', { name: 'Clear filters' }).first().click();
    await poll(() => rows.count()).toBe(2);
  }, 60_000);

  it('fits a phone screen with the status form and the tags', async () => {
    const phone = await h.newContext({ width: 375, height: 812, mobile: true });
    try {
      await phone.addCookies(await context.cookies());
      const p = await phone.newPage();
      await p.goto(`/articles/${heat.id}`);
      await panel(p).getByLabel('Planned publication date').waitFor();
      expect(await overflowsHorizontally(p)).toBe(false);
      await p.goto('/library');
      await poll(() => shownTags(p, heat.title)).toEqual(['seo', 'energy']);
      expect(await overflowsHorizontally(p)).toBe(false);
      await h.capture(p, 'article-editorial-03-phone');
    } finally {
      await phone.close();
    }
  }, 60_000);

  it('shows a viewer the status and tags without the means to change them', async () => {
    await invitedMember(h, context, {
      email: 'reader@example.com',
      password: 'a-reader-password',
      role: 'viewer',
    });
    const other = await h.newContext();
    try {
      const p = await other.newPage();
      await signIn(p, { email: 'reader@example.com', password: 'a-reader-password' });
      await p.goto(`/articles/${heat.id}`);
      await poll(() => shownTags(p, heat.title)).toEqual(['seo', 'energy']);
      expect(await panel(p).textContent()).toMatch(/Editorial status: Scheduled for .*2027/);
      expect(await panel(p).getByRole('combobox').count()).toBe(0);
      expect(await panel(p).getByRole('button').count()).toBe(0);
      await h.capture(p, 'article-editorial-04-viewer');
    } finally {
      await other.close();
    }
  }, 60_000);

  it('had no console errors and no serious accessibility violations', () => {
    expect(h.problems).toEqual([]);
    expect(h.accessibility).toEqual([]);
  });
});
