// Last line of defence for long-running processes (serve, worker). Node ends the process on an
// unhandled promise rejection; in a server that turns one forgotten `await` in a library (pg-boss
// settling a job while the database is down was one) into an outage for everyone. Known paths
// handle their errors themselves; anything left is logged as a bug and the process keeps serving.
import type { Logger } from 'pino';
import { captureUnowned } from './sentry.ts';

let installed = false;

export function keepAliveOnUnhandledRejections(logger: Logger): void {
  if (installed) return;
  installed = true;
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: reason }, 'unhandled promise rejection (a bug; the process keeps running)');
    captureUnowned(reason);
  });
}
