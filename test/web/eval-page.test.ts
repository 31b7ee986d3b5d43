// The Quality page in Chromium against the real server: the empty state that says how to run
// `blogsmith eval`, then stored runs charted and tabled per model, switching between runs, at
// desktop and phone width, with no serious accessibility violations and no console errors.
import { readFileSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvalReport } from '../../src/eval/report-schema.ts';
import { sampleReport } from '../eval/sample-report.ts';
import { overflowsHorizontally, owner, signIn, startWebHarness, type WebHarness } from './harness.ts';

describe('Quality page in Chromium', () => {
  let h: WebHarness;
  let context: BrowserContext;
  let page: Page;
  let cookie = '';

  const store = async (report: EvalReport) => {
    const res = await fetch(`${h.server.base}/api/v1/eval/reports`, {
      method: 'POST',
      headers: { cookie, origin: h.server.base, 'content-type': 'application/json' },
      body: JSON.stringify(report),
    });
    expect(res.status, await res.clone().text()).toBe(201);
  };

  beforeAll(async () => {
    h = await startWebHarness();
    const setup = await fetch(`${h.server.base}/api/v1/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(owner),
    });
    expect(setup.status).toBe(201);
    cookie = (setup.headers.get('set-cookie') ?? '').split(';')[0]!;
    context = await h.newContext({ width: 1280, height: 800 });
    page = await context.newPage();
    await signIn(page);
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  it('says how to run an evaluation when the workspace has none', async () => {
    await page.getByRole('link', { name: 'Quality' }).click();
    await page.getByRole('heading', { level: 1, name: 'Quality' }).waitFor();
    await page.getByRole('heading', { name: 'No evaluation runs yet' }).waitFor();
    expect(await page.locator('main').textContent()).toContain('blogsmith eval --briefs 3');
    await page.getByRole('heading', { name: 'How judging works, and its limits' }).waitFor();
    expect(await page.locator('main').textContent()).toMatch(/same family as the writer/);
    await h.capture(page, 'quality-01-empty');
  }, 60_000);

  it('charts and tables every model of the newest run, and switches to an older one', async () => {
    await store(sampleReport());
    await store(
      sampleReport({
        judge: 'anthropic:claude-sonnet',
        startedAt: '2026-12-01T09:00:00.000Z',
        finishedAt: '2026-12-01T09:40:00.000Z',
      }),
    );
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Quality' }).waitFor();
    const chart = page.getByRole('figure');
    await chart.waitFor();
    // Newest first: the run judged by claude-sonnet.
    expect(await page.locator('main').textContent()).toContain('judged by anthropic:claude-sonnet');
    // One bar per model and measure (4 measures × 2 models), each with its value written out.
    expect(await chart.locator('.chart-row').count()).toBe(8);
    const recall = chart.locator('.chart-group').filter({ hasText: 'Citation recall' });
    expect(await recall.locator('.chart-value').allTextContents()).toEqual(['86.2', '55.0']);
    // The bar's length is the value; the STORM anchor is drawn at 84.8.
    expect(await recall.locator('rect.series-0').getAttribute('width')).toBe('86.2');
    expect(await recall.locator('line.chart-anchor').first().getAttribute('x1')).toBe('84.8');
    // The table: one row per measure, one column per model.
    const table = page.getByRole('table');
    const headers = await table.getByRole('columnheader').allTextContents();
    expect(headers).toEqual(['Measure', 'openai:gpt-4o-mini', 'ollama:qwen3:8b']);
    const row = async (measure: string) =>
      table
        .getByRole('row')
        .filter({ has: page.getByRole('rowheader', { name: measure, exact: true }) })
        .getByRole('cell')
        .allTextContents();
    expect(await row('Articles (failed)')).toEqual(['2 (0)', '2 (1)']);
    expect(await row('Citation recall')).toEqual(['86.2 %', '55.0 %']);
    expect(await row('Citation precision')).toEqual(['90.0 %', '62.5 %']);
    expect(await row('Claims supported')).toEqual(['81.0 %', '60.0 %']);
    expect(await row('Unsupported claims left / article')).toEqual(['1.5', '8.0']);
    expect(await row('Readability (Flesch, English)')).toEqual(['52.4', 'not applicable']);
    expect(await row('Wall time / article')).toEqual(['95.2 s', '610.0 s']);
    expect(await row('Tokens in / out')).toEqual(['61,000 / 9,800', '40,000 / 6,000']);
    expect(await row('Cost / article')).toEqual(['$0.0076', 'price unknown']);
    await h.capture(page, 'quality-02-desktop');

    // The whole report, per-article results included, downloads as JSON.
    const [file] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download the full report (JSON)' }).click(),
    ]);
    expect(file.suggestedFilename()).toMatch(/^eval-report-[0-9a-f-]{36}\.json$/);
    const downloaded = JSON.parse(readFileSync((await file.path())!, 'utf8'));
    expect(downloaded.judge).toBe('anthropic:claude-sonnet');
    expect(downloaded.models[1].articles[1].error).toMatch(/did not finish/);

    await page.getByLabel('Evaluation run').selectOption({ index: 1 });
    await expect
      .poll(() => page.locator('main').textContent(), { timeout: 10_000 })
      .toContain('judged by openai:gpt-4o');
  }, 60_000);

  it('fits a phone screen without sideways scrolling', async () => {
    const phone = await h.newContext({ width: 375, height: 812, mobile: true });
    const small = await phone.newPage();
    await signIn(small);
    await small.goto('/quality');
    await small.getByRole('figure').waitFor();
    expect(await overflowsHorizontally(small)).toBe(false);
    await h.capture(small, 'quality-03-phone');
    await phone.close();
  }, 60_000);

  it('had no console errors and no serious accessibility violations', () => {
    expect(h.problems).toEqual([]);
    expect(h.accessibility).toEqual([]);
  });
});
