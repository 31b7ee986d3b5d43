// One upstream attempt of the chain: its timeout (restartable, so a stream's silence is bounded,
// not its length), its abort signal, its report to the hooks, and how its end feeds the breaker.
import { linkAbort } from '../abort-scope.ts';
import type { Attempt, AttemptReport, ChainEnv, ChainOptions, Lease } from './chain-types.ts';
import { AttemptTimeoutError, classifyFailure, type Failure } from './failures.ts';
import type { LlmLimiter } from './ports.ts';
import { scopedKey } from './scoped-key.ts';
import type { LlmUsage, ModelRef } from './types.ts';

type LimiterLease = Awaited<ReturnType<LlmLimiter['acquire']>> | undefined;

export interface LiveAttempt {
  attempt: Attempt;
  breakerKey: string;
  /** Stops the timeout and returns the attempt's tokens to the limiter. */
  end(usage: LlmUsage): void;
  /** What went wrong, knowing whether our timeout or the caller caused an abort. */
  classify(err: unknown): Failure;
  report(outcome: AttemptReport['outcome'], usage: LlmUsage, errorCode?: string): void;
}

export const breakerKeyOf = (env: ChainEnv, model: ModelRef) => scopedKey(env.scope, model);

const totalTokens = (u: LlmUsage) => u.inputTokens + u.outputTokens;

export function startAttempt(
  model: ModelRef,
  number: number,
  repair: Attempt['repair'],
  limiterLease: LimiterLease,
  env: ChainEnv,
  opts: ChainOptions,
): LiveAttempt {
  const timeoutMs = env.reliability.timeoutMs;
  const started = performance.now();
  let first: number | null = null;
  const controller = new AbortController();
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new AttemptTimeoutError(timeoutMs));
    }, timeoutMs);
  };
  arm();
  // Not AbortSignal.any: the SDK's fetch would pin that signal for the life of the process (abort-scope.ts).
  const unlink = linkAbort(opts.signal, controller);
  const { signal } = controller;
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
  return {
    attempt,
    breakerKey: breakerKeyOf(env, model),
    end(usage) {
      clearTimeout(timer);
      unlink();
      limiterLease?.release(totalTokens(usage));
    },
    classify: (err) => classifyFailure(err, { timedOut, callerAborted: !!opts.signal?.aborted }),
    report: (outcome, usage, errorCode) =>
      env.hooks.onAttempt({
        model,
        attempt: number,
        outcome,
        usage,
        latencyMs: performance.now() - started,
        ttftMs: first === null ? null : first - started,
        ...(errorCode && { errorCode }),
        limiterWaitMs: limiterLease?.waitedMs ?? 0,
      }),
  };
}

/** Upstream trouble counts against the model's breaker; our own or the caller's doing does not. */
export function countFailure(env: ChainEnv, breakerKey: string, failure: Failure): void {
  if (failure.kind === 'retryable' || failure.kind === 'timeout') env.breakers.failure(breakerKey);
  else env.breakers.neutral(breakerKey);
}

/** The lease of a deferred (streaming) attempt: its end is reported once, whenever it comes. */
export function deferredLease(live: LiveAttempt, env: ChainEnv): Lease {
  let settled = false;
  return {
    settle(end) {
      if (settled) return;
      settled = true;
      live.end(end.usage);
      if (end.cancelled) {
        env.breakers.neutral(live.breakerKey);
        live.report('cancelled', end.usage, 'cancelled');
      } else if (end.error !== undefined) {
        const failure = live.classify(end.error);
        countFailure(env, live.breakerKey, failure);
        live.report(failure.kind === 'cancelled' ? 'cancelled' : 'error', end.usage, failure.code);
      } else {
        env.breakers.success(live.breakerKey);
        live.report('ok', end.usage);
      }
    },
  };
}
