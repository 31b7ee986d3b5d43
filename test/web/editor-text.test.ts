// The editor's Title field in Chromium, typed with the keyboard (fill() sets the whole value at
// once and hid a field that swallowed the space typed at its end): the title is the text's first
// `# ` heading, read as CommonMark reads it ("# C#" is "C#") and never a `# comment` in a code
// block. And the preview marks as unsupported only the citation markers of unsupported sentences.
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWithArticle } from './connected-owner.ts';
import type { WebHarness } from './harness.ts';

describe('the title field and the preview in the editor', () => {
  let h: WebHarness;
  let context: BrowserContext;
  let page: Page;
  let articleId = '';
  const stored = async () =>
    (await (await context.request.get(`/api/v1/articles/${articleId}`)).json()) as {
      title: string;
      markdown: string;
    };
  const store = async (data: { title: string; markdown: string }) => {
    const res = await context.request.patch(`/api/v1/articles/${articleId}`, {
      headers: { origin: h.server.base },
      data,
    });
    expect(res.status(), await res.text()).toBe(200);
  };
  // A new page for each case: leaving one with unsaved edits would ask first.
  const openEditor = async (before?: (page: Page) => Promise<void>) => {
    await page?.close();
    page = await context.newPage();
    await before?.(page);
    await page.goto(`/articles/${articleId}`);
    await title().waitFor();
  };
  const title = () => page.getByLabel('Title', { exact: true });
  const textarea = () => page.getByLabel('Markdown', { exact: true });

  beforeAll(async () => {
    ({ h, context, page, articleId } = await startWithArticle('Heat pumps for family homes'));
  }, 180_000);
  afterAll(async () => {
    await h?.close();
  });

  it('keeps the spaces typed in the title, at its end too', async () => {
    await openEditor();
    expect((await textarea().inputValue()).split('\n')[0]).toBe(`# ${await title().inputValue()}`);
    await title().focus();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('Heat pumps at home ');
    expect(await title().inputValue()).toBe('Heat pumps at home ');
    await page.keyboard.type('today');
    expect(await title().inputValue()).toBe('Heat pumps at home today');
    expect((await textarea().inputValue()).split('\n')[0]).toBe('# Heat pumps at home today');
    // A change made in the text shows in the field.
    await textarea().fill((await textarea().inputValue()).replace(/^# .*/, '# Heat pumps, in short'));
    expect(await title().inputValue()).toBe('Heat pumps, in short');
  }, 60_000);

  it('opens an article titled "… C#" as saved, with its sign', async () => {
    const markdown = (await stored()).markdown.replace(/^# .*/m, '# Heat pumps controlled from C#');
    await store({ title: 'Heat pumps controlled from C#', markdown });
    await openEditor();
    expect(await title().inputValue()).toBe('Heat pumps controlled from C#');
    expect(await page.getByRole('button', { name: 'Saved', exact: true }).isDisabled()).toBe(true);
  }, 60_000);

  it('takes no `# comment` in a code block for the title, and typing one leaves the code alone', async () => {
    const code = '```bash\n# install the controller\napt-get install heat-pump-tools\n```';
    const markdown = `${(await stored()).markdown.replace(/^# .*\n+/m, '')}\n\n${code}\n`;
    await store({ title: 'Heat pumps for family homes', markdown });
    await openEditor();
    expect(await title().inputValue()).toBe('Heat pumps for family homes');
    expect(await page.getByText('The text has no “# ” heading: this is the title.').count()).toBe(1);
    await title().focus();
    await page.keyboard.press('End');
    await page.keyboard.type(' today');
    expect(await title().inputValue()).toBe('Heat pumps for family homes today');
    expect(await textarea().inputValue()).toBe(markdown);
  }, 60_000);

  it('marks unsupported only the marker of the unsupported sentence in a paragraph citing one source twice', async () => {
    const paragraph =
      'Heat pumps move heat rather than make it [1]. They cut bills by 90 percent in every home [1].';
    // The stored article as read, with this paragraph and its check.
    await openEditor(async (p) => {
      await p.route(`**/api/v1/articles/${articleId}`, async (route) => {
        if (route.request().method() !== 'GET') return route.fallback();
        const response = await route.fetch();
        const article = await response.json();
        article.markdown = `# ${article.title}\n\n${paragraph}\n`;
        article.citations = [
          { sentence: 'Heat pumps move heat rather than make it.', sources: [1], supported: true },
          { sentence: 'They cut bills by 90 percent in every home.', sources: [1], supported: false },
        ].map((c) => ({ ...c, score: c.supported ? 0.9 : 0.1, lexical: c.supported ? 0.9 : 0.1 }));
        await route.fulfill({ response, json: article });
      });
    });
    const markers = page.locator('.preview button.cite');
    await expect.poll(() => markers.count()).toBe(2);
    expect(await markers.evaluateAll((buttons) => buttons.map((b) => b.className))).toEqual([
      'cite',
      'cite unsupported',
    ]);
    expect(await markers.nth(1).getAttribute('aria-label')).toBe('Show source 1 (unsupported)');
    expect(h.problems).toEqual([]);
  }, 60_000);
});
