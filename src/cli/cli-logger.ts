import pino from 'pino';

/** Commands print their results on stdout; warnings go to stderr so `--json` output stays parseable. */
export const cliLogger = (level: 'warn' | 'error' = 'warn') => pino({ level }, pino.destination(2));
