// Work that is needed soon but not now (loading a parser, warming a cache) is best done while this
// thread waits on the network — a model call in flight — and worst done just before a request it
// would hold back. A fixed delay guesses when that wait begins; the event loop knows.
import { performance } from 'node:perf_hooks';

export interface WhenIdleOptions {
  /** How long the thread must have been (almost) idle, in milliseconds (default 10). */
  quietMs?: number;
  /** Runs anyway after this long, so a thread that never rests still gets it done (default 2 s). */
  maxWaitMs?: number;
}

const pollMs = 3;
// Below this share of busy time an interval counts as idle: timers and a few socket reads only.
const idleUtilization = 0.2;

/**
 * Calls `work` once the event loop has spent `quietMs` waiting rather than running callbacks, or
 * after `maxWaitMs` whatever it was doing. The polling timers do not keep the process alive.
 */
export function whenIdle(work: () => void, options: WhenIdleOptions = {}): void {
  const quietMs = options.quietMs ?? 10;
  const deadline = performance.now() + (options.maxWaitMs ?? 2000);
  let last = performance.eventLoopUtilization();
  let quiet = 0;
  const poll = () => {
    const now = performance.eventLoopUtilization();
    const interval = performance.eventLoopUtilization(now, last);
    last = now;
    quiet = interval.utilization < idleUtilization ? quiet + interval.idle + interval.active : 0;
    if (quiet >= quietMs || performance.now() >= deadline) work();
    else setTimeout(poll, pollMs).unref();
  };
  setTimeout(poll, pollMs).unref();
}

/** Resolves once the thread has idled `quietMs` (a hand-over's burst of work is done), or after `maxWaitMs`. */
export function idleMoment(options: WhenIdleOptions = {}): Promise<void> {
  return new Promise((resolve) => whenIdle(resolve, options));
}

/**
 * Resolves once the event loop has handled what waits on this process's sockets — a poll phase lies
 * between two check phases. Work about to hold the thread for a while (a chain of statements on the
 * embedded database) goes after it, so that requests just made have connected and gone out, and
 * requests just received have been read, rather than waiting for that work.
 */
export const afterPendingIo = () => new Promise<void>((resolve) => setImmediate(() => setImmediate(resolve)));
