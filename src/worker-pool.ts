// CPU-heavy work on untrusted input (web pages, uploaded documents) runs on worker threads, not on
// the thread that answers requests and follows live streams: a real input costs tens of milliseconds
// to seconds there, and crafted input can run for minutes or grow until the process dies. Each task
// gets a time and the thread a heap and a budget of memory outside it; a task past any of them has
// its thread ended (piscina starts a new one) and is refused, so no input can hold or crash the app.
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { Piscina } from 'piscina';
import { boundedQueue, type QueueTurn } from './bounded.ts';
import { lazyModule } from './lazy-module.ts';

// Loaded with the first task, not with the server.
const piscina = lazyModule<typeof import('piscina')>('piscina');

/** A task ran past its time or its thread's heap; the thread was ended. The message reads "within …". */
export class WorkerLimitError extends Error {
  readonly limit: 'time' | 'memory';
  constructor(limit: 'time' | 'memory', message: string) {
    super(message);
    this.name = 'WorkerLimitError';
    this.limit = limit;
  }
}

export interface WorkerPoolOptions {
  /** The worker module; its default export is called with each task. */
  file: URL;
  /** At most this many threads (fewer on fewer cores: one core is left to the serving thread). */
  maxThreads: number;
  heapMb: number;
  /**
   * Memory outside the heap a thread may hold: typed arrays and large strings, which V8's heap limit
   * does not count (a 1 MB PDF whose stream inflates to 1 GB grew the process to 2.3 GB).
   */
  externalMb: number;
  timeoutMs: number;
}

// How often a busy pool reads its threads' memory outside the heap. Decoders fill it at ~100 MB/s,
// so a thread is ended a few MB past its budget — or one buffer's doubling past it, the one step a
// thread takes without answering (a 256 MB budget: 768 MB at worst, for that moment).
const memoryWatchMs = 50;

export interface RunOptions extends QueueTurn {
  signal?: AbortSignal | undefined;
  timeoutMs?: number;
}

export interface WorkerPool<Task, Result> {
  /**
   * Runs `task` on a thread; WorkerLimitError past the time (`timeoutMs` overrides the pool's) or
   * memory. Waiting tasks take turns across their `key`s; QueueFullError when it may not wait.
   */
  run(task: Task, options?: RunOptions): Promise<Result>;
  /**
   * Starts the threads (each loads its modules, 100–250 ms of a core) while the caller waits on
   * something else, so the first tasks find them ready. The worker answers a `null` task with nothing.
   */
  warm(): void;
  /** Ends the threads (tests, and a process that must not wait for their idle timeout). */
  close(): Promise<void>;
}

export function workerPool<Task, Result>(options: WorkerPoolOptions): WorkerPool<Task, Result> {
  // On two cores one thread: tasks one at a time, as before, but beside the serving thread.
  const threads = Math.max(1, Math.min(options.maxThreads, availableParallelism() - 1));
  let pool: Piscina<Task | null, Result> | undefined;
  // Tasks are handed to the threads as one frees up, so a task's time runs from when a thread takes
  // it: tasks queued behind a hostile one keep all of theirs.
  const turns = boundedQueue(threads);
  const externalBytes = options.externalMb * 1024 * 1024;
  // Threads ended here for their memory outside the heap: a task whose thread exits after one was
  // ended is refused as a limit (only that thread's task sees its exit).
  const endedForMemory = new WeakSet<Worker>();
  let memoryEnds = 0;
  let busy = 0;
  let watch: NodeJS.Timeout | undefined;
  const watchMemory = () => {
    for (const thread of pool?.threads ?? []) {
      // Answered by the thread between two steps of its JavaScript, even in a long synchronous task.
      thread.getHeapStatistics().then(
        (stats) => {
          if (stats.external_memory <= externalBytes || endedForMemory.has(thread)) return;
          endedForMemory.add(thread);
          memoryEnds++;
          void thread.terminate();
        },
        () => {}, // the thread has ended already
      );
    }
  };

  const started = () => {
    pool ??= new (piscina().Piscina)({
      filename: options.file.href,
      maxThreads: threads,
      // Threads end after a quiet half minute (and never keep the process alive): an idle server or
      // a finished command holds no parser.
      minThreads: 0,
      idleTimeout: 30_000,
      resourceLimits: { maxOldGenerationSizeMb: options.heapMb },
    });
    return pool;
  };

  return {
    run(task, { signal, timeoutMs = options.timeoutMs, ...turn } = {}) {
      return turns(async () => {
        signal?.throwIfAborted();
        const timeout = AbortSignal.timeout(timeoutMs);
        const endsBefore = memoryEnds;
        if (busy++ === 0) {
          watch = setInterval(watchMemory, memoryWatchMs);
          watch.unref();
        }
        try {
          return await started().run(task, { signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
        } catch (err) {
          if (timeout.aborted && !signal?.aborted)
            throw new WorkerLimitError('time', `within ${timeoutMs / 1000} s`);
          if ((err as { code?: unknown }).code === 'ERR_WORKER_OUT_OF_MEMORY')
            throw new WorkerLimitError('memory', `within ${options.heapMb} MB of memory`);
          if (memoryEnds > endsBefore && /^worker exited/.test((err as Error).message))
            throw new WorkerLimitError('memory', `within ${options.externalMb} MB of buffer memory`);
          throw err;
        } finally {
          if (--busy === 0) clearInterval(watch);
        }
      }, turn);
    },
    warm() {
      const all = started();
      for (let i = all.threads.length; i < threads; i++) all.run(null).catch(() => {});
    },
    async close() {
      const closing = pool;
      pool = undefined;
      await closing?.destroy();
    },
  };
}

/** The worker module beside `from`: TypeScript in the source tree, the JavaScript built from it once installed. */
export function workerFile(from: string, name: string): URL {
  return new URL(from.endsWith('.ts') ? `./${name}.ts` : `./${name}.js`, from);
}
