// CPU-heavy work on untrusted input (web pages, uploaded documents) runs in worker processes, not on
// the thread that answers requests and follows live streams: a real input costs tens of milliseconds
// to seconds there, and crafted input can run for minutes or grow until it dies. Processes, not
// threads: a thread past its heap limit is ended only when V8 can give it 16 MB more to stop in, so
// one large allocation at the limit (a string or array that doubles) aborted the whole process —
// the server and everyone's requests with it (bench/RESULTS.md "A thread's heap limit could abort
// the server"). A process past its heap dies alone. Each task gets a time, and the process a heap
// and a bound on all it may grow by while it works; a task past any of them has its process ended
// (the next task starts a new one) and is refused, so no input can hold or crash the app.
import { type ChildProcess, fork } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { Readable } from 'node:stream';
import { boundedQueue, type QueueTurn } from './bounded.ts';
import { withCompileCache } from './compile-cache.ts';
import type { WorkerReply } from './worker-process.ts';

/** A task ran past its time or its process's memory, or its process died; the process was ended. */
export class WorkerLimitError extends Error {
  readonly limit: 'time' | 'memory' | 'crash';
  constructor(limit: 'time' | 'memory' | 'crash', message: string) {
    super(message);
    this.name = 'WorkerLimitError';
    this.limit = limit;
  }
}

export interface WorkerPoolOptions {
  /** The worker module; its default export is called with each task. */
  file: URL;
  /** At most this many processes (fewer on fewer cores: one core is left to the serving thread). */
  maxWorkers: number;
  /** The process's V8 heap (`--max-old-space-size`): past it the process dies, and only it. */
  heapMb: number;
  /**
   * All a process may grow by while it works, its heap included: typed arrays and buffers, which the
   * heap limit does not count (a 1 MB PDF whose stream inflates to 1 GB grew a process to 2.3 GB).
   */
  memoryMb: number;
  timeoutMs: number;
}

// How often a busy pool reads its processes' memory. Decoders fill it at ~100 MB/s, so a process is
// ended a few MB past its bound — or one buffer's doubling past it, for that moment.
const memoryWatchMs = 50;
// A worker process's young generation, per semi-space (see spawn).
const youngSemiSpaceMb = 8;
// A process no task has needed for this long is ended: an idle server or a finished command holds
// no parser.
const idleMs = 30_000;

export interface RunOptions extends QueueTurn {
  signal?: AbortSignal | undefined;
  timeoutMs?: number;
}

export interface WorkerPool<Task, Result> {
  /**
   * Runs `task` in a worker process; WorkerLimitError past the time (`timeoutMs` overrides the
   * pool's) or memory, or when the process dies. Waiting tasks take turns across their `key`s;
   * QueueFullError when it may not wait.
   */
  run(task: Task, options?: RunOptions): Promise<Result>;
  /**
   * Starts the processes (each loads its modules, 100–250 ms of a core) while the caller waits on
   * something else, so the first tasks find them ready.
   */
  warm(): void;
  /** Ends the processes (tests, and a process that must not wait for their idle timeout). */
  close(): Promise<void>;
}

type Ending = 'time' | 'memory' | 'aborted' | 'closed';

interface Pending {
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

interface Worker {
  child: ChildProcess;
  ready: Promise<void>;
  /** Resident memory (kB) once its modules were loaded; what a task grows it by is bounded. */
  baselineKb: number | undefined;
  pending: Pending | undefined;
  /** Why this pool ended it, if it did. */
  ending: Ending | undefined;
  idleTimer: NodeJS.Timeout | undefined;
  /** The last 2 kB it wrote to stderr: the reason when it dies unexpectedly. */
  stderrTail: string;
  exited: Promise<void>;
}

const processFile = workerFile(import.meta.url, 'worker-process');

// A worker process must not outlive the process it works for: one killed outright (SIGKILL, the
// OOM killer) leaves a busy worker's synchronous loop running — a crafted PDF, for minutes — with
// nobody left to end it at its time. On Linux the kernel can send a signal when the parent dies
// (PR_SET_PDEATHSIG), which Node does not expose; util-linux's `setpriv` (in every Debian, the image's
// base included) sets it and then executes node in its place: same PID, same IPC channel.
// One that cannot run here (it says so and exits before node starts) is not used again: a worker
// without the signal is better than none.
let setpriv =
  process.platform === 'linux' ? ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p)) : undefined;

/** Resident memory of a process in kB, where the system tells it (Linux); undefined elsewhere. */
function residentKb(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const match = /^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'latin1'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined; // no /proc (not Linux), or the process has ended
  }
}

export function workerPool<Task, Result>(options: WorkerPoolOptions): WorkerPool<Task, Result> {
  // On two cores one process: tasks one at a time, as before, but beside the serving thread.
  const size = Math.max(1, Math.min(options.maxWorkers, availableParallelism() - 1));
  // Tasks are handed to the processes as one frees up, so a task's time runs from when a process
  // takes it: tasks queued behind a hostile one keep all of theirs.
  const turns = boundedQueue(size);
  const workers = new Set<Worker>();
  const idle: Worker[] = [];
  let busy = 0;
  let watch: NodeJS.Timeout | undefined;

  const end = (worker: Worker, why: Ending) => {
    worker.ending ??= why;
    worker.child.kill('SIGKILL');
  };

  const watchMemory = () => {
    for (const worker of workers) {
      if (!worker.pending || worker.baselineKb === undefined || worker.ending) continue;
      const kb = residentKb(worker.child.pid);
      if (kb !== undefined && kb - worker.baselineKb > options.memoryMb * 1024) end(worker, 'memory');
    }
  };

  // Why a process with a task died, as the task's refusal.
  const refusal = (worker: Worker, code: number | null, signal: NodeJS.Signals | null, timeoutMs: number) => {
    switch (worker.ending) {
      case 'time':
        return new WorkerLimitError('time', `within ${timeoutMs / 1000} s`);
      case 'memory':
        return new WorkerLimitError('memory', `within ${options.memoryMb} MB of memory`);
      case 'closed':
        return new Error('the worker pool was closed');
    }
    // V8 aborts a process past its heap (SIGABRT), as it does past a string's or array's size.
    if (signal === 'SIGABRT' || code === 134)
      return new WorkerLimitError('memory', `within ${options.heapMb} MB of memory`);
    const how = signal ? `signal ${signal}` : `exit code ${code}`;
    // What it wrote last is for the operator (a module that failed to load, a native crash), not for
    // the member whose input it was reading.
    process.emitWarning(
      `a worker process of ${options.file.href} stopped (${how}): ${worker.stderrTail.trim()}`,
      {
        code: 'BLOGSMITH_WORKER_STOPPED',
      },
    );
    return new WorkerLimitError('crash', `because its worker process stopped (${how})`);
  };

  const rest = (worker: Worker) => {
    worker.child.unref();
    worker.child.channel?.unref();
    clearTimeout(worker.idleTimer);
    worker.idleTimer = setTimeout(() => end(worker, 'closed'), idleMs);
    worker.idleTimer.unref();
    idle.push(worker);
  };

  const spawn = (): Worker => {
    // Not the parent's flags (an inspector port, a heap of its own): only the heap this work gets,
    // and a young generation of 3 × 8 MB rather than V8's default for a process (an extractor's peak
    // after 34 pages 174–184 → 132 MB, at the same 15–24 ms a page: bench/RESULTS.md).
    const nodeFlags = [`--max-old-space-size=${options.heapMb}`, `--max-semi-space-size=${youngSemiSpaceMb}`];
    const child = fork(processFile, [options.file.href], {
      ...(setpriv
        ? { execPath: setpriv, execArgv: ['--pdeathsig', 'KILL', '--', process.execPath, ...nodeFlags] }
        : { execArgv: nodeFlags }),
      env: withCompileCache(process.env),
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let readied = false;
    let markReady: () => void = () => {};
    let markExited: () => void = () => {};
    let failReady: (err: unknown) => void = () => {};
    const worker: Worker = {
      child,
      ready: new Promise<void>((resolve, reject) => {
        markReady = resolve;
        failReady = reject;
      }),
      baselineKb: undefined,
      pending: undefined,
      ending: undefined,
      idleTimer: undefined,
      stderrTail: '',
      exited: new Promise<void>((resolve) => {
        markExited = resolve;
      }),
    };
    worker.ready.catch(() => {}); // a process that never starts fails its task, not the pool
    workers.add(worker);
    const stderr = child.stderr as (Readable & { unref?(): void }) | null;
    stderr?.setEncoding('utf8');
    stderr?.on('data', (text: string) => {
      worker.stderrTail = (worker.stderrTail + text).slice(-2048);
    });
    stderr?.unref?.();
    child.on('message', (message: WorkerReply) => {
      if ('ready' in message) {
        readied = true;
        worker.baselineKb = residentKb(child.pid);
        markReady();
        return;
      }
      const pending = worker.pending;
      if (!pending) return;
      worker.pending = undefined;
      if ('error' in message) pending.reject(Object.assign(new Error(message.error.message), message.error));
      else pending.resolve(message.result);
    });
    let exited = false;
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      if (exited) return;
      exited = true;
      workers.delete(worker);
      const at = idle.indexOf(worker);
      if (at >= 0) idle.splice(at, 1);
      clearTimeout(worker.idleTimer);
      failReady(new Error(`the worker process ended before it was ready (${signal ?? code})`));
      const pending = worker.pending;
      worker.pending = undefined;
      pending?.reject({ worker, code, signal });
      markExited();
    };
    child.once('exit', onExit);
    const through = setpriv;
    child.once('close', () => {
      if (through && !readied && /^setpriv:/m.test(worker.stderrTail)) setpriv = undefined;
    });
    // A process that could not be started may never report an exit; one that did will.
    child.once('error', () => (child.pid === undefined ? onExit(1, null) : child.kill('SIGKILL')));
    return worker;
  };

  const take = (): Worker => {
    const worker = idle.pop() ?? spawn();
    clearTimeout(worker.idleTimer);
    worker.child.ref();
    worker.child.channel?.ref();
    return worker;
  };

  const runOn = async (worker: Worker, task: Task, signal: AbortSignal | undefined, timeoutMs: number) => {
    const timer = setTimeout(() => end(worker, 'time'), timeoutMs);
    const onAbort = () => end(worker, 'aborted');
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const answer = new Promise<unknown>((resolve, reject) => {
        worker.pending = { resolve, reject };
      });
      // A process that dies first (before it was ready, or meanwhile) fails the answer by its exit.
      void worker.ready.then(
        // A send that fails means its channel closed: the process is ending, and its exit says why.
        () => worker.child.send({ task }, (err) => err && worker.child.kill('SIGKILL')),
        () => {},
      );
      return (await answer) as Result;
    } catch (err) {
      if (worker.ending === 'aborted' && signal?.aborted) throw signal.reason;
      const death = err as { worker?: Worker; code: number | null; signal: NodeJS.Signals | null };
      if (death?.worker === worker) throw refusal(worker, death.code, death.signal, timeoutMs);
      throw err;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (workers.has(worker) && !worker.ending) rest(worker);
    }
  };

  return {
    run(task, { signal, timeoutMs = options.timeoutMs, ...turn } = {}) {
      return turns(async () => {
        signal?.throwIfAborted();
        if (busy++ === 0) {
          watch = setInterval(watchMemory, memoryWatchMs);
          watch.unref();
        }
        try {
          return await runOn(take(), task, signal, timeoutMs);
        } finally {
          if (--busy === 0) clearInterval(watch);
        }
      }, turn);
    },
    warm() {
      for (let i = workers.size; i < size; i++) rest(spawn());
    },
    async close() {
      const all = [...workers];
      for (const worker of all) {
        worker.child.ref(); // an idle one is unreferenced: its exit must still be heard here
        end(worker, 'closed');
      }
      await Promise.all(all.map((w) => w.exited));
    },
  };
}

/** The worker module beside `from`: TypeScript in the source tree, the JavaScript built from it once installed. */
export function workerFile(from: string, name: string): URL {
  return new URL(from.endsWith('.ts') ? `./${name}.ts` : `./${name}.js`, from);
}
