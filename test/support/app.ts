// Builds a complete in-process server on a test database for `app.inject` tests.
import pino from 'pino';
import { type Config, loadConfig } from '../../src/config.ts';
import { registerJobs } from '../../src/jobs/register.ts';
import { createRuntime, type Runtime } from '../../src/runtime.ts';
import { type App, buildServer } from '../../src/server/app.ts';
import { type Backend, createTestDatabase } from './database.ts';

export interface TestApp {
  app: App;
  runtime: Runtime;
  config: Config;
  close(): Promise<void>;
}

export async function createTestApp(backend: Backend, env: Record<string, string> = {}): Promise<TestApp> {
  const database = await createTestDatabase(backend);
  const config = loadConfig({
    ENVIRONMENT: 'test',
    LOG_LEVEL: 'silent',
    SECRET_KEY: 'test-secret-key-that-is-long-enough-0123456789',
    ...(database.url ? { DATABASE_URL: database.url } : {}),
    ...env,
  });
  const runtime = await createRuntime(config, {
    dataDir: database.dataDir,
    logger: pino({ level: 'silent' }),
  });
  // Like `serve`: any test may start working jobs.
  registerJobs(runtime);
  const app = await buildServer(runtime);
  await app.ready();
  return {
    app,
    runtime,
    config,
    async close() {
      await app.close();
      await runtime.close();
      await database.drop();
    },
  };
}
