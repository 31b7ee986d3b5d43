// Settings › prices in Chromium: a model without a known price says "price unknown" and the budget
// warns that it cannot cap it; an admin enters its price (a bad one is refused at its field), the
// table shows it as the workspace's own, the warning goes, and removing it brings both back. An
// article written while its model had no price says "price unknown" in the library and the editor,
// as the API's `costKnown` says, also after the model is priced. Desktop and phone widths, axe-core,
// no console errors.
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { articleModelResponder } from '../fakes/article-model.ts';
import { completedArticle, connectedOwner, fakeModel } from './connected-owner.ts';
import { overflowsHorizontally, startWebHarness, type WebHarness } from './harness.ts';

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 10_000 });

describe('model prices in Settings', () => {
  let h: WebHarness;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    h = await startWebHarness({ LLM_CACHE_TTL: '0' });
    context = await h.newContext();
    await connectedOwner(h, context);
    page = await context.newPage();
    // Setting up through the API signed this context in.
    await page.goto('/');
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  const priceRow = () => page.locator(`tr[data-price="${fakeModel}"]`);
  const openSettings = async () => {
    await page.goto('/settings');
    await page.getByRole('heading', { name: 'Language models' }).waitFor();
    await priceRow().waitFor();
  };

  it('shows an unpriced model as "price unknown" and warns the budget cannot cap it', async () => {
    await openSettings();
    expect(await priceRow().textContent()).toContain('price unknown');
    await page.getByText('More control: a model per role, monthly budget').click();
    const warning = page.getByTestId('unpriced-warning');
    await warning.waitFor();
    expect(await warning.textContent()).toContain(fakeModel);
    expect(await warning.textContent()).not.toMatch(/\b[A-Z]+_[A-Z_]+\b/);
    await h.capture(page, 'prices-01-unknown');
  }, 60_000);

  it('refuses a negative price at its field, then saves a price the table and warning reflect', async () => {
    const form = page.getByRole('form', { name: "Set a model's price" });
    expect(await form.getByLabel('Model').inputValue()).toBe(fakeModel);
    const input = form.getByLabel('Input, USD per 1M tokens');
    await input.fill('-1');
    await form.getByLabel('Output, USD per 1M tokens').fill('8');
    await form.getByRole('button', { name: 'Save price' }).click();
    await poll(() => input.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await input.getAttribute('aria-describedby')) ?? '';
    expect(await page.locator(`[id="${describedBy.split(' ').at(-1)}"]`).textContent()).toMatch(/0 or more/);
    expect(await priceRow().textContent()).toContain('price unknown');
    await h.capture(page, 'prices-02-refused');

    await input.fill('2');
    await form.getByRole('button', { name: 'Save price' }).click();
    await form.getByText(`Price of ${fakeModel} saved.`).waitFor();
    await poll(() => priceRow().textContent()).toContain('your price');
    expect(await priceRow().textContent()).toMatch(/\$2\.00.*\$8\.00/);
    await poll(() => page.getByTestId('unpriced-warning').count()).toBe(0);
    const stored = await context.request.get('/api/v1/llm/settings');
    expect((await stored.json()).modelPrices).toEqual({ [fakeModel]: { input: 2, output: 8 } });
    await h.capture(page, 'prices-03-saved');
  }, 60_000);

  it('fits a phone screen with the price form and table', async () => {
    const phone = await h.newContext({ width: 375, height: 812, mobile: true });
    await phone.addCookies(await context.cookies());
    const p = await phone.newPage();
    await p.goto('/settings');
    await p.locator(`tr[data-price="${fakeModel}"]`).waitFor();
    expect(await overflowsHorizontally(p)).toBe(false);
    await p.getByRole('form', { name: "Set a model's price" }).scrollIntoViewIfNeeded();
    await h.capture(p, 'prices-04-phone');
    await phone.close();
  }, 60_000);

  it('removes the price: the model is unknown again and the warning is back', async () => {
    await page.getByRole('button', { name: `Remove the price of ${fakeModel}` }).click();
    await page.getByText(`Price of ${fakeModel} removed.`).waitFor();
    await poll(() => priceRow().textContent()).toContain('price unknown');
    await page.getByTestId('unpriced-warning').waitFor();
    await h.capture(page, 'prices-05-removed');
  }, 60_000);

  it("says an article's cost is unknown when its model had no price, even once the model is priced", async () => {
    h.llm.responder = articleModelResponder();
    const unknown = await completedArticle(h, context, 'Heat pumps written at an unknown price');
    const priced = await context.request.put('/api/v1/llm/settings', {
      headers: { origin: h.server.base },
      data: { modelPrices: { [fakeModel]: { input: 2, output: 8 } } },
    });
    expect(priced.status()).toBe(200);
    await completedArticle(h, context, 'Heat pumps written at a known price');

    await page.goto('/library');
    const row = (topic: string) => page.locator('li.article-row', { hasText: topic });
    await row('at a known price').waitFor();
    expect(await row('at an unknown price').textContent()).toContain('price unknown');
    expect(await row('at a known price').textContent()).toMatch(/\$\d+\.\d{2}/);
    expect(await row('at a known price').textContent()).not.toContain('$0.00');
    expect(await row('at a known price').textContent()).not.toContain('price unknown');
    await h.capture(page, 'prices-06-library-unknown-cost');

    await page.goto(`/articles/${unknown}`);
    const cost = page.getByTestId('article-cost');
    await cost.waitFor();
    expect(await cost.textContent()).toBe('price unknown');
    expect(await cost.getAttribute('title')).toContain(fakeModel);
    const removed = await context.request.put('/api/v1/llm/settings', {
      headers: { origin: h.server.base },
      data: { modelPrices: { [fakeModel]: null } },
    });
    expect(removed.status()).toBe(200);
  }, 120_000);

  it('had no console errors and no serious accessibility violations', () => {
    expect(h.problems).toEqual([]);
    expect(h.accessibility).toEqual([]);
  });
});
