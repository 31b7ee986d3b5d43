// The reliability core: walks a role's model chain, one upstream attempt at a time, with
// circuit breakers, the rate limiter, a per-attempt timeout, retries with backoff honouring
// Retry-After, one repair for invalid structured output, and fallback to the next model.
// What follows a failure is `decideNext`'s call (decide-next.ts); one attempt's mechanics are in
// chain-attempt.ts.
import { AppError } from '../errors.ts';
import { sleep } from '../sleep.ts';
import {
  breakerKeyOf,
  countFailure,
  deferredLease,
  type LiveAttempt,
  startAttempt,
} from './chain-attempt.ts';
import {
  type Attempt,
  type AttemptResult,
  type ChainEnv,
  type ChainOptions,
  type ChainResult,
  zeroUsage,
} from './chain-types.ts';
import { backoffDelay, type ChainFailure, decideNext, type ModelState } from './decide-next.ts';
import { EmptyAnswerError, InvalidOutputError, RungUnsupportedError } from './failures.ts';
import type { LlmLimiter } from './ports.ts';
import type { ModelRef } from './types.ts';

export type {
  Attempt,
  AttemptOutcome,
  AttemptReport,
  AttemptResult,
  ChainEnv,
  ChainHooks,
  ChainResult,
  Lease,
  Reliability,
} from './chain-types.ts';
export { zeroUsage };

/** Every model in the chain failed (or the chain is empty). */
export class LlmUnavailableError extends AppError {
  readonly failures: Array<{ model: string; code: string; status?: number; message: string }>;
  constructor(message: string, failures: LlmUnavailableError['failures']) {
    super('unavailable', message, { failures });
    this.name = 'LlmUnavailableError';
    this.failures = failures;
  }
}

/** What the whole call has seen so far, across models. */
interface ChainRun {
  failures: LlmUnavailableError['failures'];
  attempts: number;
  /** Every failure so far was our own limiter's refusal (then that refusal is what the caller gets). */
  onlyLocalLimits: boolean;
  lastLimitError: unknown;
  /** A fatal failure ended the call. */
  stopped: boolean;
}

type AttemptFn<T> = (attempt: Attempt) => Promise<AttemptResult<T>>;

export async function runChain<T>(
  chain: ModelRef[],
  env: ChainEnv,
  opts: ChainOptions,
  attemptFn: AttemptFn<T>,
): Promise<ChainResult<T>> {
  const run: ChainRun = {
    failures: [],
    attempts: 0,
    onlyLocalLimits: true,
    lastLimitError: undefined,
    stopped: false,
  };
  for (let i = 0; i < chain.length && !run.stopped; i++) {
    const result = await runModel(chain[i]!, chain[i + 1], run, env, opts, attemptFn);
    if (result) return result;
  }
  if (run.onlyLocalLimits && run.lastLimitError) throw run.lastLimitError;
  throw chainFailed(chain, run, opts.label);
}

function chainFailed(chain: ModelRef[], run: ChainRun, label: string): LlmUnavailableError {
  const summary = run.failures.map((f) => `${f.model}: ${f.message}`).join('; ');
  let message = `Every model for ${label} failed (${summary})`;
  if (chain.length === 0) message = `No model is configured for ${label}`;
  else if (run.stopped) message = `${label} failed (${summary})`;
  return new LlmUnavailableError(message, run.failures);
}

/** One model's attempts: a result, or undefined once the chain should move on (or stop). */
async function runModel<T>(
  model: ModelRef,
  next: ModelRef | undefined,
  run: ChainRun,
  env: ChainEnv,
  opts: ChainOptions,
  attemptFn: AttemptFn<T>,
): Promise<ChainResult<T> | undefined> {
  const state: ModelState = { retries: 0, repaired: false, shrinks: 0, hasNext: next !== undefined };
  let repair: Attempt['repair'];
  for (;;) {
    if (opts.signal?.aborted) throw opts.signal.reason;
    const limiterLease = await admit(model, next, run, env, opts);
    if (limiterLease === refused) return undefined;
    const live = startAttempt(model, ++run.attempts, repair, limiterLease, env, opts);
    let failure: ChainFailure;
    try {
      return succeeded(await attemptFn(live.attempt), live, env);
    } catch (err) {
      failure = failed(err, live, run, env, opts);
    }
    const step = decideNext(failure, state, env.reliability);
    // Decided before reporting, so the ledger says whether this attempt led to a fallback.
    live.report(step.action === 'fallback' ? 'fallback' : 'error', usageOf(failure.error), failure.code);
    switch (step.action) {
      case 'stop':
        run.stopped = step.fatal;
        return undefined;
      case 'fallback':
        env.hooks.onFallback(model, next, failure.code);
        return undefined;
      case 'rung':
        if (failure.kind === 'prompt_shrunk') state.shrinks++;
        repair = undefined;
        state.repaired = false;
        continue;
      case 'repair': {
        const invalid = failure.error as InvalidOutputError;
        repair = { text: invalid.text, error: invalid.message };
        state.repaired = true;
        continue;
      }
      case 'retry': {
        const delay = backoffDelay(state.retries, env.reliability, failure.retryAfterMs);
        state.retries++;
        await sleep(delay, opts.signal);
        opts.signal?.throwIfAborted();
      }
    }
  }
}

const refused = Symbol('refused');

/**
 * The breaker and the limiter let this attempt through (the limiter's lease, if any), or the
 * chain moves on (`refused`, recorded as this model's failure).
 */
async function admit(
  model: ModelRef,
  next: ModelRef | undefined,
  run: ChainRun,
  env: ChainEnv,
  opts: ChainOptions,
): Promise<Awaited<ReturnType<LlmLimiter['acquire']>> | undefined | typeof refused> {
  const breakerKey = breakerKeyOf(env, model);
  if (!env.breakers.tryAcquire(breakerKey)) {
    run.failures.push({ model: model.id, code: 'circuit_open', message: 'circuit breaker open' });
    run.onlyLocalLimits = false;
    env.hooks.onFallback(model, next, 'circuit_open');
    return refused;
  }
  try {
    return await env.limiter?.acquire(
      { provider: model.provider, model: model.model, scope: env.scope, turn: env.turn },
      opts.estimatedTokens,
      opts.signal,
    );
  } catch (err) {
    env.breakers.neutral(breakerKey);
    if (opts.signal?.aborted) throw opts.signal.reason;
    if (!(err instanceof AppError && err.code === 'rate_limited')) throw err;
    run.lastLimitError = err;
    run.failures.push({ model: model.id, code: 'local_rate_limit', message: err.message });
    env.hooks.onFallback(model, next, 'rate_limited');
    return refused;
  }
}

function succeeded<T>(result: AttemptResult<T>, live: LiveAttempt, env: ChainEnv): ChainResult<T> {
  const { model, number } = live.attempt;
  if ('deferred' in result)
    return { value: result.value, model, attempts: number, usage: null, lease: deferredLease(live, env) };
  live.end(result.usage);
  env.breakers.success(live.breakerKey);
  live.report('ok', result.usage);
  return { value: result.value, model, attempts: number, usage: result.usage, lease: null };
}

/** Tokens a failed attempt still cost (an invalid or empty answer was generated in full). */
const usageOf = (err: unknown) =>
  err instanceof InvalidOutputError || err instanceof RungUnsupportedError || err instanceof EmptyAnswerError
    ? err.usage
    : zeroUsage;

/** Books a failed attempt; a cancelled one is reported and rethrown, anything else returned. */
function failed(
  err: unknown,
  live: LiveAttempt,
  run: ChainRun,
  env: ChainEnv,
  opts: ChainOptions,
): ChainFailure {
  const failure = live.classify(err);
  const usage = usageOf(err);
  live.end(usage);
  countFailure(env, live.breakerKey, failure);
  if (failure.kind === 'cancelled') {
    live.report('cancelled', usage, failure.code);
    throw opts.signal?.reason ?? err;
  }
  run.onlyLocalLimits = false;
  run.failures.push({
    model: live.attempt.model.id,
    code: failure.code,
    message: failure.message,
    ...(failure.status !== undefined && { status: failure.status }),
  });
  return { ...failure, kind: failure.kind };
}
