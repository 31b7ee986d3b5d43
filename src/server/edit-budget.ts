// How much Markdown one caller may write through edits a minute (RATE_LIMIT_EDIT_MB). Request rate
// limits count requests, not what they cost: an edit of 500 kB is rendered, scored and kept as a
// version on the thread that serves everyone — 0.37–0.55 s of it, and 500 kB of storage — so 600
// such requests a minute, the general budget, asked for four to five times that thread's time. Edits, copies
// and restores count the Markdown they write for the caller (the rate limiter's identity: its API
// key's holder, else its address) in one-minute windows, each starting with the caller's first edit
// after the last one ended; once a window's budget is spent the next is refused (429, Retry-After
// until the window ends). Counted in Redis when configured, so across processes, on Redis's clock:
// windows named by each process's clock were different windows on replicas whose clocks differ.
// A copy or a restore is counted at its source's length, read before it is made.
import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';
import type { Runtime } from '../runtime.ts';
import { callerIdentity } from './plugins/rate-limit.ts';

const windowMs = 60_000;

export interface EditBudget {
  /**
   * Runs `work`, which writes `chars` of Markdown for the request's caller, within the caller's
   * budget: counted before it starts — so requests sent at once cannot all pass a look at the count
   * taken before any of them is counted — refused (counting nothing) once this minute's is spent,
   * and given back when `work` fails.
   */
  spend<T>(request: FastifyRequest, chars: number, work: () => Promise<T>): Promise<T>;
}

export function editBudget(runtime: Pick<Runtime, 'config' | 'counters' | 'apiKeys'>): EditBudget {
  const { config, counters, apiKeys } = runtime;
  const budget = config.RATE_LIMIT_EDIT_MB * 1024 * 1024;
  return {
    async spend(request, chars, work) {
      if (!config.RATE_LIMIT_ENABLED) return work();
      const key = `edits:${await callerIdentity(request, apiKeys)}`;
      const giveBack = () => counters.addToWindow(key, -chars, windowMs);
      const { count, endsInMs } = await counters.addToWindow(key, chars, windowMs);
      // The request that crosses the budget goes through; the ones after it are refused.
      if (count - chars >= budget) {
        await giveBack();
        throw new AppError(
          'rate_limited',
          `Edits may write ${config.RATE_LIMIT_EDIT_MB} MB of Markdown a minute; this minute's is spent`,
          undefined,
          { retryAfterSeconds: Math.ceil(endsInMs / 1000) },
        );
      }
      try {
        return await work();
      } catch (err) {
        await giveBack().catch(() => {});
        throw err;
      }
    },
  };
}
