import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliLogger } from '../../src/cli/cli-logger.ts';
import { AppError } from '../../src/errors.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { createEdgeApp, type EdgeApp } from '../server/edge-app.ts';

const apiKey = 'bsk_live_9f8e7d6c5b4a39281706';
const cookie = 'blogsmith_session=s3ss10n-v4lue-abcdef';
const password = 'correct-horse-battery-staple';

// The server's logger, and a command's: `blogsmith generate` runs the server in its own process and
// logs its failed requests (with their headers) to the terminal.
const loggers: Array<[string, (sink: Writable) => Logger]> = [
  ['the server', (sink) => createLogger({ LOG_LEVEL: 'info', LOG_FORMAT_JSON: true }, sink)],
  ['a command', (sink) => cliLogger('warn', sink)],
];

const linesSink = () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, sink };
};

describe.each(loggers)('request logging by %s', (_, loggerOn) => {
  it('logs id, method, route, status and duration with credentials redacted', async () => {
    const { lines, sink } = linesSink();
    const logger = loggerOn(sink);
    const t = await createEdgeApp('pglite', {
      logger,
      routes: (app) => {
        app.post('/test/login/:tenant', async (request) => {
          request.log.warn({ body: request.body }, 'login attempt');
          throw new Error('downstream failure');
        });
      },
    });
    try {
      const res = await t.app.inject({
        method: 'POST',
        url: '/test/login/acme',
        headers: { authorization: `Bearer ${apiKey}`, cookie, 'x-request-id': 'log-test-1' },
        payload: { email: 'a@example.com', password },
      });
      expect(res.statusCode).toBe(500);
    } finally {
      await t.close();
    }
    const output = lines.join('\n');
    expect(output).not.toContain(apiKey);
    expect(output).not.toContain('s3ss10n');
    expect(output).not.toContain(password);

    // JSON.parse keeps the last of duplicate keys, so count them in the raw lines.
    for (const line of lines) expect(line.match(/"reqId":/g)?.length ?? 0, line).toBeLessThanOrEqual(1);
    const entries = lines.map((l) => JSON.parse(l));
    const done = entries.find((e) => e.msg === 'request failed');
    expect(done).toMatchObject({
      reqId: 'log-test-1',
      method: 'POST',
      route: '/test/login/:tenant',
      path: '/test/login/acme',
      status: 500,
    });
    expect(done.duration_ms).toBeGreaterThanOrEqual(0);
    expect(done.headers.authorization).toBe('[redacted]');
    expect(done.headers.cookie).toBe('[redacted]');
    expect(entries.find((e) => e.msg === 'login attempt').body.password).toBe('[redacted]');
  });
});

describe('request logging of a 503', () => {
  it('logs a dependency briefly away at warn, not as an error per request', async () => {
    const { lines, sink } = linesSink();
    const t = await createEdgeApp('pglite', {
      logger: createLogger({ LOG_LEVEL: 'info', LOG_FORMAT_JSON: true }, sink),
      routes: (app) => {
        app.get('/test/unavailable', async () => {
          throw new AppError('service_unavailable', 'The database cannot be reached', undefined, {
            retryAfterSeconds: 5,
          });
        });
      },
    });
    try {
      expect((await t.app.inject({ method: 'GET', url: '/test/unavailable' })).statusCode).toBe(503);
    } finally {
      await t.close();
    }
    const entries = lines.map((l) => JSON.parse(l));
    expect(entries.find((e) => e.status === 503)).toMatchObject({
      level: 40,
      msg: 'request refused: unavailable',
    });
    expect(entries.some((e) => e.level >= 50)).toBe(false);
  });
});

describe('request logging of a path that carries a secret', () => {
  it("logs an invitation's path without its token, which would let a log reader accept it", async () => {
    const { lines, sink } = linesSink();
    const token = '0b7f0a7e-1d7c-4a63-9a70-2f3e0e5b8c11.Zm9yZ2VkLXNpZ25hdHVyZS12YWx1ZQ';
    const t = await createEdgeApp('pglite', {
      logger: createLogger({ LOG_LEVEL: 'info', LOG_FORMAT_JSON: true }, sink),
    });
    try {
      // The API's route (a forged token: 404), and the web app's link the browser opens first.
      await t.app.inject({
        method: 'POST',
        url: `/api/v1/invitations/${token}/accept`,
        headers: { referer: `http://localhost/invite/${token}` },
      });
      await t.app.inject({
        method: 'GET',
        url: `/invite/${token}?from=mail`,
        headers: { accept: 'text/html' },
      });
    } finally {
      await t.close();
    }
    expect(lines.join('\n')).not.toContain(token.split('.')[1]);
    const paths = lines
      .map((l) => JSON.parse(l))
      .filter((e) => e.path)
      .map((e) => e.path);
    expect(paths).toEqual(['/api/v1/invitations/[token]/accept', '/invite/[token]']);
  });
});

describe.each(loggers)('failed queries in the log of %s', (_, loggerOn) => {
  const { lines, sink } = linesSink();
  const logger = loggerOn(sink);
  const hash = 'scrypt$16384$8$1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo';
  let t: EdgeApp;
  beforeAll(async () => {
    t = await createEdgeApp('pglite', {
      logger,
      routes: (app) => {
        app.post('/test/failing-insert', async () => {
          // A real Drizzle failure whose parameters hold a secret: NUL cannot be stored in text.
          await app.runtime.database.db.execute(
            sql`INSERT INTO users (email, password_hash, name) VALUES (${'x@example.com'}, ${hash}, ${'bad\u0000name'})`,
          );
          return {};
        });
      },
    });
  });
  afterAll(async () => t?.close());

  it('keep the statement and the reason but never the parameter values', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/test/failing-insert', payload: {} });
    expect(res.statusCode).toBe(500);
    // PostgreSQL quotes the offending value in its own message: that is removed too.
    await t.runtime.database.db
      .execute(sql`SELECT ${hash}::int`)
      .catch((err) => logger.warn({ err }, 'direct'));
    const output = lines.join('\n');
    expect(output).toContain('Failed query');
    expect(output).toContain('[redacted]');
    expect(output).not.toContain(hash);
    expect(output).not.toContain('x@example.com');
    const entries = lines.map((l) => JSON.parse(l));
    expect(entries.find((e) => e.msg === 'unhandled error').err.message).toMatch(/insert into users/i);
    expect(entries.find((e) => e.msg === 'direct').err.stack).toMatch(
      /invalid input syntax for type integer: "\[redacted\]"/,
    );
  });
});
