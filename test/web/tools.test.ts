// The Tools page and the editor's Remix panel in Chromium: a form built from the template's fields,
// variants written as the model streams them, their lengths against the platform's limit and Copy;
// an article remixed into an X thread and a LinkedIn post — at desktop and phone widths, with
// axe-core and no console errors on the way.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { xLength } from '../../src/tools/x-length.ts';
import { articleModelResponder } from '../fakes/article-model.ts';
import { toolModelResponder } from '../fakes/tool-model.ts';
import { completedArticle, connectedOwner } from './connected-owner.ts';
import { overflowsHorizontally, startWebHarness, type WebHarness } from './harness.ts';

describe('the Tools page and the Remix panel in Chromium', () => {
  let h: WebHarness;
  let context: Awaited<ReturnType<WebHarness['newContext']>>;
  let articleId = '';

  beforeAll(async () => {
    h = await startWebHarness({ LLM_CACHE_TTL: '0' });
    const tools = toolModelResponder();
    const articles = articleModelResponder();
    h.llm.responder = (req) => tools(req) ?? articles(req);
    context = await h.newContext();
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: h.server.base });
    await connectedOwner(h, context);
    articleId = await completedArticle(h, context, 'Heat pumps for family homes');
  }, 180_000);
  afterAll(async () => {
    await h?.close();
  });

  it('writes social posts from the generated form, with their X length and Copy', async () => {
    const page = await context.newPage();
    await page.goto('/');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tools' }).click();
    await page.getByRole('heading', { level: 1, name: 'Tools' }).waitFor();
    const picker = page.getByRole('navigation', { name: 'Tool templates' });
    for (const name of [
      'Social post',
      'Email',
      'Ad copy',
      'Titles',
      'Meta description',
      'Rewrite',
      'Summarize',
    ])
      await picker.getByRole('button', { name, exact: true }).waitFor();
    expect(await picker.getByRole('button', { name: 'Social post' }).getAttribute('aria-pressed')).toBe(
      'true',
    );

    // The API's refusal lands at the field it names.
    const form = page.getByRole('form', { name: 'Social post' });
    await form.getByRole('button', { name: 'Generate' }).click();
    const topic = form.getByLabel('Topic', { exact: true });
    await expect.poll(() => topic.getAttribute('aria-invalid')).toBe('true');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('topic');

    await topic.fill('Heat pumps for family homes: lower bills all winter');
    await form.getByLabel('Platform', { exact: true }).selectOption('x');
    await form.getByLabel('Variants', { exact: true }).fill('2');
    await form.getByRole('button', { name: 'Generate' }).click();
    const versions = page.getByRole('article');
    await versions.nth(1).waitFor();
    expect(await versions.count()).toBe(2);
    const first = page.locator('#variant-0-text');
    const text = await first.inputValue();
    expect(text).toContain('Heat pumps for family homes');
    expect(await page.locator('#variant-0-text-length').textContent()).toBe(
      `${xLength(text)} / 280 as X counts`,
    );
    await versions.first().getByRole('button', { name: 'Copy Post' }).click();
    await versions.first().getByRole('button', { name: 'Copy Post' }).getByText('Copied').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(text);
    // Edited past the limit, the count says so.
    await first.fill('x'.repeat(300));
    expect(await page.locator('#variant-0-text-length').textContent()).toBe(
      '300 / 280 as X counts — over the limit',
    );
    // The connected model has no price: said so, not "$0.00".
    expect(await page.getByTestId('call-usage').textContent()).toMatch(
      /^fake-chat · \d+ tokens in, \d+ out · price unknown$/,
    );
    await h.capture(page, 'tools-desktop');

    // Another template's form is built from its own fields.
    await picker.getByRole('button', { name: 'Summarize' }).click();
    const summarize = page.getByRole('form', { name: 'Summarize' });
    await summarize.getByLabel('Text', { exact: true }).waitFor();
    expect(await summarize.getByLabel('Form', { exact: true }).inputValue()).toBe('paragraph');
    expect(new URL(page.url()).search).toBe('?tool=summarize');

    await page.setViewportSize({ width: 375, height: 812 });
    await h.capture(page, 'tools-phone');
    expect(await overflowsHorizontally(page)).toBe(false);
    await page.close();
    expect(h.problems).toEqual([]);
    expect(h.accessibility).toEqual([]);
  }, 90_000);

  it('remixes the saved article into an X thread and a LinkedIn post', async () => {
    const page = await context.newPage();
    await page.goto(`/articles/${articleId}`);
    await page.locator('#article-markdown').waitFor();
    await page.getByRole('button', { name: 'Remix', exact: true }).click();
    const panel = page.getByRole('form', { name: 'Remix' });
    expect(await panel.getByRole('button', { name: 'X thread' }).getAttribute('aria-pressed')).toBe('true');
    await panel.getByLabel('Posts (optional)').fill('4');
    await panel.getByRole('button', { name: 'Remix', exact: true }).click();
    const results = page.getByRole('region', { name: 'Remix' });
    await results.getByLabel('Post 1', { exact: true }).waitFor();
    const posts = await results
      .locator('textarea[id^="remix-part-"]')
      .evaluateAll((els) => els.map((e) => (e as HTMLTextAreaElement).value));
    expect(posts.length).toBeGreaterThanOrEqual(3);
    for (const [i, post] of posts.entries()) {
      expect(xLength(post)).toBeLessThanOrEqual(280);
      expect(post.endsWith(` ${i + 1}/${posts.length}`)).toBe(true);
    }
    expect(await results.getByLabel('All of it, to paste', { exact: true }).inputValue()).toBe(
      posts.join('\n\n'),
    );
    await h.capture(page, 'remix-desktop');

    await panel.getByRole('button', { name: 'LinkedIn post' }).click();
    await panel.getByRole('button', { name: 'Remix', exact: true }).click();
    await results.getByLabel('Post', { exact: true }).waitFor();
    expect(await page.locator('#remix-part-0-length').textContent()).toMatch(/^\d+ \/ 3000$/);

    await page.setViewportSize({ width: 375, height: 812 });
    await h.capture(page, 'remix-phone');
    expect(await overflowsHorizontally(page)).toBe(false);
    await page.close();
    expect(h.problems).toEqual([]);
    expect(h.accessibility).toEqual([]);
  }, 90_000);
});
