// How much Markdown one caller may write through edits a minute (RATE_LIMIT_EDIT_MB). Request rate
// limits count requests, not what they cost: an edit of 500 kB is rendered, scored and kept as a
// version on the thread that serves everyone — 0.37–0.55 s of it, and 500 kB of storage — so 600
// such requests a minute, the general budget, asked for four to five times that thread's time. Edits, copies
// and restores count the Markdown they write for the caller (the rate limiter's identity: its API
// key's holder, else its address) in one-minute windows; once a window's budget is spent the next is refused
// (429, Retry-After until the window ends). Counted in Redis when configured, so across processes.
import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';
import type { Runtime } from '../runtime.ts';
import { callerIdentity } from './plugins/rate-limit.ts';

const windowMs = 60_000;

export interface EditBudget {
  /** Refuses the request once its caller has written this minute's budget. */
  check(request: FastifyRequest): Promise<void>;
  /** Counts `bytes` of Markdown written for the request's caller. */
  charge(request: FastifyRequest, bytes: number): Promise<void>;
}

export function editBudget(runtime: Pick<Runtime, 'config' | 'counters' | 'apiKeys'>): EditBudget {
  const { config, counters, apiKeys } = runtime;
  const budget = config.RATE_LIMIT_EDIT_MB * 1024 * 1024;
  const windowKey = async (request: FastifyRequest, now = Date.now()) => ({
    key: `edits:${await callerIdentity(request, apiKeys)}:${Math.floor(now / windowMs)}`,
    endsInMs: windowMs - (now % windowMs),
  });
  return {
    async check(request) {
      if (!config.RATE_LIMIT_ENABLED) return;
      const { key, endsInMs } = await windowKey(request);
      if (Number((await counters.get(key)) ?? 0) < budget) return;
      throw new AppError(
        'rate_limited',
        `Edits may write ${config.RATE_LIMIT_EDIT_MB} MB of Markdown a minute; this minute's is spent`,
        undefined,
        { retryAfterSeconds: Math.ceil(endsInMs / 1000) },
      );
    },
    async charge(request, bytes) {
      if (!config.RATE_LIMIT_ENABLED || bytes <= 0) return;
      const { key } = await windowKey(request);
      await counters.increment(key, windowMs, bytes);
    },
  };
}
