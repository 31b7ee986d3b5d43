// The reliability core: walks a role's model chain, one upstream attempt at a time, with
// circuit breakers, the rate limiter, a per-attempt timeout, retries with backoff honouring
// Retry-After, one repair for invalid structured output, and fallback to the next model.
import { AppError } from '../errors.ts';
import { sleep } from '../sleep.ts';
import type { CircuitBreakers } from './circuit-breaker.ts';
import {
  AttemptTimeoutError,
  classifyFailure,
  InvalidOutputError,
  RungUnsupportedError,
} from './failures.ts';
import type { LlmLimiter } from './ports.ts';
import type { LlmUsage, ModelRef } from './types.ts';

export interface Reliability {
  timeoutMs: number;
  maxRetries: number;
  /** First backoff delay; doubles per retry, with jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A longer Retry-After is not waited for: the chain moves on instead. */
  maxRetryAfterMs: number;
  breakerThreshold: number;
  breakerCooldownMs: number;
}

export type AttemptOutcome = 'ok' | 'error' | 'fallback' | 'cancelled';

export interface AttemptReport {
  model: ModelRef;
  /** 1-based, counted over the whole call. */
  attempt: number;
  outcome: AttemptOutcome;
  usage: LlmUsage;
  latencyMs: number;
  ttftMs: number | null;
  errorCode?: string;
  limiterWaitMs: number;
}

export interface ChainHooks {
  onAttempt(report: AttemptReport): void;
  onFallback(from: ModelRef, to: ModelRef | undefined, reason: string): void;
}

export interface ChainEnv {
  breakers: CircuitBreakers;
  limiter?: LlmLimiter;
  reliability: Reliability;
  /** Identifies the credential set, so one workspace's key problems do not trip another's breaker. */
  scope: string;
  hooks: ChainHooks;
}

/** What one attempt sees. */
export interface Attempt {
  model: ModelRef;
  number: number;
  signal: AbortSignal;
  /** Set on the repair attempt after invalid structured output. */
  repair?: { text: string; error: string };
  /** Restarts the timeout (streams call it per chunk, so it bounds silence, not length). */
  touch(): void;
  /** Streams call it on their first token (time-to-first-token). */
  firstToken(): void;
  /** Aborts this attempt's request (a stream consumer that stopped reading). */
  cancel(): void;
}

/**
 * An attempt either completes (`usage` known) or, for streams, hands back a live value whose
 * end is reported later through `settle` of the returned lease.
 */
export type AttemptResult<T> = { value: T; usage: LlmUsage } | { value: T; deferred: true };

export interface Lease {
  /** Finishes a deferred attempt: usage on success, the error otherwise. */
  settle(end: { usage: LlmUsage; error?: unknown; cancelled?: boolean }): void;
}

export interface ChainResult<T> {
  value: T;
  model: ModelRef;
  attempts: number;
  usage: LlmUsage | null;
  lease: Lease | null;
}

export const zeroUsage: LlmUsage = { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0 };

/** Every model in the chain failed (or the chain is empty). */
export class LlmUnavailableError extends AppError {
  readonly failures: Array<{ model: string; code: string; status?: number; message: string }>;
  constructor(message: string, failures: LlmUnavailableError['failures']) {
    super('unavailable', message, { failures });
    this.name = 'LlmUnavailableError';
    this.failures = failures;
  }
}

export function backoffDelay(retry: number, r: Reliability, retryAfter?: number): number {
  const exp = Math.min(r.maxDelayMs, r.baseDelayMs * 2 ** retry);
  // Equal jitter: half fixed, half random, so clients that failed together spread out.
  const jittered = exp / 2 + Math.random() * (exp / 2);
  return retryAfter === undefined ? jittered : Math.max(jittered, retryAfter);
}

/** Times one model is asked again with a shorter prompt before the chain moves on. */
const maxShrinks = 3;

const totalTokens = (u: LlmUsage) => u.inputTokens + u.outputTokens;

export async function runChain<T>(
  chain: ModelRef[],
  env: ChainEnv,
  opts: { signal?: AbortSignal; estimatedTokens: number; label: string },
  attemptFn: (attempt: Attempt) => Promise<AttemptResult<T>>,
): Promise<ChainResult<T>> {
  const { reliability: r, breakers, hooks } = env;
  const failures: LlmUnavailableError['failures'] = [];
  let attemptNo = 0;
  let onlyLocalLimits = true;
  let lastLimitError: unknown;
  let stopAll = false;

  for (let i = 0; i < chain.length; i++) {
    const model = chain[i]!;
    const next = chain[i + 1];
    const breakerKey = `${env.scope}\u0000${model.id}`;
    let retries = 0;
    let repair: Attempt['repair'];
    let repaired = false;
    let shrinks = 0;

    for (;;) {
      if (opts.signal?.aborted) throw opts.signal.reason;
      if (!breakers.tryAcquire(breakerKey)) {
        failures.push({ model: model.id, code: 'circuit_open', message: 'circuit breaker open' });
        onlyLocalLimits = false;
        hooks.onFallback(model, next, 'circuit_open');
        break;
      }

      let lease: Awaited<ReturnType<LlmLimiter['acquire']>> | undefined;
      try {
        lease = await env.limiter?.acquire(
          { provider: model.provider, model: model.model },
          opts.estimatedTokens,
          opts.signal,
        );
      } catch (err) {
        breakers.neutral(breakerKey);
        if (opts.signal?.aborted) throw opts.signal.reason;
        if (!(err instanceof AppError && err.code === 'rate_limited')) throw err;
        lastLimitError = err;
        failures.push({ model: model.id, code: 'local_rate_limit', message: err.message });
        hooks.onFallback(model, next, 'rate_limited');
        break;
      }

      attemptNo++;
      const number = attemptNo;
      const started = performance.now();
      let first: number | null = null;
      const controller = new AbortController();
      let timedOut = false;
      let timer: NodeJS.Timeout | undefined;
      const arm = () => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          timedOut = true;
          controller.abort(new AttemptTimeoutError(r.timeoutMs));
        }, r.timeoutMs);
      };
      arm();
      const signal = opts.signal ? AbortSignal.any([opts.signal, controller.signal]) : controller.signal;
      const attempt: Attempt = {
        model,
        number,
        signal,
        ...(repair && { repair }),
        touch: arm,
        firstToken: () => {
          first ??= performance.now();
        },
        cancel: () => {
          clearTimeout(timer);
          controller.abort(new DOMException('The consumer stopped reading', 'AbortError'));
        },
      };
      const report = (outcome: AttemptReport['outcome'], usage: LlmUsage, errorCode?: string) =>
        hooks.onAttempt({
          model,
          attempt: number,
          outcome,
          usage,
          latencyMs: performance.now() - started,
          ttftMs: first === null ? null : first - started,
          ...(errorCode && { errorCode }),
          limiterWaitMs: lease?.waitedMs ?? 0,
        });

      try {
        const result = await attemptFn(attempt);
        if ('deferred' in result) {
          let settled = false;
          return {
            value: result.value,
            model,
            attempts: number,
            usage: null,
            lease: {
              settle(end) {
                if (settled) return;
                settled = true;
                clearTimeout(timer);
                lease?.release(totalTokens(end.usage));
                if (end.cancelled) {
                  breakers.neutral(breakerKey);
                  report('cancelled', end.usage, 'cancelled');
                } else if (end.error !== undefined) {
                  const f = classifyFailure(end.error, { timedOut, callerAborted: !!opts.signal?.aborted });
                  if (f.kind === 'retryable' || f.kind === 'timeout') breakers.failure(breakerKey);
                  else breakers.neutral(breakerKey);
                  report(f.kind === 'cancelled' ? 'cancelled' : 'error', end.usage, f.code);
                } else {
                  breakers.success(breakerKey);
                  report('ok', end.usage);
                }
              },
            },
          };
        }
        clearTimeout(timer);
        lease?.release(totalTokens(result.usage));
        breakers.success(breakerKey);
        report('ok', result.usage);
        return { value: result.value, model, attempts: number, usage: result.usage, lease: null };
      } catch (err) {
        clearTimeout(timer);
        const failure = classifyFailure(err, { timedOut, callerAborted: !!opts.signal?.aborted });
        const usage =
          err instanceof InvalidOutputError || err instanceof RungUnsupportedError ? err.usage : zeroUsage;
        lease?.release(totalTokens(usage));
        if (failure.kind === 'retryable' || failure.kind === 'timeout') breakers.failure(breakerKey);
        else breakers.neutral(breakerKey);

        if (failure.kind === 'cancelled') {
          report('cancelled', usage, failure.code);
          throw opts.signal?.reason ?? err;
        }
        onlyLocalLimits = false;
        failures.push({
          model: model.id,
          code: failure.code,
          message: failure.message,
          ...(failure.status !== undefined && { status: failure.status }),
        });

        // Decide before reporting, so the ledger says whether this attempt led to a fallback.
        let action: 'retry' | 'repair' | 'rung' | 'fallback' | 'stop';
        let delay = 0;
        if (failure.kind === 'fatal') action = 'stop';
        else if (failure.kind === 'output_rung') action = 'rung';
        else if (failure.kind === 'prompt_shrunk') action = shrinks++ < maxShrinks ? 'rung' : 'fallback';
        else if (failure.kind === 'invalid_output') action = repaired ? 'fallback' : 'repair';
        else if (['context_length', 'rate_limited', 'not_configured'].includes(failure.kind))
          action = 'fallback';
        else if (retries >= r.maxRetries) action = 'fallback';
        else if (failure.retryAfterMs !== undefined && failure.retryAfterMs > r.maxRetryAfterMs)
          action = 'fallback';
        else {
          action = 'retry';
          delay = backoffDelay(retries, r, failure.retryAfterMs);
        }
        if (action === 'fallback' && !next) action = 'stop';
        report(action === 'fallback' ? 'fallback' : 'error', usage, failure.code);

        if (action === 'stop') {
          // A fatal failure (bad request, auth) ends the whole call: the next model would either
          // fail the same way or silently hide a misconfiguration.
          stopAll = failure.kind === 'fatal';
          break;
        }
        if (action === 'fallback') {
          hooks.onFallback(model, next, failure.code);
          break;
        }
        if (action === 'rung') {
          // The same model, one rung lower (or with a prompt cut to its context), with a fresh repair
          // round; not a retry of a failure.
          repair = undefined;
          repaired = false;
          continue;
        }
        if (action === 'repair') {
          const invalid = err as InvalidOutputError;
          repair = { text: invalid.text, error: invalid.message };
          repaired = true;
          continue;
        }
        retries++;
        await sleep(delay, opts.signal);
        opts.signal?.throwIfAborted();
      }
    }
    if (stopAll) break;
  }

  if (onlyLocalLimits && lastLimitError) throw lastLimitError;
  const summary = failures.map((f) => `${f.model}: ${f.message}`).join('; ');
  throw new LlmUnavailableError(
    chain.length === 0
      ? `No model is configured for ${opts.label}`
      : stopAll
        ? `${opts.label} failed (${summary})`
        : `Every model for ${opts.label} failed (${summary})`,
    failures,
  );
}
