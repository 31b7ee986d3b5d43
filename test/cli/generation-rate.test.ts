// Tokens/s and time left from the event stream: on hand-made deltas with a fake clock, and live
// on a fake model streaming at about 10 tokens/s, as `blogsmith generate` shows them.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGenerationRate, formatDuration } from '../../src/cli/generation-rate.ts';
import { createRunProgress } from '../../src/cli/run-progress.ts';
import { countTokens } from '../../src/llm/token-count.ts';
import { startOpenAiServer } from '../fakes/openai-server.ts';
import type { FakeServer } from '../fakes/scripted-server.ts';
import { article, testGateway } from '../llm/support.ts';

// One token per delta word: a counter the arithmetic can be checked against by hand.
const oneTokenPerWord = (text: string) => text.trim().split(/\s+/).filter(Boolean).length;

describe('generation rate', () => {
  it('measures 10 tokens/s from deltas and the time the planned words take', () => {
    const rate = createGenerationRate({ plannedWords: 300, countTokens: oneTokenPerWord });
    expect(rate.tokensPerSecond(0)).toBeNull();
    // 2 tokens every 200 ms for 10 s: 100 deltas, 200 words.
    for (let i = 0; i <= 50; i++) rate.add('alpha beta ', i * 200);
    expect(rate.tokensPerSecond(10_000)).toBeCloseTo(10, 5);
    expect(rate.wordsWritten).toBe(102);
    // 198 words left at 1 token per word, 10 tokens/s.
    expect(rate.secondsLeft(10_000)).toBeCloseTo(19.8, 5);
    expect(rate.describe(10_000)).toBe('10.0 tok/s, ~20s left');
  });

  it('counts reasoning tokens in the rate but not as words written', () => {
    const rate = createGenerationRate({ plannedWords: 100, countTokens: oneTokenPerWord });
    for (let i = 0; i <= 10; i++) rate.add('hmm let me think ', i * 1000, false);
    expect(rate.tokensPerSecond(10_000)).toBeCloseTo(4, 5);
    expect(rate.wordsWritten).toBe(0);
    expect(rate.tokens).toBe(44);
  });

  it('forgets a pause after the window, so a finished burst does not claim a stale speed', () => {
    const rate = createGenerationRate({ plannedWords: 100, countTokens: oneTokenPerWord, windowMs: 5000 });
    rate.add('a b', 0);
    rate.add('c d', 1000);
    expect(rate.tokensPerSecond(1000)).toBeCloseTo(2, 5);
    expect(rate.tokensPerSecond(60_000)).toBeNull();
  });

  it('formats durations', () => {
    expect([5, 90, 3725].map(formatDuration)).toEqual(['5s', '1m 30s', '1h 02m']);
  });
});

describe('live progress on a model at about 10 tokens/s', () => {
  let server: FakeServer;
  beforeAll(async () => {
    server = await startOpenAiServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('shows tokens/s and the time left while the text streams', { timeout: 60_000 }, async () => {
    // Words of one token each (" heat"), one per chunk every 100 ms: 10 tokens/s, as a CPU-bound
    // local model; chunks end on token boundaries as a real server's do.
    const vocabulary = [' heat', ' pump', ' cold', ' warm', ' home', ' work'];
    const text = Array.from({ length: 60 }, (_, i) => vocabulary[i % vocabulary.length]).join('');
    expect(countTokens(text)).toBe(60);
    server.script({ type: 'answer', text, chunkSize: 5, chunkDelayMs: 100 });
    const { gateway } = testGateway({
      OPENAI_COMPATIBLE_BASE_URL: server.baseUrl,
      LLM_MODEL: 'compatible:cpu-model',
      LLM_CACHE_TTL: '0',
    });
    const lines: string[] = [];
    const out = new Writable({
      write(chunk, _enc, done) {
        lines.push(...String(chunk).split('\n').filter(Boolean));
        done();
      },
    }) as unknown as NodeJS.WriteStream;
    const progress = createRunProgress(out, { rateLineMs: 1000 });
    progress.setPlannedWords(300);
    // The pipeline batches deltas every 200 ms into section.delta events; so does this loop.
    let buffer = '';
    let last = Date.now();
    for await (const delta of gateway.streamText({ role: 'writer', prompt: 'write', purpose: article })) {
      buffer += delta;
      if (Date.now() - last >= 200) {
        progress.event({ type: 'section.delta', data: { part: 'section', index: 0, text: buffer } });
        buffer = '';
        last = Date.now();
      }
    }
    progress.stop();
    await gateway.flush();
    const rates = lines
      .map((l) => /… (\d+) words, ([\d.]+) tok\/s, ~(\S+(?: \S+)?) left/.exec(l))
      .filter((m) => m !== null);
    expect(rates.length, lines.join('\n')).toBeGreaterThanOrEqual(2);
    const last_ = rates[rates.length - 1]!;
    const measured = Number(last_[2]);
    // Timers on a loaded machine only ever run late: the rate can be lower, never much higher.
    expect(measured).toBeGreaterThan(3);
    expect(measured).toBeLessThan(12);
    // The time left is the words still planned at the measured pace: minutes, not seconds or hours.
    const wordsLeft = 300 - Number(last_[1]);
    expect(wordsLeft).toBeGreaterThan(200);
    expect(last_[3]).toMatch(/^\d+m \d\ds$|^\d+s$/);
  });
});
