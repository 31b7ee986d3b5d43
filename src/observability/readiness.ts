// Readiness checks: a small registry of named probes. A failing `required` check makes the
// process not ready (503); a failing optional one only marks it degraded (200).

import type { Logger } from 'pino';
import { Gauge } from 'prom-client';
import type { Redis } from '../cache/redis.ts';
import type { Database } from '../db/client.ts';
import { errorMessage } from '../errors.ts';
import type { JobQueue } from '../jobs/queue.ts';
import { metricsRegistry } from './metrics.ts';

export type CheckStatus = 'ok' | 'degraded' | 'error';

export interface CheckResult {
  status: CheckStatus;
  [detail: string]: unknown;
}

export interface ReadinessCheck {
  name: string;
  /** A required dependency down → 503; an optional one down → degraded. */
  required: boolean;
  run(): Promise<CheckResult>;
}

export interface ReadinessReport {
  status: CheckStatus;
  checks: Record<string, CheckResult>;
}

// Health probes must answer even when a dependency hangs.
const checkTimeoutMs = 3000;

export class ReadinessRegistry {
  readonly #checks = new Map<string, ReadinessCheck>();

  /** Adds (or replaces) a named check, e.g. `registry.add({ name: 'queue', required: false, run })`. */
  add(check: ReadinessCheck): void {
    this.#checks.set(check.name, check);
  }

  async report(): Promise<ReadinessReport> {
    const entries = await Promise.all(
      [...this.#checks.values()].map(async (check) => [check, await runBounded(check)] as const),
    );
    let status: CheckStatus = 'ok';
    const checks: Record<string, CheckResult> = {};
    for (const [check, result] of entries) {
      checks[check.name] = result;
      if (result.status === 'ok') continue;
      if (check.required && result.status === 'error') status = 'error';
      else if (status === 'ok') status = 'degraded';
    }
    return { status, checks };
  }
}

async function runBounded(check: ReadinessCheck): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => resolve({ status: 'error', timed_out: true }), checkTimeoutMs);
  });
  try {
    return await Promise.race([
      // Failure details go to the log, not to an unauthenticated endpoint.
      check.run().catch((): CheckResult => ({ status: 'error' })),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

const elapsedMs = (start: bigint) => Math.round(Number(process.hrtime.bigint() - start) / 1e4) / 100;

// The readiness of this process's dependencies as a metric (1 up, 0 down), checked at scrape time,
// so "database down" and "Redis down" alert from Prometheus rather than only from the probe.
let exported: ReadinessRegistry | undefined;
new Gauge({
  name: 'dependency_up',
  help: 'Whether a dependency answers its readiness check (1) or not (0): database, queue, redis',
  labelNames: ['dependency'],
  registers: [metricsRegistry],
  async collect() {
    if (!exported) return;
    const report = await exported.report();
    for (const [name, result] of Object.entries(report.checks)) {
      if (name === 'pgvector') continue; // an optional extension, not a service that goes down
      this.set({ dependency: name }, result.status === 'error' ? 0 : 1);
    }
  },
});

/** The checks every process has: database (required), pgvector and Redis (optional). */
export interface ReadinessDeps {
  database: Database;
  queue: Pick<JobQueue, 'depth'>;
  logger: Pick<Logger, 'warn'>;
  redis?: Pick<Redis, 'ping'>;
}

export function createReadiness(runtime: ReadinessDeps): ReadinessRegistry {
  const registry = new ReadinessRegistry();
  const { database, redis } = runtime;
  registry.add({
    name: 'database',
    required: true,
    async run() {
      const start = process.hrtime.bigint();
      try {
        await database.query('SELECT 1');
        return { status: 'ok', latency_ms: elapsedMs(start), kind: database.kind };
      } catch (err) {
        runtime.logger.warn({ err: errorMessage(err) }, 'readiness: database check failed');
        return { status: 'error', latency_ms: elapsedMs(start), kind: database.kind };
      }
    },
  });
  registry.add({
    name: 'queue',
    required: false,
    async run() {
      const start = process.hrtime.bigint();
      try {
        const depth = await runtime.queue.depth();
        return { status: 'ok', latency_ms: elapsedMs(start), depth };
      } catch (err) {
        runtime.logger.warn({ err: errorMessage(err) }, 'readiness: job queue check failed');
        return { status: 'error', latency_ms: elapsedMs(start) };
      }
    },
  });
  registry.add({
    name: 'pgvector',
    required: false,
    async run() {
      const available = database.vectorAvailable;
      // Knowledge search says which mode it runs in, so operators see the degradation here.
      return available
        ? { status: 'ok', available, search: 'hybrid' }
        : {
            status: 'degraded',
            available,
            search: 'fulltext',
            message: 'pgvector is not installed: knowledge search is full-text only',
          };
    },
  });
  if (redis) {
    registry.add({
      name: 'redis',
      required: false,
      async run() {
        const start = process.hrtime.bigint();
        try {
          await redis.ping();
          return { status: 'ok', latency_ms: elapsedMs(start) };
        } catch (err) {
          runtime.logger.warn({ err: errorMessage(err) }, 'readiness: redis check failed');
          return { status: 'error', latency_ms: elapsedMs(start) };
        }
      },
    });
  }
  exported = registry;
  return registry;
}
