// A queue that runs at most `limit` tasks at once, in the order they are handed to it — for work
// that arrives over time (a section's fact check as each section is written) as for a list known
// up front (mapBounded). When tasks wait and carry keys (a workspace, say), they take turns across
// the keys rather than arrival order: one key's pile of slow tasks — a member's ten crafted
// documents, a minute each in the one document-reading process — then delays another key's next
// task by one task, not by the whole pile. How many may wait, per key and in all, can be bounded,
// so waiting tasks (and what they hold) cannot grow without end.
import { AppError } from './errors.ts';
import { Turns } from './turns.ts';

/** A task could not wait: too many of its key's, or in all, are waiting. */
export class QueueFullError extends Error {
  readonly scope: 'key' | 'all';
  constructor(scope: 'key' | 'all', waiting: number) {
    super(
      scope === 'key'
        ? `${waiting} tasks of the same kind are already waiting`
        : `${waiting} tasks are already waiting`,
    );
    this.name = 'QueueFullError';
    this.scope = scope;
  }
}

/**
 * A task that could not wait, as a request's answer: 429 when its key already had its share waiting,
 * 503 when the queue was full; either says when to try again.
 */
export function refusalOf(
  err: QueueFullError,
  messages: { key: string; all: string },
  retryAfterSeconds: number,
): AppError {
  return err.scope === 'key'
    ? new AppError('rate_limited', messages.key, undefined, { retryAfterSeconds })
    : new AppError('unavailable', messages.all, undefined, { retryAfterSeconds });
}

export interface QueueTurn {
  key?: string;
  /** Most tasks of this key waiting; a task that would wait past it throws QueueFullError('key'). */
  maxWaitingForKey?: number;
  /**
   * Most tasks waiting in all; a task that would wait past it throws QueueFullError('all') — unless
   * its key has fewer waiting than the busiest key but one: then that key's newest waiting task
   * gives way (it throws instead), so keys with many waiting cannot fill the queue for the others.
   */
  maxWaiting?: number;
}

export type BoundedQueue = <R>(task: () => Promise<R>, turn?: QueueTurn) => Promise<R>;

export function boundedQueue(limit: number): BoundedQueue {
  const max = Math.max(1, limit);
  let running = 0;
  const waiting = new Turns<{ wake(): void; refuse(err: QueueFullError): void }>();

  const next = () => {
    const waiter = waiting.shift();
    if (waiter) waiter.wake();
    else running--;
  };

  return async (
    task,
    { key = '', maxWaitingForKey = Number.POSITIVE_INFINITY, maxWaiting = Number.POSITIVE_INFINITY } = {},
  ) => {
    if (running < max) running++;
    else {
      const ofKey = waiting.sizeOf(key);
      if (ofKey >= maxWaitingForKey) throw new QueueFullError('key', ofKey);
      if (waiting.size >= maxWaiting) {
        const busiest = waiting.busiest();
        if (!busiest || busiest.waiting <= ofKey + 1) throw new QueueFullError('all', waiting.size);
        waiting.pop(busiest.key)?.refuse(new QueueFullError('all', waiting.size));
      }
      // A finished task hands its slot to the next waiting one, so none can slip in between.
      await new Promise<void>((wake, refuse) => waiting.push(key, { wake, refuse }));
    }
    try {
      return await task();
    } finally {
      next();
    }
  };
}

/** Maps `items` through `work` with at most `limit` running at once, keeping input order. */
export function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const slot = boundedQueue(limit);
  return Promise.all(items.map((item, index) => slot(() => work(item, index))));
}
