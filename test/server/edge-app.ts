// A full in-process server like test/support/app.ts, with a hook to add test-only routes
// before the app is sealed, and an optional logger to capture log output.
import { randomBytes } from 'node:crypto';
import pino, { type Logger } from 'pino';
import { loadConfig } from '../../src/config.ts';
import { createRuntime, type Runtime } from '../../src/runtime.ts';
import { type App, buildServer } from '../../src/server/app.ts';
import { type Backend, createTestDatabase } from '../support/database.ts';

export interface EdgeApp {
  app: App;
  runtime: Runtime;
  close(): Promise<void>;
}

export interface EdgeAppOptions {
  env?: Record<string, string>;
  routes?: (app: App) => void | Promise<void>;
  logger?: Logger;
  redisKeyPrefix?: string;
}

export async function createEdgeApp(backend: Backend, opts: EdgeAppOptions = {}): Promise<EdgeApp> {
  const database = await createTestDatabase(backend);
  const config = loadConfig({
    ENVIRONMENT: 'test',
    LOG_LEVEL: 'silent',
    SECRET_KEY: 'test-secret-key-that-is-long-enough-0123456789',
    ...(database.url ? { DATABASE_URL: database.url } : {}),
    ...opts.env,
  });
  const runtime = await createRuntime(config, {
    dataDir: database.dataDir,
    logger: opts.logger ?? pino({ level: 'silent' }),
    redisKeyPrefix: opts.redisKeyPrefix ?? `test-${randomBytes(6).toString('hex')}:`,
  });
  const app = await buildServer(runtime);
  await opts.routes?.(app);
  await app.ready();
  return {
    app,
    runtime,
    async close() {
      await app.close();
      await runtime.close();
      await database.drop();
    },
  };
}
