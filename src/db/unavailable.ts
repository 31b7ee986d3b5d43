// Whether an error means "the database cannot be reached right now" (as opposed to a bad query):
// the HTTP edge answers those with 503 and Retry-After, background loops wait and try again.
// Drivers and ORMs wrap the original error, so the whole `cause` chain is inspected.

// Socket-level failures to reach the server.
const networkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

// SQLSTATEs of an unavailable server: class 08 (connection exception), shutdown and start-up
// (57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now), too many connections.
const unavailableStates = /^(08\d{3}|57P0[123]|53300)$/;

// node-postgres and its pool report lost or impossible connections with plain messages.
const poolMessages =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Cannot use a pool after calling end|the database system is (starting up|shutting down|in recovery mode)|terminating connection due to administrator command/i;

export function isDatabaseUnavailable(err: unknown): boolean {
  const seen = new Set<unknown>();
  let current: unknown = err;
  while (current && typeof current === 'object' && !seen.has(current)) {
    seen.add(current);
    const e = current as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
    if (typeof e.code === 'string' && (networkCodes.has(e.code) || unavailableStates.test(e.code)))
      return true;
    if (typeof e.message === 'string' && poolMessages.test(e.message)) return true;
    // AggregateError (e.g. every address of `localhost` refused the connection).
    if (Array.isArray(e.errors) && e.errors.some((inner) => isDatabaseUnavailable(inner))) return true;
    current = e.cause;
  }
  return false;
}
