/**
 * A queue that runs at most `limit` tasks at once, in the order they are handed to it — for work
 * that arrives over time (a section's fact check as each section is written) as for a list known
 * up front (mapBounded).
 */
export function boundedQueue(limit: number): <R>(task: () => Promise<R>) => Promise<R> {
  const max = Math.max(1, limit);
  let running = 0;
  const waiting: Array<() => void> = [];
  return async (task) => {
    // A finished task hands its slot to the next waiting one, so none can slip in between.
    if (running >= max) await new Promise<void>((resolve) => waiting.push(resolve));
    else running++;
    try {
      return await task();
    } finally {
      const wake = waiting.shift();
      if (wake) wake();
      else running--;
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
