// Child processes for benchmarks: start one, wait for the line that says it is ready, stop it; or
// run one to its end.
import { type ChildProcess, spawn } from 'node:child_process';
import { treeUsage } from './process-tree.ts';

export interface Started {
  child: ChildProcess;
  /** The first capture group of `ready` in the child's output. */
  match: string;
  stop(): Promise<void>;
}

export function startProcess(
  command: string,
  args: string[],
  ready: RegExp,
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number; uid?: number; gid?: number } = {},
): Promise<Started> {
  const child = spawn(command, args, {
    env: opts.env ?? process.env,
    cwd: opts.cwd,
    ...(opts.uid !== undefined ? { uid: opts.uid } : {}),
    ...(opts.gid !== undefined ? { gid: opts.gid } : {}),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    });
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => {
      void stop();
      reject(
        new Error(`${command} ${args.join(' ')} not ready after ${opts.timeoutMs ?? 60_000} ms:\n${seen}`),
      );
    }, opts.timeoutMs ?? 60_000);
    const onData = (data: Buffer) => {
      seen += data.toString();
      const m = ready.exec(seen);
      if (m) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.stderr?.off('data', onData);
        child.stdout?.resume();
        child.stderr?.resume();
        resolve({ child, match: m[1] ?? m[0], stop });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${command} exited with ${code} before it was ready:\n${seen}`));
    });
  });
}

/**
 * Runs a command to its end: its wall time, and the most CPU (user + sys) and summed resident memory
 * its process tree showed, sampled every 5 ms. A non-zero exit is an error.
 */
export async function runToExit(
  command: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; uid?: number; gid?: number } = {},
): Promise<{ wallMs: number; cpuMs: number; peakRssKb: number }> {
  const started = performance.now();
  const child = spawn(command, args, {
    env: opts.env ?? process.env,
    cwd: opts.cwd,
    ...(opts.uid !== undefined ? { uid: opts.uid } : {}),
    ...(opts.gid !== undefined ? { gid: opts.gid } : {}),
    stdio: 'ignore',
  });
  let cpuMs = 0;
  let peakRssKb = 0;
  const sampler = setInterval(() => {
    const usage = treeUsage(child.pid as number);
    cpuMs = Math.max(cpuMs, usage.cpuMs);
    peakRssKb = Math.max(peakRssKb, usage.rssKb);
  }, 5);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearInterval(sampler);
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${code}`);
  return { wallMs: performance.now() - started, cpuMs, peakRssKb };
}
