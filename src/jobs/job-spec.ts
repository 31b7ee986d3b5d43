// What a queue needs to know about a job type before any handler exists: its payload schema and its
// retry policy (pg-boss stores the policy on the queue).
import type { z } from 'zod';

export interface JobSpec<P extends z.ZodType = z.ZodType> {
  payload: P;
  /** Retries after the first failure (default 3). */
  retryLimit?: number;
  /** Seconds before the first retry (default 5); doubled each time with `retryBackoff`. */
  retryDelay?: number;
  retryBackoff?: boolean;
  /** A job running longer than this is considered lost (its worker died) and retried. */
  expireInSeconds?: number;
  /**
   * A payload field (a string) that groups the jobs, e.g. their workspace: groups take turns, so one
   * group's backlog does not hold another group's job behind all of it. Without it, first come first served.
   */
  turnsBy?: string;
}

export type JobSpecs = Record<string, JobSpec>;
export type JobPayload<M extends JobSpecs, N extends keyof M> = z.output<M[N]['payload']>;
/** What a producer may send: the schema's input (before defaults and transforms). */
export type JobInput<M extends JobSpecs, N extends keyof M> = z.input<M[N]['payload']>;
