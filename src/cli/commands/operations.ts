// `serve`, `worker`, `migrate`: running Blogsmith's processes.
import type { Command } from 'commander';
import { AppError } from '../../errors.ts';
import { loadConfig } from '../load-config.ts';

export function registerOperationCommands(program: Command) {
  program
    .command('serve')
    .description('Run the HTTP API (and, on the embedded database, the job worker in the same process)')
    .action(async () => {
      // Loaded on use: the server and its dependencies would slow down every other command.
      const { startServer } = await import('../../server/start.ts');
      await startServer(await loadConfig());
    });

  program
    .command('worker')
    .description('Run job workers alone, against PostgreSQL (DATABASE_URL); scale by running more of them')
    .action(async () => {
      const config = await loadConfig();
      if (!config.DATABASE_URL) {
        throw new AppError(
          'validation_error',
          'blogsmith worker needs DATABASE_URL: the embedded database is one process per data directory, ' +
            'and `blogsmith serve` already runs the worker in-process there.',
        );
      }
      // Unhandled rejections in a worker reach Sentry too (the API's 5xx are reported by the server).
      const { closeSentry, initSentry } = await import('../../observability/sentry.ts');
      await initSentry(config);
      // The first run's prompts need ICU's language data: loaded beside start-up.
      void import('../../input/language-data-warmup.ts').then((m) => m.warmLanguageData());
      const { createRuntime } = await import('../../runtime.ts');
      const runtime = await createRuntime(config, { command: 'worker' });
      const { keepAliveOnUnhandledRejections } = await import('../../observability/unhandled-rejections.ts');
      keepAliveOnUnhandledRejections(runtime.logger);
      const { registerJobs } = await import('../../jobs/register.ts');
      registerJobs(runtime);
      await runtime.queue.start({ work: true });
      const { startMetricsServer } = await import('../../observability/metrics-server.ts');
      const metrics =
        config.WORKER_METRICS_PORT > 0
          ? await startMetricsServer(config.HOST, config.WORKER_METRICS_PORT, config.METRICS_TOKEN)
          : undefined;
      runtime.logger.info({ metricsPort: config.WORKER_METRICS_PORT || null }, 'worker started');
      process.stdout.write('Blogsmith worker is running\n');
      const { exitGracefullyOnSignals } = await import('../../observability/graceful-exit.ts');
      exitGracefullyOnSignals(runtime.logger, config.SHUTDOWN_TIMEOUT_SECONDS, async () => {
        metrics?.close();
        await runtime.close();
        await closeSentry();
      });
    });

  program
    .command('migrate')
    .description('Apply database migrations and report pgvector availability')
    .action(async () => {
      const config = await loadConfig();
      const { createRuntime } = await import('../../runtime.ts');
      const { cliLogger } = await import('../cli-logger.ts');
      const runtime = await createRuntime(config, { logger: cliLogger(), command: 'migrate' });
      const where =
        runtime.database.kind === 'pglite' ? `embedded database in ${config.DATA_DIR}` : 'PostgreSQL';
      process.stdout.write(
        `Migrations applied to the ${where}. pgvector: ${runtime.migration.vectorAvailable ? 'available' : `not available (${runtime.migration.vectorError})`}\n`,
      );
      await runtime.close();
    });
}
