// The OpenAPI document the server serves at /docs/json, built in-process (an in-memory embedded
// database, no listening) so the web app's types can be generated from it and checked for staleness.
import pino from 'pino';
import { loadConfig } from '../config.ts';
import { createRuntime } from '../runtime.ts';
import { buildServer } from './app.ts';

export async function buildOpenApiDocument(): Promise<Record<string, unknown>> {
  const config = loadConfig({
    ENVIRONMENT: 'test',
    LOG_LEVEL: 'silent',
    SECRET_KEY: 'openapi-document-only-secret-key-0123456789',
  });
  const runtime = await createRuntime(config, { dataDir: 'memory://', logger: pino({ level: 'silent' }) });
  try {
    const app = await buildServer(runtime);
    try {
      await app.ready();
      return app.swagger() as unknown as Record<string, unknown>;
    } finally {
      await app.close();
    }
  } finally {
    await runtime.close();
  }
}
