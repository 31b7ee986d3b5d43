// The job queue: pg-boss on the application's own database, PGlite or PostgreSQL alike, so a job
// is a row that survives the process that took it. Domains define typed jobs; the edges decide
// whether this process also works them (`start({ work: true })`).
import PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import { Counter, Gauge } from 'prom-client';
import type { Database } from '../db/client.ts';
import { isDatabaseUnavailable } from '../db/unavailable.ts';
import { metricsRegistry } from '../observability/metrics.ts';
import { pgliteExecutor } from './pglite-adapter.ts';

export interface JobContext<T> {
  id: string;
  name: string;
  data: T;
  /** 0 on the first run, then 1, 2 … on retries (and after a crashed worker's job expired). */
  retryCount: number;
  signal: AbortSignal;
}

export interface JobOptions {
  /** Retries after the first failure (default 3). */
  retryLimit?: number;
  /** Seconds before the first retry (default 5); doubled each time with `retryBackoff`. */
  retryDelay?: number;
  retryBackoff?: boolean;
  /** A job running longer than this is considered lost (its worker died) and retried. */
  expireInSeconds?: number;
  /** Jobs of this type one process runs at once. */
  concurrency?: number;
}

export interface EnqueueOptions {
  /** Run no earlier than this. */
  startAfter?: Date | number;
}

export interface JobQueue {
  defineJob<T extends object>(
    name: string,
    handler: (job: JobContext<T>) => Promise<void>,
    options?: JobOptions,
  ): void;
  /** Creates the queues; with `work`, also starts working every defined job. */
  start(opts: { work: boolean }): Promise<void>;
  enqueue<T extends object>(name: string, data: T, opts?: EnqueueOptions): Promise<string>;
  getJob(
    name: string,
    id: string,
  ): Promise<{ id: string; state: string; retryCount: number; output: unknown } | null>;
  /** Queued jobs per queue. */
  depth(): Promise<Record<string, number>>;
  /** Seconds the oldest job ready to run has waited, per queue (0 when none waits). */
  oldestWaitingSeconds(): Promise<Record<string, number>>;
  /**
   * Runs `task` every `intervalMs` in processes that work jobs (from `start({ work: true })` until
   * `stop`): housekeeping such as recovering work whose worker died.
   */
  repeat(name: string, intervalMs: number, task: () => Promise<void>): void;
  /** Stops taking jobs; waits for the running ones up to `timeoutMs`, then releases them. */
  stop(timeoutMs?: number): Promise<void>;
}

const processed = new Counter({
  name: 'jobs_processed_total',
  help: 'Jobs finished by this process, by queue and outcome',
  labelNames: ['queue', 'status'],
  registers: [metricsRegistry],
});

// Queues of this process, for the depth gauge (collected when /metrics is scraped).
const liveQueues = new Set<JobQueue>();
new Gauge({
  name: 'jobs_queue_depth',
  help: 'Jobs waiting in each queue',
  labelNames: ['queue'],
  registers: [metricsRegistry],
  async collect() {
    for (const q of liveQueues) {
      try {
        for (const [name, size] of Object.entries(await q.depth())) this.set({ queue: name }, size);
      } catch {
        // A scrape must not fail because the database is briefly unreachable.
      }
    }
  },
});

// The backlog alert and the worker autoscaler need how long work waits, not only how much.
new Gauge({
  name: 'jobs_oldest_waiting_seconds',
  help: 'Age of the oldest job ready to run in each queue (0 when none waits)',
  labelNames: ['queue'],
  registers: [metricsRegistry],
  async collect() {
    for (const q of liveQueues) {
      try {
        for (const [name, age] of Object.entries(await q.oldestWaitingSeconds()))
          this.set({ queue: name }, age);
      } catch {
        // As above: a scrape never fails on a database hiccup.
      }
    }
  },
});

interface Definition {
  handler: (job: JobContext<object>) => Promise<void>;
  options: Required<Omit<JobOptions, 'expireInSeconds'>> & { expireInSeconds: number };
}

export interface JobQueueDeps {
  database: Database;
  logger: Logger;
  pollingIntervalSeconds?: number;
  /** How often expired jobs (of crashed workers) are put back for retry; default 30 s. */
  maintenanceIntervalSeconds?: number;
}

export function createJobQueue(deps: JobQueueDeps): JobQueue {
  const { database, logger } = deps;
  let stopping = false;
  const boss = new PgBoss({
    ...(database.kind === 'pglite'
      ? { db: pgliteExecutor(database.pglite!) }
      : { db: pgExecutor(database, logger, () => stopping) }),
    schema: 'pgboss',
    // Expired (crashed) jobs must be noticed quickly; maintenance is cheap.
    maintenanceIntervalSeconds: deps.maintenanceIntervalSeconds ?? 30,
    monitorStateIntervalSeconds: 30,
    schedule: false,
  });
  // Polling and maintenance errors (a database outage among them) arrive here; pg-boss keeps its
  // loops running and picks up again when the database is back. A line a minute, not one per poll.
  let outageLoggedAt = 0;
  boss.on('error', (err) => {
    if (!isDatabaseUnavailable(err)) return void logger.error({ err }, 'job queue error');
    if (Date.now() - outageLoggedAt < 60_000) return;
    outageLoggedAt = Date.now();
    logger.warn({ err }, 'job queue: database unavailable, retrying until it returns');
  });
  const definitions = new Map<string, Definition>();
  const running = new Set<AbortController>();
  const repeated = new Map<string, { intervalMs: number; task: () => Promise<void> }>();
  const timers: NodeJS.Timeout[] = [];
  const localWorkers = new Map<string, string[]>();
  let started = false;

  const queue: JobQueue = {
    defineJob(name, handler, options = {}) {
      definitions.set(name, {
        handler: handler as Definition['handler'],
        options: {
          retryLimit: options.retryLimit ?? 3,
          retryDelay: options.retryDelay ?? 5,
          retryBackoff: options.retryBackoff ?? true,
          expireInSeconds: options.expireInSeconds ?? 15 * 60,
          concurrency: options.concurrency ?? 1,
        },
      });
    },

    async start({ work }) {
      await boss.start();
      started = true;
      liveQueues.add(queue);
      for (const [name, def] of definitions) {
        const { concurrency, ...queueOptions } = def.options;
        await boss.createQueue(name, { name, ...queueOptions });
        await boss.updateQueue(name, { name, ...queueOptions });
        if (!work) continue;
        for (let i = 0; i < concurrency; i++) {
          const workerId = await boss.work<object>(
            name,
            { batchSize: 1, pollingIntervalSeconds: deps.pollingIntervalSeconds ?? 1, includeMetadata: true },
            async (jobs) => {
              for (const job of jobs) await run(name, def, job as PgBoss.JobWithMetadata<object>);
            },
          );
          localWorkers.set(name, [...(localWorkers.get(name) ?? []), workerId]);
        }
      }
      if (!work) return;
      for (const [name, { intervalMs, task }] of repeated) {
        let busy = false;
        const tick = async () => {
          if (busy || !started) return;
          busy = true;
          try {
            await task();
          } catch (err) {
            logger.warn({ err, task: name }, 'periodic task failed');
          } finally {
            busy = false;
          }
        };
        timers.push(setInterval(tick, intervalMs));
        void tick();
      }
    },

    repeat(name, intervalMs, task) {
      repeated.set(name, { intervalMs, task });
    },

    async enqueue(name, data, opts = {}) {
      if (!definitions.has(name)) throw new Error(`Unknown job type ${name}`);
      const id = await boss.send(name, data, {
        ...(opts.startAfter && {
          startAfter: opts.startAfter instanceof Date ? opts.startAfter : new Date(opts.startAfter),
        }),
      });
      if (!id) throw new Error(`The ${name} job was not queued`);
      // A worker of this process takes it now instead of at its next poll (up to a second later).
      if (!opts.startAfter) for (const worker of localWorkers.get(name) ?? []) boss.notifyWorker(worker);
      return id;
    },

    async getJob(name, id) {
      const job = await boss.getJobById<object>(name, id, { includeArchive: true });
      return job ? { id: job.id, state: job.state, retryCount: job.retryCount, output: job.output } : null;
    },

    async depth() {
      const out: Record<string, number> = {};
      // Queues exist once start() has run; before that nothing can be waiting in them.
      if (!started) return out;
      for (const name of definitions.keys()) out[name] = await boss.getQueueSize(name);
      return out;
    },

    async oldestWaitingSeconds() {
      const out: Record<string, number> = {};
      if (!started) return out;
      for (const name of definitions.keys()) out[name] = 0;
      // pg-boss keeps every job in pgboss.job; `created` and `retry` ones whose start time has come wait for a worker.
      const { rows } = await database.query<{ name: string; age: number | string }>(
        `SELECT name, EXTRACT(EPOCH FROM now() - min(start_after)) AS age FROM pgboss.job
          WHERE state IN ('created', 'retry') AND start_after <= now() GROUP BY name`,
      );
      for (const row of rows) if (row.name in out) out[row.name] = Math.max(0, Number(row.age));
      return out;
    },

    async stop(timeoutMs = 10_000) {
      if (!started) return;
      started = false;
      stopping = true;
      for (const timer of timers.splice(0)) clearInterval(timer);
      localWorkers.clear();
      liveQueues.delete(queue);
      // Jobs still running at the deadline are aborted; pg-boss leaves them active, and they
      // are retried once they expire, so nothing is lost.
      const abortTimer = setTimeout(
        () => {
          for (const c of running) c.abort(new Error('worker shutting down'));
        },
        Math.max(0, timeoutMs - 1000),
      );
      await boss.stop({ graceful: true, wait: true, timeout: timeoutMs });
      clearTimeout(abortTimer);
    },
  };

  async function run(name: string, def: Definition, job: PgBoss.JobWithMetadata<object>) {
    const controller = new AbortController();
    running.add(controller);
    try {
      await def.handler({
        id: job.id,
        name,
        data: job.data,
        retryCount: job.retryCount,
        signal: controller.signal,
      });
      processed.inc({ queue: name, status: 'completed' });
    } catch (err) {
      processed.inc({ queue: name, status: job.retryCount >= def.options.retryLimit ? 'failed' : 'retried' });
      logger.warn({ err, job: job.id, queue: name, retryCount: job.retryCount }, 'job failed');
      throw err;
    } finally {
      running.delete(controller);
    }
  }

  return queue;
}

// pg-boss records a job's outcome (complete/fail) without awaiting it: while PostgreSQL is down
// that rejection would be unhandled and end the process. Those statements instead wait for the
// database to come back (so the outcome is recorded and a failed job retried promptly); once the
// queue stops they give up quietly, and the job, still active, is retried when it expires.
const isJobSettlement = (text: string) =>
  /SET completed_on = now\(\)/.test(text) ||
  (/deleted_jobs/.test(text) && /UNNEST\(\$2::uuid\[\]\)/.test(text));

function pgExecutor(database: Database, logger: Logger, isStopping: () => boolean) {
  const query = async (text: string, values: unknown[]) => {
    const r = await database.pool!.query(text, values);
    return { rows: r.rows };
  };
  return {
    async executeSql(text: string, values: unknown[] = []) {
      if (!isJobSettlement(text)) return query(text, values);
      for (let attempt = 0; ; attempt++) {
        try {
          return await query(text, values);
        } catch (err) {
          if (!isDatabaseUnavailable(err)) throw err;
          if (isStopping()) {
            logger.warn(
              { err },
              'could not record a job outcome before stopping; it is retried once it expires',
            );
            return { rows: [{ count: 0 }] };
          }
          if (attempt === 0) logger.warn({ err }, 'database unavailable: job outcome waits for it to return');
          await new Promise((resolve) => setTimeout(resolve, Math.min(1000 * 2 ** attempt, 10_000)));
        }
      }
    },
  };
}
