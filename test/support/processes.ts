// Real child processes for tests: spawn one with its output captured, wait for a line or a
// condition, stop it; and the `blogsmith` CLI on top of that (`serve` on a free port, `worker`, a
// command run to its end). Every process-level test uses these, so a change in how the CLI
// announces itself is fixed here once.
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';

// The command as `npx blogsmith` runs it in a checkout (bin/ turns the compile cache on, then loads
// src/cli/main.ts).
export const mainScript = path.resolve(import.meta.dirname, '../../bin/blogsmith.js');
export const testSecretKey = 'smoke-secret-key-that-is-long-enough-0123456789';
// Loading the app's modules alone takes seconds of CPU; on a loaded 2-core machine, far longer.
const startTimeoutMs = 120_000;

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export interface Captured {
  child: ChildProcess;
  /** stdout and stderr so far, interleaved as they arrived (a chunk of one may split a line of the other). */
  output(): string;
  /** stderr alone, its lines whole. */
  stderr(): string;
  /** Resolves with the exit code (null when ended by a signal) once the process has ended. */
  exited: Promise<number | null>;
  /** Resolves once the output contains `text`; rejects if the process exits or `timeoutMs` passes. */
  waitFor(text: string | RegExp, timeoutMs?: number): Promise<void>;
  /** Sends `signal` (SIGTERM by default) unless it has ended, and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export function spawnCaptured(
  command: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; uid?: number; gid?: number } = {},
): Captured {
  const child = spawn(command, args, {
    env: opts.env ?? process.env,
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
    ...(opts.uid !== undefined ? { uid: opts.uid } : {}),
    ...(opts.gid !== undefined ? { gid: opts.gid } : {}),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const waiters = new Set<() => void>();
  const append = (d: Buffer) => {
    out += String(d);
    for (const check of waiters) check();
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', (d: Buffer) => {
    err += String(d);
    append(d);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ended = () => child.exitCode !== null || child.signalCode !== null;
  return {
    child,
    output: () => out,
    stderr: () => err,
    exited,
    waitFor(text, timeoutMs = 60_000) {
      const seen = () => (typeof text === 'string' ? out.includes(text) : text.test(out));
      if (seen()) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const done = (err?: Error) => {
          waiters.delete(check);
          clearTimeout(timer);
          if (err) reject(err);
          else resolve();
        };
        const check = () => seen() && done();
        const timer = setTimeout(
          () => done(new Error(`${command}: no ${String(text)} after ${timeoutMs} ms:\n${out}`)),
          timeoutMs,
        );
        waiters.add(check);
        void exited.then((code) => done(new Error(`${command} exited with ${code}:\n${out}`)));
      });
    },
    async stop(signal = 'SIGTERM') {
      if (!ended()) child.kill(signal);
      await exited;
    },
  };
}

/** Starts a `blogsmith` command with only the given environment (plus PATH and HOME). */
export function runCli(args: string[], env: Record<string, string>): ChildProcess {
  return startCli(args, env).child;
}

function startCli(args: string[], env: Record<string, string>): Captured {
  // The test runner is Node 24 already; its binary runs the TypeScript entry directly.
  return spawnCaptured(process.execPath, [mainScript, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
  });
}

/** Runs a `blogsmith` command to its end; output and exit code. */
export async function cliRun(args: string[], env: Record<string, string>) {
  const child = runCli(args, { LOG_LEVEL: 'silent', SECRET_KEY: testSecretKey, ...env });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => {
    stdout += String(d);
  });
  child.stderr?.on('data', (d) => {
    stderr += String(d);
  });
  const started = Date.now();
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  return { code, stdout, stderr, ms: Date.now() - started };
}

export interface ServerProcess extends Captured {
  port: number;
  base: string;
}

/** `blogsmith serve` on a free loopback port, resolved once it says it is running. */
export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const port = await freePort();
  const server = startCli(['serve'], {
    ENVIRONMENT: 'test',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    PORT: String(port),
    SECRET_KEY: testSecretKey,
    ...env,
  });
  await server.waitFor('Blogsmith is running at', startTimeoutMs).catch(async (err) => {
    await server.stop('SIGKILL');
    throw err;
  });
  return { ...server, port, base: `http://127.0.0.1:${port}` };
}

export interface WorkerProcess extends Captured {
  /** Where its /health and /metrics answer (WORKER_METRICS_PORT). */
  metricsBase: string;
}

/** `blogsmith worker` with its metrics listener on a free port, resolved once it is working jobs. */
export async function startWorkerProcess(env: Record<string, string>): Promise<WorkerProcess> {
  const metricsPort = await freePort();
  const worker = startCli(['worker'], {
    ENVIRONMENT: 'test',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    SECRET_KEY: testSecretKey,
    WORKER_METRICS_PORT: String(metricsPort),
    ...env,
  });
  await worker.waitFor('worker is running', startTimeoutMs).catch(async (err) => {
    await worker.stop('SIGKILL');
    throw err;
  });
  return { ...worker, metricsBase: `http://127.0.0.1:${metricsPort}` };
}
