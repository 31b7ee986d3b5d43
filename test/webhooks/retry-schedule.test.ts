// The retry schedule: backoff over about two days, which a receiver's Retry-After may lengthen but
// never shorten (each attempt counts toward the limit).
import { describe, expect, it } from 'vitest';
import { maxAttempts, nextAttemptDelayMs, retryDelaysSeconds } from '../../src/webhooks/retry-schedule.ts';

const middle = () => 0.5;
const total = (retryAfterMs?: number) => {
  let sum = 0;
  for (let attempt = 1; attempt < maxAttempts; attempt++)
    sum += nextAttemptDelayMs(attempt, retryAfterMs, middle)!;
  return sum;
};

describe('the retry schedule', () => {
  it('backs off over about two days, then gives up', () => {
    expect(total()).toBe(retryDelaysSeconds.reduce((a, b) => a + b, 0) * 1000);
    expect(total()).toBeGreaterThan(40 * 3600_000);
    expect(nextAttemptDelayMs(maxAttempts, undefined, middle)).toBeUndefined();
  });

  it('is not shortened by a short Retry-After', () => {
    expect(nextAttemptDelayMs(1, 1000, middle)).toBe(30_000);
    expect(nextAttemptDelayMs(5, 0, middle)).toBe(6 * 3600_000);
    expect(total(1000)).toBe(total());
  });

  it('waits longer when the receiver asks it to, up to a day', () => {
    expect(nextAttemptDelayMs(1, 300_000, middle)).toBe(300_000);
    expect(nextAttemptDelayMs(2, 7 * 24 * 3600_000, middle)).toBe(24 * 3600_000);
  });
});
