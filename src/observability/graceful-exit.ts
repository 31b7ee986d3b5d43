// How a long-running process (`serve`, `worker`) ends on SIGTERM or SIGINT: `close` once — stop
// taking work, let what runs finish, close pools — then exit 0; exit 1 when it fails or outlasts
// SHUTDOWN_TIMEOUT_SECONDS (and a few seconds more: the jobs are given that long, and what follows
// them — their model calls' ledger rows, the pools — must not be cut off), rather than stay up after
// the orchestrator asked it to go.
import type { Logger } from 'pino';

const closeMarginSeconds = 5;

export function exitGracefullyOnSignals(
  logger: Pick<Logger, 'info' | 'error'>,
  timeoutSeconds: number,
  close: () => Promise<void>,
): void {
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(
      () => {
        logger.error('shutdown timed out; exiting with work still open');
        process.exit(1);
      },
      (timeoutSeconds + closeMarginSeconds) * 1000,
    );
    timer.unref();
    try {
      await close();
    } catch (err) {
      logger.error({ err }, 'error while shutting down');
      process.exit(1);
    }
    logger.info('shutdown complete');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}
