// The cost and time estimate under Generate, in Chromium: it appears once a topic is typed, follows
// the brief (debounced: typing a topic is not a request per key), says "price unknown" for an
// unpriced model and dollars once it has a price, and is hidden while no model is connected.
// Desktop and phone widths, axe-core, no console errors.
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { estimateText } from '../../web/src/components/CostEstimate.tsx';
import { connectedOwner, fakeModel } from './connected-owner.ts';
import { overflowsHorizontally, startWebHarness, type WebHarness } from './harness.ts';

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 10_000 });

describe('estimateText', () => {
  const r = (low: number, high: number) => ({ low, high });
  it('whole minutes and cents, a range; "price unknown" without a price, never $0.00', () => {
    expect(estimateText({ minutes: r(2, 5), costUsd: r(0.0712, 0.1634) })).toBe(
      'About 2–5 minutes, $0.07–$0.17',
    );
    expect(estimateText({ minutes: r(1, 1), costUsd: null })).toBe('About 1 minute, price unknown');
    expect(estimateText({ minutes: r(3, 3), costUsd: r(0.0001, 0.0004) })).toBe(
      'About 3 minutes, under $0.01',
    );
    expect(estimateText({ minutes: r(1, 2), costUsd: r(0.004, 0.02) })).toBe(
      'About 1–2 minutes, under $0.01–$0.02',
    );
    // Priced at zero on purpose (a local model): free is the truth here.
    expect(estimateText({ minutes: r(1, 2), costUsd: r(0, 0) })).toBe('About 1–2 minutes, $0.00');
  });
});

describe('estimate on the New article form', () => {
  let h: WebHarness;
  let context: BrowserContext;
  let page: Page;
  let estimateRequests = 0;

  beforeAll(async () => {
    h = await startWebHarness({ LLM_CACHE_TTL: '0' });
    context = await h.newContext({ width: 1280, height: 800 });
    await connectedOwner(h, context);
    page = await context.newPage();
    page.on('request', (r) => {
      if (r.url().endsWith('/api/v1/articles/estimate')) estimateRequests++;
    });
    await page.goto('/articles/new');
    await page.getByRole('heading', { level: 1, name: 'New article' }).waitFor();
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  const estimate = () => page.getByTestId('estimate');
  const minutesHigh = async () => Number(/–(\d+) minutes/.exec((await estimate().textContent()) ?? '')?.[1]);

  it('shows nothing before a topic, then a range with "price unknown" for an unpriced model', async () => {
    await page.getByRole('button', { name: 'Generate article' }).waitFor();
    expect(await estimate().textContent()).toBe('');
    await page.getByLabel('Topic').pressSequentially('Heat pumps for family homes', { delay: 20 });
    await poll(() => estimate().textContent()).toMatch(
      /^About \d+(–\d+)? minutes?, price unknown \(a first guess\)$/,
    );
    // Debounced: one request for the whole topic, not one per key.
    expect(estimateRequests).toBeLessThanOrEqual(2);
    await h.capture(page, 'estimate-01-unknown-price');
  }, 60_000);

  it('follows the brief: a longer article takes longer', async () => {
    const before = await minutesHigh();
    await page.getByLabel('Length in words').fill('8000');
    await poll(minutesHigh).toBeGreaterThan(before);
  }, 60_000);

  it('shows dollars once the model has a price', async () => {
    const saved = await context.request.put('/api/v1/llm/settings', {
      headers: { origin: h.server.base },
      data: { modelPrices: { [fakeModel]: { input: 3, output: 15 } } },
    });
    expect(saved.status()).toBe(200);
    await page.reload();
    await page.getByLabel('Topic').fill('Heat pumps for family homes');
    await poll(() => estimate().textContent()).toMatch(
      /^About \d+(–\d+)? minutes?, \$\d+\.\d\d–\$\d+\.\d\d \(a first guess\)$/,
    );
    await h.capture(page, 'estimate-02-priced');
  }, 60_000);

  it('asks before a click elsewhere drops the brief being written', async () => {
    const asked = new Promise<string>((resolve) =>
      page.once('dialog', (dialog) => {
        resolve(dialog.message());
        void dialog.dismiss();
      }),
    );
    await page.getByRole('link', { name: 'Library' }).click();
    expect(await asked).toBe('Leave this page and lose the brief you are writing?');
    // Stayed: the brief is as typed.
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('New article');
    expect(await page.getByLabel('Topic').inputValue()).toBe('Heat pumps for family homes');
  }, 60_000);

  it('fits a phone screen', async () => {
    const phone = await h.newContext({ width: 375, height: 812, mobile: true });
    await phone.addCookies(await context.cookies());
    const p = await phone.newPage();
    await p.goto('/articles/new');
    await p.getByLabel('Topic').fill('Heat pumps for family homes');
    await poll(() => p.getByTestId('estimate').textContent()).toMatch(/^About .*\$\d/);
    await p.getByTestId('estimate').scrollIntoViewIfNeeded();
    expect(await overflowsHorizontally(p)).toBe(false);
    await h.capture(p, 'estimate-03-phone');
    await phone.close();
  }, 60_000);

  it('is hidden while no model is connected', async () => {
    const p = await context.newPage();
    // The server says no role has a model (as before any is connected).
    await p.route('**/api/v1/llm/providers', async (route) => {
      const res = await route.fetch();
      const body = await res.json();
      for (const role of Object.keys(body.roles)) body.roles[role] = [];
      await route.fulfill({ response: res, json: body });
    });
    await p.goto('/articles/new');
    await p.getByTestId('connect-model').waitFor();
    await p.getByLabel('Topic').fill('Heat pumps for family homes');
    await p.waitForTimeout(1000);
    expect(await p.getByTestId('estimate').count()).toBe(0);
    await h.capture(p, 'estimate-04-no-model');
    await p.close();
  }, 60_000);

  it('had no console errors and no serious accessibility violations', () => {
    expect(h.problems).toEqual([]);
    expect(h.accessibility).toEqual([]);
  });
});
