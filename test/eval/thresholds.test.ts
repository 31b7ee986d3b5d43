// `blogsmith eval --min-…`/`--max-failed`: the bars a CI job sets, and which model missed which.
import { describe, expect, it } from 'vitest';
import { share } from '../../src/cli/option-parsers.ts';
import { missedThresholds } from '../../src/eval/thresholds.ts';
import { sampleReport } from './sample-report.ts';

describe('eval thresholds', () => {
  it('names each bar a model missed, and none it cleared', () => {
    const report = sampleReport();
    expect(missedThresholds(report, {})).toEqual([]);
    expect(missedThresholds(report, { minCitationRecall: 0.8, minClaimSupport: 0.6, maxFailed: 0 })).toEqual([
      'ollama:qwen3:8b: citation recall 55.0 % < 80.0 %',
      'ollama:qwen3:8b: 1 articles failed or unjudged > 0',
    ]);
    expect(missedThresholds(report, { minCitationPrecision: 0.95 })).toEqual([
      'openai:gpt-4o-mini: citation precision 90.0 % < 95.0 %',
      'ollama:qwen3:8b: citation precision 62.5 % < 95.0 %',
    ]);
  });

  it('counts a share that could not be measured as below its bar, and unjudged articles as failed', () => {
    const report = sampleReport();
    const first = report.models[0]!;
    first.summary = { ...first.summary, claimSupport: null, unjudged: 2 };
    expect(missedThresholds({ ...report, models: [first] }, { minClaimSupport: 0.1, maxFailed: 1 })).toEqual([
      'openai:gpt-4o-mini: claim support not measured (nothing to count) < 10.0 %',
      'openai:gpt-4o-mini: 2 articles failed or unjudged > 1',
    ]);
  });

  it('takes a share from 0 to 1 and refuses a percentage', () => {
    expect(['0', '1', '0.8', '.5', '1.0'].map(share('--min-citation-recall'))).toEqual([0, 1, 0.8, 0.5, 1]);
    for (const bad of ['80', '1.5', '-0.1', 'high', ''])
      expect(() => share('--min-citation-recall')(bad), bad).toThrow(/takes a share from 0 to 1/);
  });
});
