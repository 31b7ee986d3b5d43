// A task that outgrows its process's heap or memory, runs past its time, or whose process dies, is
// refused as a limit (the process ended, not this one), and the pool goes on with a new process.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { privateCompileCacheDir } from '../src/compile-cache.ts';
import { WorkerLimitError, workerPool } from '../src/worker-pool.ts';

const file = new URL('./support/hungry-worker.ts', import.meta.url);
const pool = workerPool<string, string | null>({
  file,
  maxWorkers: 1,
  heapMb: 32,
  memoryMb: 96,
  timeoutMs: 20_000,
});
// A heap large enough that one string's doubling at its limit needs more than V8 grants a thread to
// stop in: on a thread, that aborted the whole process.
const roomy = workerPool<string, string | null>({
  file,
  maxWorkers: 1,
  heapMb: 256,
  memoryMb: 2048,
  timeoutMs: 20_000,
});
afterAll(() => Promise.all([pool.close(), roomy.close()]));

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e,
  );

describe('workerPool', () => {
  it('refuses a task past its heap and runs the next in a new process', async () => {
    const err = await refusal(pool.run('eat'));
    expect(err).toBeInstanceOf(WorkerLimitError);
    expect(err).toMatchObject({ limit: 'memory', message: 'within 32 MB of memory' });
    await expect(pool.run('after')).resolves.toBe('after');
  });

  it('refuses a task whose one allocation outgrows the heap, and this process goes on', async () => {
    const err = await refusal(roomy.run('double'));
    expect(err).toMatchObject({ limit: 'memory', message: 'within 256 MB of memory' });
    await expect(roomy.run('after')).resolves.toBe('after');
  });

  it('refuses a task past its memory outside the heap, which the heap limit does not count', async () => {
    const err = await refusal(pool.run('buffers'));
    expect(err).toBeInstanceOf(WorkerLimitError);
    expect(err).toMatchObject({ limit: 'memory', message: 'within 96 MB of memory' });
    await expect(pool.run('after')).resolves.toBe('after');
  });

  it('refuses a task past its time, or whose process dies, and carries a thrown error across', async () => {
    await expect(refusal(pool.run('spin', { timeoutMs: 300 }))).resolves.toMatchObject({
      limit: 'time',
      message: 'within 0.3 s',
    });
    // The member is told it stopped; the operator is warned, with what it wrote last.
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.message);
    process.on('warning', onWarning);
    await expect(refusal(pool.run('die'))).resolves.toMatchObject({
      limit: 'crash',
      message: 'because its worker process stopped (signal SIGKILL)',
    });
    await new Promise((resolve) => setImmediate(resolve));
    process.off('warning', onWarning);
    expect(warnings).toEqual([expect.stringMatching(/hungry-worker\.ts stopped \(signal SIGKILL\)/)]);
    await expect(refusal(pool.run('throw'))).resolves.toMatchObject({
      name: 'TypeError',
      message: 'bad task',
      code: 'E_BAD',
    });
    await expect(pool.run('after')).resolves.toBe('after');
  });

  it('ends a task’s process when its caller gives up, with the caller’s reason', async () => {
    const controller = new AbortController();
    const running = refusal(pool.run('spin', { signal: controller.signal }));
    setTimeout(() => controller.abort(new Error('gave up')), 200);
    await expect(running).resolves.toMatchObject({ message: 'gave up' });
    await expect(pool.run('after')).resolves.toBe('after');
  });

  it('closes with its processes resting, in a process with nothing else to wait for', () => {
    // Resting processes do not keep a finished command alive, but closing must still hear them end.
    const script = `
      import { workerPool } from ${JSON.stringify(new URL('../src/worker-pool.ts', import.meta.url).href)};
      const pool = workerPool({ file: new URL(${JSON.stringify(file.href)}), maxWorkers: 1, heapMb: 32, memoryMb: 96, timeoutMs: 20000 });
      console.log(await pool.run('echoed'));
      await pool.close();
      console.log('closed');`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.stdout.split('\n').filter(Boolean), run.stderr).toEqual(['echoed', 'closed']);
  });

  it('starts its processes on the compile cache this process uses, and they write it', () => {
    // Named in their environment, the cache is on before their first module is read; ended by a
    // signal, they would never write it at exit.
    const cacheHome = mkdtempSync(path.join(tmpdir(), 'blogsmith-pool-cache-'));
    const cacheDir = privateCompileCacheDir({ XDG_CACHE_HOME: cacheHome });
    const script = `
      import { readdirSync } from 'node:fs';
      import { enablePrivateCompileCache } from ${JSON.stringify(new URL('../src/compile-cache.ts', import.meta.url).href)};
      enablePrivateCompileCache();
      const { workerPool } = await import(${JSON.stringify(new URL('../src/worker-pool.ts', import.meta.url).href)});
      const pool = workerPool({ file: new URL(${JSON.stringify(file.href)}), maxWorkers: 1, heapMb: 32, memoryMb: 96, timeoutMs: 20000 });
      console.log(await pool.run('compile-cache'));
      await pool.close();
      // This process writes its own part of the cache only as it exits.
      const files = readdirSync(${JSON.stringify(cacheDir)}, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
      console.log(files.length > 0 ? 'written' : 'empty');`;
    try {
      const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
        encoding: 'utf8',
        timeout: 20_000,
        env: { ...process.env, XDG_CACHE_HOME: cacheHome, NODE_COMPILE_CACHE: '' },
      });
      expect(run.stdout.split('\n').filter(Boolean), run.stderr).toEqual([cacheDir, 'written']);
    } finally {
      rmSync(cacheHome, { recursive: true, force: true });
    }
  });

  it('ends a busy worker process when the process it works for is killed outright', async () => {
    // Its task's time is kept by that process: with it gone, a synchronous loop would run on.
    const script = `
      import { workerPool } from ${JSON.stringify(new URL('../src/worker-pool.ts', import.meta.url).href)};
      const pool = workerPool({ file: new URL(${JSON.stringify(file.href)}), maxWorkers: 1, heapMb: 32, memoryMb: 96, timeoutMs: 120000 });
      await pool.run('ready');
      pool.run('spin').catch(() => {});
      setTimeout(() => console.log('spinning'), 300);
      setInterval(() => {}, 1000);`;
    const parent = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve) =>
      parent.stdout.on('data', (d) => String(d).includes('spinning') && resolve()),
    );
    const workers = readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry))
      .filter((pid) => {
        try {
          const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
          return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === parent.pid;
        } catch {
          return false;
        }
      });
    expect(workers).toHaveLength(1);
    parent.kill('SIGKILL');
    // Gone, or a zombie waiting for whoever adopted it to reap it.
    const running = () => {
      try {
        const stat = readFileSync(`/proc/${workers[0]}/stat`, 'utf8');
        return stat[stat.lastIndexOf(')') + 2] !== 'Z';
      } catch {
        return false;
      }
    };
    await expect.poll(running, { timeout: 10_000 }).toBe(false);
  });
});
