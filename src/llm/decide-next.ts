// What the chain does after a failed attempt: ask the same model again (retry, repair, a lower
// structured-output rung or a shorter prompt), move to the next model, or stop. Pure, so every
// branch is pinned by a table test.
import type { Reliability } from './chain-types.ts';
import type { Failure, FailureKind } from './failures.ts';

/** Times one model is asked again with a shorter prompt before the chain moves on. */
export const maxShrinks = 3;

/** Where the current model stands in its own attempts. */
export interface ModelState {
  /** Retries already made after retryable failures. */
  retries: number;
  /** The repair round after invalid output was already used. */
  repaired: boolean;
  /** Times the prompt was already shrunk for this model. */
  shrinks: number;
  /** A model follows this one in the chain. */
  hasNext: boolean;
}

export type NextStep =
  /** The same request again after a backoff. */
  | { action: 'retry' }
  /** The same model, told what was wrong with its structured output. */
  | { action: 'repair' }
  /** The same model one rung lower (or with a prompt cut to its context); not a retry of a failure. */
  | { action: 'rung' }
  | { action: 'fallback' }
  /**
   * No further attempt. `fatal`: the whole call ends (a bad request or auth failure: the next model
   * would fail the same way or silently hide a misconfiguration); otherwise the chain is used up.
   */
  | { action: 'stop'; fatal: boolean };

/** Failures that move to the next model at once: retrying the same one cannot help. */
const fallsBackAtOnce: ReadonlySet<FailureKind> = new Set([
  'context_length',
  'rate_limited',
  'not_configured',
]);

/** A failure the chain acts on (a cancelled call is rethrown before any decision). */
export type ChainFailure = Failure & { kind: Exclude<FailureKind, 'cancelled'> };

export function decideNext(
  failure: Pick<ChainFailure, 'kind' | 'retryAfterMs'>,
  state: ModelState,
  reliability: Pick<Reliability, 'maxRetries' | 'maxRetryAfterMs'>,
): NextStep {
  if (failure.kind === 'fatal') return { action: 'stop', fatal: true };
  const onModel = sameModelStep(failure, state, reliability);
  if (onModel) return onModel;
  return state.hasNext ? { action: 'fallback' } : { action: 'stop', fatal: false };
}

/** Another attempt on the same model, or undefined to leave it. */
function sameModelStep(
  failure: Pick<Failure, 'retryAfterMs'> & { kind: FailureKind },
  state: ModelState,
  r: Pick<Reliability, 'maxRetries' | 'maxRetryAfterMs'>,
): NextStep | undefined {
  switch (failure.kind) {
    case 'output_rung':
      return { action: 'rung' };
    case 'prompt_shrunk':
      return state.shrinks < maxShrinks ? { action: 'rung' } : undefined;
    case 'invalid_output':
      return state.repaired ? undefined : { action: 'repair' };
  }
  if (fallsBackAtOnce.has(failure.kind) || state.retries >= r.maxRetries) return undefined;
  if (failure.retryAfterMs !== undefined && failure.retryAfterMs > r.maxRetryAfterMs) return undefined;
  return { action: 'retry' };
}

export function backoffDelay(retry: number, r: Reliability, retryAfter?: number): number {
  const exp = Math.min(r.maxDelayMs, r.baseDelayMs * 2 ** retry);
  // Equal jitter: half fixed, half random, so clients that failed together spread out.
  const jittered = exp / 2 + Math.random() * (exp / 2);
  return retryAfter === undefined ? jittered : Math.max(jittered, retryAfter);
}
