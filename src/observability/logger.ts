import pino, { type Logger } from 'pino';
import type { Config } from '../config.ts';

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

export function createLogger(config: Pick<Config, 'LOG_LEVEL' | 'LOG_FORMAT_JSON'>): Logger {
  return pino({
    level: config.LOG_LEVEL,
    redact: { paths: redactPaths, censor: '[redacted]' },
    ...(config.LOG_FORMAT_JSON
      ? {}
      : { transport: { target: 'pino-pretty', options: { colorize: true, singleLine: true } } }),
  });
}
