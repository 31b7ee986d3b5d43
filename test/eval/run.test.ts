// `blogsmith eval` end to end against the fake writer model over HTTP: the real pipeline per model,
// sources uploaded as documents, every article judged, a report written.
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEvalCases } from '../../src/eval/dataset.ts';
import { writeReport } from '../../src/eval/report.ts';
import { runEval } from '../../src/eval/run.ts';
import { articleModelResponder } from '../fakes/article-model.ts';
import { startOpenAiServer } from '../fakes/openai-server.ts';
import type { FakeServer } from '../fakes/scripted-server.ts';

describe('blogsmith eval', () => {
  let llm: FakeServer;
  beforeAll(async () => {
    llm = await startOpenAiServer();
    llm.responder = articleModelResponder();
  });
  afterAll(async () => llm.close());

  it('ships ten briefs, each with its sources', () => {
    const cases = loadEvalCases();
    expect(cases).toHaveLength(10);
    for (const c of cases) expect(c.sources.length).toBeGreaterThanOrEqual(2);
  });

  it('runs the set per model and reports citation, claim, SEO, time and cost numbers', async () => {
    const progress: string[] = [];
    const report = await runEval({
      models: ['compatible:model-a', 'compatible:model-b'],
      judge: 'compatible:judge',
      cases: loadEvalCases(undefined, 2),
      env: {
        OPENAI_COMPATIBLE_BASE_URL: llm.baseUrl,
        LLM_PRICES_JSON: JSON.stringify({ 'compatible:model-a': { input: 0.15, output: 0.6 } }),
        LLM_CACHE_TTL: '0',
        // The server's budget is not the lab's: it would refuse model-b and the judge (no price).
        LLM_MONTHLY_BUDGET_USD: '50',
      },
      logger: pino({ level: 'silent' }),
      onProgress: (p) => progress.push(`${p.done}/${p.total} ${p.model} ${p.caseId} ${p.result.status}`),
    });
    expect(progress).toHaveLength(4);
    expect(report.models.map((m) => m.model)).toEqual(['compatible:model-a', 'compatible:model-b']);
    for (const { summary, articles } of report.models) {
      expect(articles.every((a) => a.status === 'completed')).toBe(true);
      expect(summary.failed).toBe(0);
      // The fake writes from its sources and cites them; intro and conclusion carry no citation.
      expect(summary.citationRecall).toBeGreaterThan(0.3);
      expect(summary.citationRecall).toBeLessThan(1);
      expect(summary.citationPrecision).toBeGreaterThan(0.5);
      expect(summary.claimSupport).toBeGreaterThan(0.5);
      expect(summary.seoScore).toBeGreaterThan(0);
      expect(summary.inputTokens).toBeGreaterThan(0);
      expect(summary.wallSeconds).toBeGreaterThan(0);
    }
    // Priced model: a cost; unpriced model: "unknown", never $0.
    expect(report.models[0]!.summary.costUsd).toBeGreaterThan(0);
    expect(report.models[1]!.summary.costUsd).toBeNull();
    // Each model's articles were written by that model; the judge's calls went to the judge.
    const asked = new Set(llm.requests.map((r) => String(r.body.model)));
    expect(asked).toEqual(new Set(['model-a', 'model-b', 'judge']));

    const dir = mkdtempSync(path.join(os.tmpdir(), 'blogsmith-eval-'));
    const files = writeReport(report, dir);
    const md = readFileSync(files.markdown, 'utf8');
    expect(md).toMatch(/\| compatible:model-a \| 2 \(0\) \| \d+\.\d % \| \d+\.\d % \|/);
    expect(md).toContain('price unknown');
    expect(JSON.parse(readFileSync(files.json, 'utf8')).models).toHaveLength(2);
  }, 180_000);

  it('keeps an article the judge could not score as written, with its cost, not as the model failing', async () => {
    const writer = articleModelResponder();
    llm.responder = (req) =>
      req.body.model === 'judge' ? { type: 'error', status: 400, message: 'judge refused' } : writer(req);
    try {
      const report = await runEval({
        models: ['compatible:model-a'],
        judge: 'compatible:judge',
        cases: loadEvalCases(undefined, 1),
        env: {
          OPENAI_COMPATIBLE_BASE_URL: llm.baseUrl,
          LLM_PRICES_JSON: JSON.stringify({ 'compatible:model-a': { input: 0.15, output: 0.6 } }),
          LLM_CACHE_TTL: '0',
          LLM_MAX_RETRIES: '0',
        },
        logger: pino({ level: 'silent' }),
      });
      const [model] = report.models;
      const [article] = model!.articles;
      expect(article).toMatchObject({
        status: 'completed',
        judgeError: expect.stringContaining('judge refused'),
      });
      expect(article!.scores).toBeUndefined();
      expect(article!.costUsd).toBeGreaterThan(0);
      expect(article!.inputTokens).toBeGreaterThan(0);
      expect(model!.summary).toMatchObject({ failed: 0, unjudged: 1, citationRecall: null });
      const md = readFileSync(
        writeReport(report, mkdtempSync(path.join(os.tmpdir(), 'blogsmith-eval-'))).markdown,
        'utf8',
      );
      expect(md).toContain('## Written but not scored (the judge failed)');
    } finally {
      llm.responder = articleModelResponder();
    }
  }, 180_000);
});
