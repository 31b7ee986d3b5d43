// When a failed delivery is tried again: exponential backoff over about two days, with jitter so
// the deliveries of one outage do not all come back at the same second.

/** Seconds before attempt n + 1, after attempt n failed (n from 1); past the last, the delivery fails. */
export const retryDelaysSeconds = [30, 120, 600, 3600, 6 * 3600, 12 * 3600, 24 * 3600] as const;
export const maxAttempts = retryDelaysSeconds.length + 1;

// A receiver's Retry-After (429, 503) is taken within these bounds.
const minRetryAfterMs = 5_000;
const maxRetryAfterMs = 24 * 3600_000;

/**
 * Milliseconds before the next attempt after attempt `attempt` failed, or undefined when it was the
 * last. A Retry-After the receiver sent replaces the backoff, bounded to 5 s – 24 h.
 */
export function nextAttemptDelayMs(
  attempt: number,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number | undefined {
  if (attempt >= maxAttempts) return undefined;
  if (retryAfterMs !== undefined) return Math.min(maxRetryAfterMs, Math.max(minRetryAfterMs, retryAfterMs));
  const base = retryDelaysSeconds[Math.max(0, attempt - 1)]! * 1000;
  // ±20 %.
  return Math.round(base * (0.8 + 0.4 * random()));
}
