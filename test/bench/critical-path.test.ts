import { describe, expect, it } from 'vitest';
import { busyTime, longestChain } from '../../bench/support/critical-path.ts';

describe('LLM time from request intervals', () => {
  it('takes the slowest of parallel calls, then adds the calls that came after it', () => {
    // plan, then three parallel sections (the slowest 0.9 s), then a revision started after all.
    const calls = [
      { start: 0, end: 100 },
      { start: 110, end: 500 },
      { start: 112, end: 1010 },
      { start: 115, end: 700 },
      { start: 1030, end: 1230 },
    ];
    expect(longestChain(calls)).toBe(100 + 898 + 200);
    expect(busyTime(calls)).toBe(100 + 900 + 200);
  });

  it('chains a call that waited for a slot behind the call it waited for', () => {
    // two slots: the third call starts when the first ends.
    const calls = [
      { start: 0, end: 300 },
      { start: 0, end: 400 },
      { start: 300, end: 600 },
    ];
    expect(longestChain(calls)).toBe(600);
    expect(busyTime(calls)).toBe(600);
  });

  it('counts overlapping calls once and leaves out the gaps between them', () => {
    const calls = [
      { start: 50, end: 150 },
      { start: 100, end: 200 },
      { start: 400, end: 450 },
    ];
    expect(busyTime(calls)).toBe(200);
    expect(longestChain(calls)).toBe(150);
    expect(longestChain([])).toBe(0);
    expect(busyTime([])).toBe(0);
  });
});
