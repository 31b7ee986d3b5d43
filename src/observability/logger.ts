import pino, { type DestinationStream, type Logger } from 'pino';
import type { Config } from '../config.ts';
import { queryValuesOf, withoutQueryValues } from './query-values.ts';

// Anything that could carry a credential is removed before a log line is written.
export const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  // Headers logged outside `req` (Fastify's req serializer drops them), e.g. by plugins/request-log.ts.
  'headers.authorization',
  'headers.cookie',
  'headers["x-api-key"]',
  // The page a request came from: the invitation page's address holds its token.
  'headers.referer',
  'req.headers.referer',
  '*.password',
  '*.apiKey',
  '*.api_key',
  '*.secret',
  '*.token',
  'password',
  'apiKey',
  'secret',
  'token',
];

// Errors are serialized as usual, then stripped of failed queries' parameter values.
const serializeError = (err: unknown) =>
  withoutQueryValues(err instanceof Error ? pino.stdSerializers.err(err) : err, queryValuesOf(err));
export const logSerializers = { err: serializeError, error: serializeError };

/** What every logger of ours shares, the server's and the commands': credentials and query values removed. */
export const loggerOptions = (level: string) => ({
  level,
  redact: { paths: redactPaths, censor: '[redacted]' },
  serializers: logSerializers,
});

/** The process logger; `destination` is for tests (JSON lines to a stream). */
export function createLogger(
  config: Pick<Config, 'LOG_LEVEL' | 'LOG_FORMAT_JSON'>,
  destination?: DestinationStream,
): Logger {
  const options = loggerOptions(config.LOG_LEVEL);
  if (destination) return pino(options, destination);
  return pino({
    ...options,
    ...(config.LOG_FORMAT_JSON
      ? {}
      : { transport: { target: 'pino-pretty', options: { colorize: true, singleLine: true } } }),
  });
}
