import pino, { type DestinationStream } from 'pino';
import { loggerOptions } from '../observability/logger.ts';

/**
 * Commands print their results on stdout; warnings go to stderr so `--json` output stays parseable.
 * A command that runs the server in its own process logs that server's failed requests here, so
 * the same redaction as the server's own logger applies (it once printed the request's token).
 */
export const cliLogger = (
  level: 'warn' | 'error' = 'warn',
  destination: DestinationStream = pino.destination(2),
) => pino(loggerOptions(level), destination);
