// A long-running process asked to stop (SIGTERM) ends either way: exit 0 once its close is done,
// exit 1 when the close fails or outlasts its deadline (SHUTDOWN_TIMEOUT_SECONDS and 5 s for the
// pools) — a worker whose close failed used to stay up, its rejection logged and kept alive.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const helper = path.resolve(import.meta.dirname, '../../src/observability/graceful-exit.ts');

/** A process that closes as `close` says when sent SIGTERM; its exit code and how long it took. */
async function stopped(close: string): Promise<{ code: number | null; ms: number }> {
  const child = spawn(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `const { exitGracefullyOnSignals } = await import(${JSON.stringify(helper)});
       const logger = { info() {}, error() {} };
       exitGracefullyOnSignals(logger, 0, async () => { ${close} });
       setInterval(() => {}, 1000);
       process.stdout.write('ready');`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise((resolve) => child.stdout.once('data', resolve));
  const asked = Date.now();
  child.kill('SIGTERM');
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  return { code, ms: Date.now() - asked };
}

describe('exitGracefullyOnSignals', () => {
  it('exits 0 once closed, 1 when the close fails, and 1 when it outlasts its deadline', async () => {
    const [done, failed, hung] = await Promise.all([
      stopped('await new Promise((r) => setTimeout(r, 50));'),
      stopped("throw new Error('the pool would not close');"),
      stopped('await new Promise(() => {});'),
    ]);
    expect(done.code).toBe(0);
    expect(failed.code).toBe(1);
    expect(hung.code).toBe(1);
    // SHUTDOWN_TIMEOUT_SECONDS 0 here, and the 5 s after it.
    expect(hung.ms).toBeGreaterThanOrEqual(4900);
  }, 60_000);
});
