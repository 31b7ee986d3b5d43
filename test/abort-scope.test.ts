import { getEventListeners } from 'node:events';
import { setTimeout as wait } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { linkAbort, timedAbortScope } from '../src/abort-scope.ts';

describe('linkAbort', () => {
  it("aborts with the parent's reason, and lets go of the parent when undone", () => {
    const parent = new AbortController();
    const child = new AbortController();
    const unlink = linkAbort(parent.signal, child);
    expect(getEventListeners(parent.signal, 'abort')).toHaveLength(1);
    parent.abort(new Error('stop'));
    expect(child.signal.aborted).toBe(true);
    expect(child.signal.reason).toEqual(new Error('stop'));
    unlink();

    const other = new AbortController();
    const kept = new AbortController();
    linkAbort(other.signal, kept)();
    expect(getEventListeners(other.signal, 'abort')).toHaveLength(0);
    other.abort();
    expect(kept.signal.aborted).toBe(false);
  });

  it('aborts at once when the parent already has', () => {
    const child = new AbortController();
    linkAbort(AbortSignal.abort('gone'), child);
    expect(child.signal.reason).toBe('gone');
  });
});

describe('timedAbortScope', () => {
  it('times out with a TimeoutError and says so', async () => {
    const scope = timedAbortScope(20);
    await wait(60);
    expect(scope.signal.aborted).toBe(true);
    expect((scope.signal.reason as DOMException).name).toBe('TimeoutError');
    expect(scope.timedOut).toBe(true);
  });

  it('follows its parent without calling it a timeout', () => {
    const parent = new AbortController();
    const scope = timedAbortScope(10_000, parent.signal);
    parent.abort(new Error('cancelled'));
    expect(scope.signal.reason).toEqual(new Error('cancelled'));
    expect(scope.timedOut).toBe(false);
    scope.dispose();
  });

  it('once disposed, neither the timer nor the parent abort it, and the parent has no listener left', async () => {
    const parent = new AbortController();
    const scope = timedAbortScope(20, parent.signal);
    scope.dispose();
    expect(getEventListeners(parent.signal, 'abort')).toHaveLength(0);
    await wait(60);
    parent.abort();
    expect(scope.signal.aborted).toBe(false);
  });
});
