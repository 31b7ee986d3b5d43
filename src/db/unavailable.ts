// Whether an error means "the database cannot be reached right now" (as opposed to a bad query):
// the HTTP edge answers those with 503 and Retry-After, background loops wait and try again.
// Drivers and ORMs wrap the original error, so the whole `cause` chain is inspected.
import { AppError } from '../errors.ts';
import { causes } from './error-causes.ts';

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
  for (const e of causes(err)) {
    if (typeof e.code === 'string' && (networkCodes.has(e.code) || unavailableStates.test(e.code)))
      return true;
    if (typeof e.message === 'string' && poolMessages.test(e.message)) return true;
    // AggregateError (e.g. every address of `localhost` refused the connection).
    if (Array.isArray(e.errors) && e.errors.some((inner) => isDatabaseUnavailable(inner))) return true;
  }
  return false;
}

/** The first error in the `cause` chain with a code (ECONNREFUSED, 57P03, 28P01, …). */
function codedCause(err: unknown): { code: string; message: string } | undefined {
  for (const { code, message } of causes(err))
    if (typeof code === 'string') return { code, message: typeof message === 'string' ? message : '' };
  return undefined;
}

/** The message of the last error in the `cause` chain: the driver's own words, not a wrapper's. */
function deepestMessage(err: unknown): string {
  let deepest = String(err);
  for (const { message } of causes(err)) if (typeof message === 'string' && message) deepest = message;
  return deepest;
}

// The server answered but refused this connection: a wrong role or password (class 28), or no such
// database (3D000) — DATABASE_URL's to fix, as an unreachable host is.
const refusedStates = /^(28\d{3}|3D000)$/;

/**
 * What start-up reports when the server cannot be reached or refuses the connection: one line
 * naming the host (never the password) and the reason, instead of the driver's 40-line trace in a
 * crash-looping pod's log. Other errors are returned as they are.
 */
export function unreachableAtStart(err: unknown, databaseUrl: string): unknown {
  const cause = codedCause(err);
  const refused = cause !== undefined && refusedStates.test(cause.code);
  if (!refused && !isDatabaseUnavailable(err)) return err;
  let where = 'DATABASE_URL';
  try {
    const url = new URL(databaseUrl);
    where = `${url.hostname}:${url.port || '5432'}${url.pathname}`;
  } catch {
    // An unparsable URL keeps the variable's name.
  }
  const reason = refused ? `${cause.message} (${cause.code})` : (cause?.code ?? deepestMessage(err));
  return new AppError(
    'service_unavailable',
    refused
      ? `The database at ${where} refused the connection: ${reason}; check DATABASE_URL`
      : `The database at ${where} cannot be reached (${reason}): check DATABASE_URL and that PostgreSQL is running`,
  );
}
