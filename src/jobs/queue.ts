// The job queue: pg-boss on the application's own database, PGlite or PostgreSQL alike, so a job
// is a row that survives the process that took it. The job types and their payload schemas are in
// job-map.ts; the edges that work jobs give each a handler (jobs/register.ts) and `start({ work: true })`.
import PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import { Counter, Gauge } from 'prom-client';
import { z } from 'zod';
import type { Database } from '../db/client.ts';
import { reclaimDeletedSpace } from '../db/embedded-autovacuum.ts';
import { underMigrationLock } from '../db/migrate.ts';
import { isDatabaseUnavailable } from '../db/unavailable.ts';
import { metricsRegistry } from '../observability/metrics.ts';
import { captureJobFailure } from '../observability/sentry.ts';
import { afterPendingIo } from '../when-idle.ts';
import type { AppJobs, AppPeriodicTask } from './job-map.ts';
import type { JobInput, JobPayload, JobSpec, JobSpecs } from './job-spec.ts';
import { type PeriodicTask, periodicTasks } from './periodic-tasks.ts';
import { pgExecutor } from './pg-adapter.ts';
import { pgliteExecutor } from './pglite-adapter.ts';

export interface JobContext<T> {
  id: string;
  name: string;
  /** The payload, parsed with the job's schema. */
  data: T;
  /** 0 on the first run, then 1, 2 … on retries (and after a crashed worker's job expired). */
  retryCount: number;
  signal: AbortSignal;
}

export interface WorkerOptions {
  /** Jobs of this type one process runs at once (default 1). */
  concurrency?: number;
}

export interface EnqueueOptions {
  /** Run no earlier than this. */
  startAfter?: Date | number;
}

export interface JobQueue<M extends JobSpecs = AppJobs, T extends string = AppPeriodicTask> {
  /** Gives this process the handler of a job type; every job type needs one before `start({ work: true })`. */
  handle<N extends keyof M & string>(
    name: N,
    handler: (job: JobContext<JobPayload<M, N>>) => Promise<void>,
    options?: WorkerOptions,
  ): void;
  /** Creates the queues of every job type; with `work`, also starts working them. */
  start(opts: { work: boolean }): Promise<void>;
  /** Queues a job; the payload is checked against the job's schema before it is stored. */
  send<N extends keyof M & string>(name: N, payload: JobInput<M, N>, opts?: EnqueueOptions): Promise<string>;
  getJob(
    name: keyof M & string,
    id: string,
  ): Promise<{ id: string; state: string; retryCount: number; output: unknown } | null>;
  /** Queued jobs per queue. */
  depth(): Promise<Record<string, number>>;
  /** Seconds the oldest job ready to run has waited, per queue (0 when none waits). */
  oldestWaitingSeconds(): Promise<Record<string, number>>;
  /**
   * Runs `task` every `intervalMs` in processes that work jobs (from `start({ work: true })` until
   * `stop`): housekeeping such as recovering work whose worker died. `signal` is aborted by `stop`,
   * which waits for running tasks: one that runs long (catching up on a backlog) ends at its next
   * check of it, before the database closes.
   */
  repeat(name: T, intervalMs: number, task: PeriodicTask): void;
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
const liveQueues = new Set<Pick<JobQueue<JobSpecs, string>, 'depth' | 'oldestWaitingSeconds'>>();
new Gauge({
  name: 'jobs_queue_depth',
  help: 'Jobs waiting in each queue',
  labelNames: ['queue'],
  registers: [metricsRegistry],
  async collect() {
    // A queue whose depth cannot be read now has no sample rather than its last one: a frozen depth
    // fed the autoscaler, and a frozen age could never raise the backlog alert during an outage.
    this.reset();
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
    this.reset();
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

type QueuePolicy = Required<Omit<JobSpec, 'payload' | 'turnsBy'>>;

interface Handler {
  run: (job: JobContext<unknown>) => Promise<void>;
  concurrency: number;
}

export interface JobQueueDeps<M extends JobSpecs> {
  database: Database;
  logger: Logger;
  /** The job types this queue carries (the application's: `appJobs` from job-map.ts). */
  jobs: M;
  pollingIntervalSeconds?: number;
  /** How often expired jobs (of crashed workers) are put back for retry; default 30 s. */
  maintenanceIntervalSeconds?: number;
}

const policyOf = (spec: JobSpec): QueuePolicy => ({
  retryLimit: spec.retryLimit ?? 3,
  retryDelay: spec.retryDelay ?? 5,
  retryBackoff: spec.retryBackoff ?? true,
  expireInSeconds: spec.expireInSeconds ?? 15 * 60,
});

/** A payload that does not match its job's schema: a programming error, reported with the job's name. */
function checkedPayload(spec: JobSpec, name: string, payload: unknown): unknown {
  const parsed = spec.payload.safeParse(payload);
  if (!parsed.success) throw new Error(`Invalid ${name} job payload: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

export function createJobQueue<M extends JobSpecs = AppJobs, T extends string = AppPeriodicTask>(
  deps: JobQueueDeps<M>,
): JobQueue<M, T> {
  const { database, logger } = deps;
  let stopping = false;
  const boss = new PgBoss({
    ...(database.kind === 'pglite'
      ? { db: pgliteExecutor(database) }
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
  // PGlite runs no autovacuum: the jobs pg-boss's maintenance archives (12 hours after they end) and
  // later deletes from its archive would keep their space for ever. Vacuumed after a maintenance
  // pass, at most once an hour (and at the first, for what earlier processes left).
  let reclaimedAt = 0;
  let reclaiming: Promise<void> = Promise.resolve();
  if (database.kind === 'pglite')
    boss.on('maintenance', () => {
      if (stopping || Date.now() - reclaimedAt < 3600_000) return;
      reclaimedAt = Date.now();
      reclaiming = reclaimDeletedSpace(database, 'queue').catch((err) =>
        logger.warn({ err }, 'job queue: vacuum failed'),
      );
    });
  const specs: JobSpecs = deps.jobs;
  const handlers = new Map<string, Handler>();
  const running = new Set<AbortController>();
  const periodic = periodicTasks<T>(logger);
  // This process's pg-boss workers per job type, and whether each is running a job now.
  const localWorkers = new Map<string, Array<{ id: string; busy: boolean }>>();
  let started = false;
  // Where the search for an idle worker starts: jobs sent back to back wake different workers.
  let wakeCursor = 0;

  function wakeIdleWorker(name: string) {
    const workers = localWorkers.get(name) ?? [];
    for (let k = 0; k < workers.length; k++) {
      const worker = workers[(wakeCursor + k) % workers.length]!;
      if (worker.busy) continue;
      wakeCursor = (wakeCursor + k + 1) % workers.length;
      boss.notifyWorker(worker.id);
      return;
    }
  }

  const queue: JobQueue<M, T> = {
    handle(name, handler, options = {}) {
      handlers.set(name, {
        run: handler as Handler['run'],
        concurrency: options.concurrency ?? 1,
      });
    },

    async start({ work }) {
      const unhandled = Object.keys(specs).filter((name) => !handlers.has(name));
      // A worker without a handler would leave those jobs queued forever, silently.
      if (work && unhandled.length > 0)
        throw new Error(
          `No handler for the job types ${unhandled.join(', ')} (register them before working)`,
        );
      // pg-boss creates its schema and queues when it finds them missing: two processes starting
      // together on a new database both did, and one failed.
      await underMigrationLock(database, async () => {
        await boss.start();
        for (const [name, spec] of Object.entries(specs)) {
          const policy = policyOf(spec);
          await boss.createQueue(name, { name, ...policy });
          await boss.updateQueue(name, { name, ...policy });
        }
      });
      started = true;
      liveQueues.add(queue);
      for (const [name, spec] of Object.entries(specs)) {
        const handler = handlers.get(name);
        if (!work || !handler) continue;
        for (let i = 0; i < handler.concurrency; i++) {
          const worker = { id: '', busy: false };
          worker.id = await boss.work<object>(
            name,
            { batchSize: 1, pollingIntervalSeconds: deps.pollingIntervalSeconds ?? 1, includeMetadata: true },
            async (jobs) => {
              worker.busy = true;
              try {
                for (const job of jobs) {
                  // On the embedded database a job's first statements (claiming the run, starting
                  // its first step) run on this thread as one chain of promise callbacks, during
                  // which no request is even read: the client's next request, typically the event
                  // stream it opens right after queueing an article, would wait for that chain
                  // (~14 ms on the article-pipeline bench).
                  await afterPendingIo();
                  await run(name, spec, handler, job as PgBoss.JobWithMetadata<object>);
                }
              } finally {
                worker.busy = false;
                // pg-boss waits out the rest of its polling interval after each job, so a backlog
                // of short jobs (documents: tens of ms each) drained at one a second per worker.
                // Notified, it asks for the next job at once; only an empty answer waits.
                if (started) boss.notifyWorker(worker.id);
              }
            },
          );
          localWorkers.set(name, [...(localWorkers.get(name) ?? []), worker]);
        }
      }
      if (work) periodic.start();
    },

    repeat(name, intervalMs, task) {
      periodic.add(name, intervalMs, task);
    },

    async send(name, payload, opts = {}) {
      const spec = specs[name];
      if (!spec) throw new Error(`Unknown job type ${name}`);
      const data = checkedPayload(spec, name, payload) as Record<string, unknown>;
      const group = spec.turnsBy === undefined ? undefined : data[spec.turnsBy];
      const id = await boss.send(name, data, {
        ...(typeof group === 'string' && { priority: await turnPriority(name, spec.turnsBy!, group) }),
        ...(opts.startAfter && {
          startAfter: opts.startAfter instanceof Date ? opts.startAfter : new Date(opts.startAfter),
        }),
      });
      if (!id) throw new Error(`The ${name} job was not queued`);
      // An idle worker of this process takes it now instead of at its next poll (up to a second
      // later). One, not all: each woken worker asks the database for a job, and on the embedded
      // database those statements queue in front of the one that takes it. Busy workers look for
      // the next job as soon as they finish theirs (`start` notifies them).
      if (!opts.startAfter) wakeIdleWorker(name);
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
      for (const name of Object.keys(specs)) out[name] = await boss.getQueueSize(name);
      return out;
    },

    async oldestWaitingSeconds() {
      const out: Record<string, number> = {};
      if (!started) return out;
      for (const name of Object.keys(specs)) out[name] = 0;
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
      // Told to stop, a periodic task ends at its next check; the wait for it comes after the jobs'.
      const tasksStopped = periodic.stop(timeoutMs);
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
      await tasksStopped;
      await reclaiming;
    },
  };

  /**
   * Turns between groups through pg-boss's priority (workers take the highest first, then the
   * oldest): a job goes one step below the last of its group's waiting jobs, or level with the job
   * next in line when its group has none waiting. So each group's jobs stay in their order, and a
   * group that joins a backlog waits for one job of each other group, not for all of them (start-time
   * fair queueing, with the priority as the virtual time). Two jobs of a group sent at the same
   * moment may get the same step; they then go by age, as before.
   */
  async function turnPriority(name: string, field: string, group: string): Promise<number> {
    // One scan of the waiting jobs (0.14 ms on the embedded database; two subqueries took 0.53).
    const { rows } = await database.query<{ priority: number | string }>(
      `SELECT COALESCE(min(priority) FILTER (WHERE data->>$2 = $3) - 1, max(priority), 0) AS priority
         FROM pgboss.job WHERE name = $1 AND state < 'active'`,
      [name, field, group],
    );
    return Number(rows[0]?.priority ?? 0);
  }

  async function run(name: string, spec: JobSpec, handler: Handler, job: PgBoss.JobWithMetadata<object>) {
    const controller = new AbortController();
    running.add(controller);
    try {
      // Checked here too: a job stored by an older release (or by hand) fails visibly, not halfway.
      await handler.run({
        id: job.id,
        name,
        data: checkedPayload(spec, name, job.data),
        retryCount: job.retryCount,
        signal: controller.signal,
      });
      processed.inc({ queue: name, status: 'completed' });
    } catch (err) {
      processed.inc({
        queue: name,
        status: job.retryCount >= policyOf(spec).retryLimit ? 'failed' : 'retried',
      });
      logger.warn({ err, job: job.id, queue: name, retryCount: job.retryCount }, 'job failed');
      captureJobFailure(err, { queue: name, job: job.id });
      throw err;
    } finally {
      running.delete(controller);
    }
  }

  return queue;
}
