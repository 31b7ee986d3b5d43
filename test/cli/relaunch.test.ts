// The CLI restarts itself with settings a process can only take at start: baseline-only wasm for
// one-shot commands, jemalloc for `serve` and `worker` (src/cli/relaunch.ts).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { jemallocCandidates, type LaunchFacts, relaunchPlan } from '../../src/cli/relaunch.ts';
import { ConfigError } from '../../src/config-error.ts';
import { cliRun, type ServerProcess, startServerProcess } from '../support/processes.ts';

const facts = (over: Partial<LaunchFacts>): LaunchFacts => ({
  command: 'serve',
  execArgv: [],
  allocator: 'auto',
  allocatorPreloaded: false,
  jemallocPath: '/usr/lib/x86_64-linux-gnu/libjemalloc.so.2',
  ...over,
});

describe('relaunchPlan', () => {
  it('gives one-shot commands baseline-only wasm once, and nothing about the allocator', () => {
    expect(relaunchPlan(facts({ command: 'generate' }))).toEqual({
      flags: ['--liftoff-only', '--max-semi-space-size=4'],
    });
    expect(relaunchPlan(facts({ command: 'generate', execArgv: ['--liftoff-only'] }))).toBeUndefined();
  });

  it('preloads jemalloc for serve and worker unless it is loaded already or the system malloc is asked for', () => {
    for (const command of ['serve', 'worker']) {
      expect(relaunchPlan(facts({ command }))).toEqual({
        flags: [],
        preload: '/usr/lib/x86_64-linux-gnu/libjemalloc.so.2',
      });
    }
    expect(relaunchPlan(facts({ allocatorPreloaded: true }))).toBeUndefined();
    expect(relaunchPlan(facts({ allocator: 'system' }))).toBeUndefined();
  });

  it('runs on the system malloc when jemalloc is missing, unless jemalloc was required', () => {
    expect(relaunchPlan(facts({ jemallocPath: undefined }))).toBeUndefined();
    expect(() => relaunchPlan(facts({ allocator: 'jemalloc', jemallocPath: undefined }))).toThrow(
      ConfigError,
    );
  });

  it("looks where Debian, Fedora and Alpine install it, the machine's multiarch folder first", () => {
    expect(jemallocCandidates('arm64')[0]).toBe('/usr/lib/aarch64-linux-gnu/libjemalloc.so.2');
    expect(jemallocCandidates('x64')).toContain('/usr/lib64/libjemalloc.so.2');
  });
});

describe('blogsmith serve', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'blogsmith-relaunch-'));
  let server: ServerProcess | undefined;
  afterAll(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs on jemalloc, in the process that was started (execve keeps its PID)', async () => {
    // CI installs Debian's libjemalloc2 (.ci/run); without it this test has nothing to check.
    expect(jemallocCandidates().some((p) => existsSync(p))).toBe(true);
    server = await startServerProcess({ DATA_DIR: path.join(dataDir, 'data') });
    const maps = readFileSync(`/proc/${server.child.pid}/maps`, 'utf8');
    expect(maps).toContain('/libjemalloc.so.2');
    expect((await fetch(`${server.base}/health/ready`)).status).toBe(200);
  });

  it('names its compile cache to the process it becomes, which has it on from its first module', () => {
    // Started on main.ts, the cache came after main.ts's imports; relaunched, it is on from the start.
    const environ = readFileSync(`/proc/${server!.child.pid}/environ`, 'utf8').split('\0');
    expect(environ.find((v) => v.startsWith('NODE_COMPILE_CACHE='))).toMatch(
      /^NODE_COMPILE_CACHE=.*\/blogsmith\/node-compile-cache$/,
    );
  });

  it('refuses an unknown MEMORY_ALLOCATOR before starting, with exit code 2', async () => {
    const run = await cliRun(['serve'], {
      MEMORY_ALLOCATOR: 'tcmalloc',
      DATA_DIR: path.join(dataDir, 'other'),
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('MEMORY_ALLOCATOR');
  });
});
