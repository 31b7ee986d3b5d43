// Regenerate with intent in Chromium: any part can be picked (intro, sections, conclusion, FAQ), an
// instruction is typed, and the result comes back before/after with word counts; Discard leaves
// the article as it was, Accept puts the new text in and keeps the old one in Versions. Desktop
// and phone widths, axe-core, no console errors.
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReceivedRequest } from '../fakes/scripted-server.ts';
import { startWithArticle } from './connected-owner.ts';
import { overflowsHorizontally, type WebHarness } from './harness.ts';

const poll = <T>(fn: () => T | Promise<T>, timeout = 10_000) => expect.poll(fn, { timeout });
const promptOf = (req: ReceivedRequest) =>
  ((req.body.messages ?? []) as Array<{ content: unknown }>).map((m) => String(m.content)).join('\n');

describe('regenerating a part in the editor', () => {
  let h: WebHarness;
  let context: BrowserContext;
  let page: Page;
  let articleId = '';
  const markdownOf = async () =>
    (await (await context.request.get(`/api/v1/articles/${articleId}`)).json()).markdown as string;

  beforeAll(async () => {
    ({ h, context, page, articleId } = await startWithArticle('Heat pumps for family homes'));
  }, 180_000);
  afterAll(async () => {
    await h?.close();
  });

  const openPanel = async (p: Page) => {
    await p.goto(`/articles/${articleId}`);
    await p.getByRole('button', { name: 'Regenerate', exact: true }).click();
    await p.getByLabel('Part', { exact: true }).waitFor();
  };

  it('offers every part, including the introduction, the conclusion and the FAQ', async () => {
    await openPanel(page);
    const options = await page.getByLabel('Part', { exact: true }).locator('option').allTextContents();
    expect(options[0]).toBe('Introduction');
    expect(options).toContain('Conclusion');
    expect(options).toContain('FAQ');
    expect(options.filter((o) => /^\d+\. /.test(o)).length).toBeGreaterThanOrEqual(3);
    await h.capture(page, 'regenerate-01-panel');
  }, 60_000);

  it('shows the rewritten intro before/after with word counts; Discard leaves the article unchanged', async () => {
    const before = await markdownOf();
    const fallback = h.llm.responder;
    const shortIntro = 'Heat pumps move heat instead of burning fuel, which is why they cost less to run.';
    h.llm.responder = (req) =>
      promptOf(req).includes('Write the introduction')
        ? { type: 'answer', text: shortIntro }
        : fallback?.(req);
    const sent = h.llm.requests.length;
    try {
      await page.getByLabel('Part', { exact: true }).selectOption({ label: 'Introduction' });
      await page.getByLabel('Instruction (optional)').fill('Shorter: one sentence.');
      await page.getByRole('button', { name: 'Regenerate part' }).click();
      const proposal = page.getByTestId('regeneration-proposal');
      await proposal.waitFor({ timeout: 30_000 });
    } finally {
      h.llm.responder = fallback;
    }
    const proposal = page.getByTestId('regeneration-proposal');
    expect(await proposal.getByRole('heading', { level: 3 }).textContent()).toContain('Introduction');
    expect(await proposal.textContent()).toContain('Instruction: Shorter: one sentence.');
    expect(await proposal.getByRole('region', { name: /^After · 16 words$/ }).textContent()).toBe(shortIntro);
    expect(await proposal.getByTestId('proposal-words').textContent()).toMatch(
      /^[\d,]+ words → 16 words \(−\d+\)$/,
    );
    // The instruction reached the model.
    expect(h.llm.requests.slice(sent).map(promptOf).join('\n')).toContain('"Shorter: one sentence."');
    // Nothing changed yet, in the editor or on the server.
    expect(await page.getByLabel('Markdown').inputValue()).not.toContain(shortIntro);
    expect(await markdownOf()).toBe(before);
    await h.capture(page, 'regenerate-02-proposal');

    // Discarded over unsaved edits, after a colleague saved: neither their text replaces mine in the
    // editor, nor is my save then refused for the discard itself.
    const textarea = page.getByLabel('Markdown', { exact: true });
    await textarea.focus();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('\n\nMy unsaved line.');
    const theirs = `${before}\n\nTheir saved line.`;
    const saved = await context.request.patch(`/api/v1/articles/${articleId}`, {
      headers: { origin: h.server.base },
      data: { markdown: theirs },
    });
    expect(saved.status()).toBe(200);
    await proposal.getByRole('button', { name: 'Discard' }).click();
    await page.getByText('Discarded. The article is unchanged.').waitFor();
    expect(await page.getByTestId('regeneration-proposal').count()).toBe(0);
    expect(await markdownOf()).toBe(theirs);
    expect(await textarea.inputValue()).toContain('My unsaved line.');
    expect(await textarea.inputValue()).not.toContain('Their saved line.');
    // Their save, not the discard, is what the editor asks about; loading theirs leaves mine out.
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const conflict = page.getByTestId('save-conflict');
    await conflict.waitFor({ timeout: 15_000 });
    await conflict.getByRole('button', { name: 'Discard mine, load theirs' }).click();
    await poll(() => textarea.inputValue()).toContain('Their saved line.');
    expect(await markdownOf()).toBe(theirs);
  }, 90_000);

  it('Accept puts the new FAQ in and keeps the text before in Versions', async () => {
    const before = await markdownOf();
    const fallback = h.llm.responder;
    h.llm.responder = (req) => {
      const prompt = promptOf(req);
      if (!prompt.includes('Answer these reader questions')) return fallback?.(req);
      const questions = [...prompt.matchAll(/^- (.+)$/gm)].map((m) => m[1]!);
      return {
        type: 'answer',
        json: {
          items: questions.map((question) => ({ question, answer: 'Yes, with an example: a 3 kW unit.' })),
        },
      };
    };
    try {
      await page.getByLabel('Part', { exact: true }).selectOption({ label: 'FAQ' });
      await page.getByLabel('Instruction (optional)').fill('Add an example to each answer');
      await page.getByRole('button', { name: 'Regenerate part' }).click();
      await page.getByTestId('regeneration-proposal').waitFor({ timeout: 30_000 });
    } finally {
      h.llm.responder = fallback;
    }
    await page.getByRole('button', { name: 'Accept' }).click();
    await page.getByText('Accepted. The text before is kept in Versions.').waitFor();
    await poll(() => page.getByLabel('Markdown').inputValue()).toContain(
      'Yes, with an example: a 3 kW unit.',
    );
    const after = await markdownOf();
    expect(after).toContain('Yes, with an example: a 3 kW unit.');
    expect(after.split('\n## ')[0]).toBe(before.split('\n## ')[0]); // the intro is untouched
    await h.capture(page, 'regenerate-03-accepted');
    await page.getByRole('button', { name: 'Versions' }).click();
    await page
      .getByRole('button', { name: /— regenerate$/ })
      .first()
      .waitFor();
  }, 90_000);

  it('follows a regeneration while another panel is open, and shows its proposal on coming back', async () => {
    await openPanel(page);
    const fallback = h.llm.responder;
    let answer = () => {};
    const until = new Promise<void>((resolve) => {
      answer = resolve;
    });
    const conclusion = (req: ReceivedRequest) => promptOf(req).includes('Write the conclusion');
    h.llm.responder = (req) => {
      const behaviour = fallback?.(req);
      return behaviour && conclusion(req) ? { type: 'held', until, answer: behaviour } : behaviour;
    };
    const sent = h.llm.requests.length;
    try {
      await page.getByLabel('Part', { exact: true }).selectOption({ label: 'Conclusion' });
      await page.getByRole('button', { name: 'Regenerate part' }).click();
      await poll(() => h.llm.requests.slice(sent).some(conclusion), 30_000).toBe(true);
      // Another panel while the model writes; the proposal is ready before coming back.
      await page.getByRole('button', { name: 'Versions', exact: true }).click();
      answer();
      await poll(async () => {
        const stored = await (await context.request.get(`/api/v1/articles/${articleId}`)).json();
        return stored.regeneration?.state;
      }, 30_000).toBe('proposed');
      await page.getByRole('button', { name: 'Regenerate', exact: true }).click();
      const proposal = page.getByTestId('regeneration-proposal');
      await proposal.waitFor({ timeout: 15_000 });
      expect(await proposal.getByRole('heading', { level: 3 }).textContent()).toContain('Conclusion');
    } finally {
      answer();
      h.llm.responder = fallback;
    }
    await page.getByRole('button', { name: 'Discard' }).click();
    await page.getByText('Discarded. The article is unchanged.').waitFor();
  }, 90_000);

  it('fits a phone screen, the before/after stacked', async () => {
    const phone = await h.newContext({ width: 375, height: 812, mobile: true });
    await phone.addCookies(await context.cookies());
    const p = await phone.newPage();
    await openPanel(p);
    expect(await overflowsHorizontally(p)).toBe(false);
    await h.capture(p, 'regenerate-04-phone');
    await phone.close();
  }, 60_000);

  it('had no console errors and no serious accessibility violations', () => {
    // Only the save refused on purpose above (409), which the browser logs as a failed load.
    expect(h.problems.filter((p) => !/status of 409/.test(p))).toEqual([]);
    expect(h.accessibility).toEqual([]);
  });
});
