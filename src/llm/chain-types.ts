// The shapes shared by the chain runner, its attempts and the gateway that drives them.
import type { CircuitBreakers } from './circuit-breaker.ts';
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
  /** Whose call, its workspace ('' for none): calls waiting for a limit take turns across them. */
  turn: string;
  hooks: ChainHooks;
}

export interface ChainOptions {
  signal?: AbortSignal | undefined;
  estimatedTokens: number;
  label: string;
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
