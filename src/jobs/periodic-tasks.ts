// Housekeeping that a process working jobs runs on a timer (recovering work whose worker died,
// pruning, compaction). Each task gets a signal aborted at `stop`, so one catching up on a backlog
// ends at its next check of it instead of running on while the database closes.
import type { Logger } from 'pino';

export type PeriodicTask = (signal: AbortSignal) => Promise<void>;

export interface PeriodicTasks<T extends string> {
  /** Registers `task` to run every `intervalMs` once started (and at once when started). */
  add(name: T, intervalMs: number, task: PeriodicTask): void;
  start(): void;
  /** Aborts the tasks' signal and waits for the running ones, at most `timeoutMs`. */
  stop(timeoutMs: number): Promise<void>;
}

export function periodicTasks<T extends string>(logger: Logger): PeriodicTasks<T> {
  const tasks = new Map<T, { intervalMs: number; task: PeriodicTask }>();
  const timers: NodeJS.Timeout[] = [];
  const running = new Set<Promise<void>>();
  let controller = new AbortController();
  let started = false;

  return {
    add(name, intervalMs, task) {
      tasks.set(name, { intervalMs, task });
    },

    start() {
      started = true;
      controller = new AbortController();
      const { signal } = controller;
      for (const [name, { intervalMs, task }] of tasks) {
        // A run still going when the next tick comes is not started again beside it.
        let busy = false;
        const tick = async () => {
          if (busy || !started) return;
          busy = true;
          const run = task(signal)
            .catch((err) => {
              if (!signal.aborted) logger.warn({ err, task: name }, 'periodic task failed');
            })
            .finally(() => {
              busy = false;
              running.delete(run);
            });
          running.add(run);
          await run;
        };
        timers.push(setInterval(tick, intervalMs));
        void tick();
      }
    },

    async stop(timeoutMs) {
      started = false;
      for (const timer of timers.splice(0)) clearInterval(timer);
      controller.abort(new Error('worker shutting down'));
      // One stuck (the database gone) is not waited for past the deadline.
      let waited: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.all(running),
        new Promise((resolve) => {
          waited = setTimeout(resolve, timeoutMs);
        }),
      ]);
      clearTimeout(waited);
    },
  };
}
