// When a failed delivery is tried again: exponential backoff over about two days, with jitter so
// the deliveries of one outage do not all come back at the same second.

/** Seconds before attempt n + 1, after attempt n failed (n from 1); past the last, the delivery fails. */
export const retryDelaysSeconds = [30, 120, 600, 3600, 6 * 3600, 12 * 3600, 24 * 3600] as const;
export const maxAttempts = retryDelaysSeconds.length + 1;

// A receiver's Retry-After (429, 503) is honoured up to a day.
const maxRetryAfterMs = 24 * 3600_000;

/**
 * Milliseconds before the next attempt after attempt `attempt` failed, or undefined when it was the
 * last. A Retry-After the receiver sent lengthens the backoff (up to 24 h), never shortens it: each
 * attempt counts toward the limit, so a short one would use them all up in a minute.
 */
export function nextAttemptDelayMs(
  attempt: number,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number | undefined {
  if (attempt >= maxAttempts) return undefined;
  const base = retryDelaysSeconds[Math.max(0, attempt - 1)]! * 1000;
  // ±20 %.
  const backoff = Math.round(base * (0.8 + 0.4 * random()));
  return retryAfterMs === undefined ? backoff : Math.max(backoff, Math.min(maxRetryAfterMs, retryAfterMs));
}
