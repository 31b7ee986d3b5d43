// The editor's Originality panel in Chromium: a paragraph two articles share is found on request,
// with the score and the other article named, and clicking it selects its sentences in the text — at
// desktop and phone widths, with axe-core and no console errors on the way.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completedArticle, startWithArticle } from './connected-owner.ts';
import { overflowsHorizontally, type WebHarness } from './harness.ts';

const shared =
  'Installers in the northern valleys now fit a heat pump in most new family homes because the running costs fell below those of an oil boiler last winter.';

describe('the originality panel in Chromium', () => {
  let h: WebHarness;
  let context: Awaited<ReturnType<typeof startWithArticle>>['context'];
  let firstId = '';
  let secondId = '';

  const appendShared = async (id: string) => {
    const article = (await (await context.request.get(`/api/v1/articles/${id}`)).json()) as {
      markdown: string;
    };
    const [head, ...rest] = article.markdown.split('\n\n');
    const res = await context.request.patch(`/api/v1/articles/${id}`, {
      headers: { origin: h.server.base },
      data: { markdown: [head, shared, ...rest].join('\n\n') },
    });
    expect(res.status(), await res.text()).toBe(200);
  };

  beforeAll(async () => {
    ({ h, context, articleId: firstId } = await startWithArticle('Heat pumps for family homes'));
    secondId = await completedArticle(h, context, 'Oil boilers and their running costs');
    await appendShared(firstId);
    await appendShared(secondId);
  }, 180_000);
  afterAll(async () => {
    await h?.close();
  });

  it('checks the saved text and shows a copied passage in the text', async () => {
    const page = await context.newPage();
    await page.goto(`/articles/${secondId}`);
    await page.locator('#article-markdown').waitFor();
    await page.getByRole('button', { name: 'Originality', exact: true }).click();
    await page.getByRole('button', { name: 'Check originality', exact: true }).click();
    await page.getByTestId('originality-score').waitFor();
    expect(await page.getByTestId('originality-score').textContent()).toMatch(/^\d+% original$/);
    const passages = page.getByRole('list', { name: 'Copied passages' });
    // The fake model writes the same framing sentences into every article: those are found too.
    expect(await passages.textContent()).toMatch(/words from the article [^:]*Heat pumps for family homes/);
    await h.capture(page, 'originality-desktop');

    await passages
      .getByRole('button', { name: /^Show in the text: Installers in the northern valleys/ })
      .click();
    await expect
      .poll(() =>
        page.evaluate(() => {
          const ta = document.querySelector<HTMLTextAreaElement>('#article-markdown')!;
          return document.activeElement === ta ? ta.value.slice(ta.selectionStart, ta.selectionEnd) : '';
        }),
      )
      .toContain(shared);

    await page.setViewportSize({ width: 375, height: 812 });
    await h.capture(page, 'originality-phone');
    expect(await overflowsHorizontally(page)).toBe(false);
    await page.close();
    expect(h.problems).toEqual([]);
    expect(h.accessibility).toEqual([]);
  }, 60_000);
});
