// The progress lines of `blogsmith generate` without a terminal: the running total is what the
// priced calls cost, and a run with calls of a model without a price says its price is unknown
// instead of a $0.0000 that is not the cost.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { ArticleEventMessage } from '../../src/articles/event-map.ts';
import { createRunProgress } from '../../src/cli/run-progress.ts';

function progressLines(events: ArticleEventMessage[]): string[] {
  const lines: string[] = [];
  const out = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  }) as unknown as NodeJS.WriteStream;
  const progress = createRunProgress(out);
  for (const event of events) progress.event(event);
  progress.stop();
  return lines;
}

const cost = (
  data: Partial<Extract<ArticleEventMessage, { type: 'cost' }>['data']>,
): ArticleEventMessage => ({
  type: 'cost',
  data: { step: 'plan', inputTokens: 1200, outputTokens: 300, costUsd: 0, ...data },
});
const done: ArticleEventMessage = { type: 'done', data: { status: 'completed' } };

describe('run progress', () => {
  it('shows the total of a priced run in dollars', () => {
    expect(progressLines([cost({ costUsd: 0.00123 }), done]).at(-1)).toBe('✓ completed — total $0.0012');
  });

  it('says "price unknown" for a run of a model without a price, not $0.0000', () => {
    const last = progressLines([
      cost({ costKnown: false, unpricedModels: ['openai:gpt-4.1-nano'] }),
      done,
    ]).at(-1);
    expect(last).toBe('✓ completed — total price unknown (no price for openai:gpt-4.1-nano)');
    expect(last).not.toContain('$0.0000');
  });

  it('shows the priced part and says the rest is unknown when both kinds of model were used', () => {
    expect(
      progressLines([
        cost({ costUsd: 0.002, costKnown: false, unpricedModels: ['ollama:llama3.2'] }),
        { type: 'done', data: { status: 'failed' } },
      ]).at(-1),
    ).toBe('✗ failed — total $0.0020 + price unknown (no price for ollama:llama3.2)');
  });
});
