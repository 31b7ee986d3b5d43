// How a long-running CLI command reaches Blogsmith's API: the server already holding the embedded
// data directory (through its local token), or — when none runs, or on PostgreSQL — an API and a
// worker started inside this process on a loopback port. Either way the command is an HTTP client
// of the same API the web app uses.
import { createLocalToken, readLocalTokenFile } from '../accounts/local-token.ts';
import type { Config } from '../config.ts';
import { DataDirBusyError, dataDirHolder } from '../db/data-dir-lock.ts';
import { AppError } from '../errors.ts';
import { registerJobs } from '../jobs/register.ts';
import { createRuntime } from '../runtime.ts';
import { buildServer } from '../server/app.ts';
import { trustedFetch } from '../trusted-fetch.ts';
import { cliLogger } from './cli-logger.ts';

export interface ApiConnection {
  baseUrl: string;
  /** Where it runs: "server at …" or "in this process". */
  where: string;
  /** Whether the API (and its worker) runs in this process. */
  local: boolean;
  request(method: string, url: string, body?: unknown): Promise<Response>;
  json<T>(method: string, url: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
}

function connection(
  baseUrl: string,
  token: string,
  where: string,
  close: () => Promise<void>,
  local = false,
): ApiConnection {
  // The operator's own server (src/trusted-fetch.ts), not the global fetch: in a fresh process the
  // global fetch's first request costs ~40 ms more (undici started, its wasm parser compiled), and
  // this command's first request is the article's POST, the run waiting behind it (bench/RESULTS.md,
  // "The embedded database on a thread of its own", 2026-12-06).
  const request = (method: string, url: string, body?: unknown) =>
    trustedFetch(new URL(url, baseUrl), {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined && !(body instanceof FormData) ? { 'content-type': 'application/json' } : {}),
      },
      ...(body === undefined ? {} : { body: body instanceof FormData ? body : JSON.stringify(body) }),
    });
  // Once, however often asked: a Ctrl-C's cancel closes it while the command's own end may too.
  let closing: Promise<void> | undefined;
  return {
    baseUrl,
    where,
    local,
    request,
    async json<T>(method: string, url: string, body?: unknown) {
      const res = await request(method, url, body);
      const text = await res.text();
      const parsed = text ? (JSON.parse(text) as unknown) : undefined;
      if (!res.ok) {
        const error = (
          parsed as { error?: { code?: string; message?: string; details?: unknown } } | undefined
        )?.error;
        throw new AppError(
          (error?.code as ConstructorParameters<typeof AppError>[0]) ?? 'internal_error',
          error?.message ?? `HTTP ${res.status}`,
          error?.details,
        );
      }
      return parsed as T;
    },
    close() {
      closing ??= close();
      return closing;
    },
  };
}

export async function connectToApi(config: Config, command: string): Promise<ApiConnection> {
  let runtime: Awaited<ReturnType<typeof createRuntime>>;
  try {
    runtime = await createRuntime(config, { logger: cliLogger('error'), command: `CLI (${command})` });
  } catch (err) {
    if (!(err instanceof DataDirBusyError)) throw err;
    const url = dataDirHolder(config.DATA_DIR)?.url;
    const token = readLocalTokenFile(config.DATA_DIR);
    if (!url || !token) {
      throw new AppError(
        'conflict',
        `${err.message} It has not published its address yet; try again in a moment.`,
      );
    }
    return connection(url, token, `the server at ${url}`, async () => {});
  }
  const app = await buildServer(runtime, { requestLog: false });
  try {
    runtime.localToken = createLocalToken();
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    registerJobs(runtime);
    await runtime.queue.start({ work: true });
    return connection(
      url,
      runtime.localToken,
      'this process',
      async () => {
        await app.close();
        await runtime.close();
      },
      true,
    );
  } catch (err) {
    await app.close().catch(() => {});
    await runtime.close();
    throw err;
  }
}
