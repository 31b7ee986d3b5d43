// Starts the real process: runtime, HTTP listener, signal handling.
import { createLocalToken, writeLocalTokenFile } from '../accounts/local-token.ts';
import type { Config } from '../config.ts';
import { warmLanguageData } from '../input/language-data-warmup.ts';
import { registerJobs } from '../jobs/register.ts';
import { exitGracefullyOnSignals } from '../observability/graceful-exit.ts';
import { closeSentry, initSentry } from '../observability/sentry.ts';
import { keepAliveOnUnhandledRejections } from '../observability/unhandled-rejections.ts';
import { createRuntime } from '../runtime.ts';
import { buildServer } from './app.ts';

export async function startServer(config: Config) {
  // The first brief's language check and prompt need ICU's language data: loaded beside start-up.
  warmLanguageData();
  await initSentry(config);
  const runtime = await createRuntime(config, { command: 'server' });
  keepAliveOnUnhandledRejections(runtime.logger);
  registerJobs(runtime);
  const app = await buildServer(runtime);
  // One process on the embedded database (PGlite is one process per data directory); with
  // PostgreSQL, API replicas can leave the jobs to `blogsmith worker` (WORKER_IN_PROCESS=false).
  await runtime.queue.start({ work: runtime.database.kind === 'pglite' || config.WORKER_IN_PROCESS });
  const address = await app.listen({ port: config.PORT, host: config.HOST });
  const shown = address.replace('0.0.0.0', 'localhost').replace('[::]', 'localhost');
  if (runtime.dataDirLock) {
    runtime.localToken = createLocalToken();
    writeLocalTokenFile(config.DATA_DIR, runtime.localToken);
    runtime.dataDirLock.setUrl(shown);
  }
  runtime.logger.info({ url: shown }, `Blogsmith is listening on ${shown}`);
  process.stdout.write(`Blogsmith is running at ${shown}\n`);

  // Stop accepting connections (the event streams ended), let in-flight requests finish, then
  // close pools.
  exitGracefullyOnSignals(runtime.logger, config.SHUTDOWN_TIMEOUT_SECONDS, async () => {
    await app.close();
    await runtime.close();
    await closeSentry();
  });
  return { app, runtime };
}
