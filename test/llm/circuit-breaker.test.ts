import { describe, expect, it } from 'vitest';
import { CircuitBreakers } from '../../src/llm/circuit-breaker.ts';

describe('CircuitBreakers', () => {
  it('opens at the threshold, lets one trial through after the cool-down, closes on success', () => {
    let now = 0;
    const b = new CircuitBreakers({ threshold: 3, cooldownMs: 1000, now: () => now });
    b.failure('m');
    b.failure('m');
    expect(b.tryAcquire('m')).toBe(true);
    b.failure('m');
    expect(b.state('m')).toBe('open');
    expect(b.tryAcquire('m')).toBe(false);
    now = 1000;
    expect(b.state('m')).toBe('half-open');
    expect(b.tryAcquire('m')).toBe(true);
    expect(b.tryAcquire('m')).toBe(false); // one trial at a time
    b.success('m');
    expect(b.state('m')).toBe('closed');
  });

  it('a success resets the count; a failed trial re-opens at once', () => {
    let now = 0;
    const b = new CircuitBreakers({ threshold: 2, cooldownMs: 100, now: () => now });
    b.failure('m');
    b.success('m');
    b.failure('m');
    expect(b.state('m')).toBe('closed');
    b.failure('m');
    expect(b.state('m')).toBe('open');
    now = 100;
    expect(b.tryAcquire('m')).toBe(true);
    b.failure('m');
    expect(b.state('m')).toBe('open');
    expect(b.state('other')).toBe('closed');
  });
});
