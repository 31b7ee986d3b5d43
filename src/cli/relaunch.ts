// Some settings of a process can only be chosen when it starts: V8 reads its wasm flags once, and
// the C allocator is fixed when the dynamic linker loads the program. The CLI picks them per
// command and, when this process was started without them, replaces itself (execve: same PID, so
// tini, Kubernetes and a terminal's Ctrl-C reach the process that does the work) with one that has
// them. bench/RESULTS.md has the measurements behind both choices.
//
// - One-shot commands run the embedded database's WebAssembly on V8's baseline compiler (Liftoff)
//   only, with a small young generation. The optimising tier compiles the hot part of PostgreSQL's
//   9 MB module on background threads: worth it for a server that runs for days, but for a command
//   that lives a minute it costs more CPU than it saves and lifts peak RSS from ~0.4 to ~1.1 GB.
// - `serve` and `worker` run on jemalloc where the system has it (MEMORY_ALLOCATOR). With glibc's
//   malloc, a server running 4 articles held ~1.1 GB, ~700 MB of it freed memory that the main
//   arena never handed back (malloc_trim(0) in the live process took RSS from 1,125 to 425 MB);
//   jemalloc returns it on its own.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { withCompileCache } from '../compile-cache.ts';
import { ConfigError } from '../config-error.ts';

const longRunning = new Set(['serve', 'worker']);
const baselineWasmFlags = ['--liftoff-only', '--max-semi-space-size=4'];
const jemallocName = 'libjemalloc.so.2';

export type MemoryAllocator = 'auto' | 'jemalloc' | 'system';

/** Where distributions install jemalloc's shared library (Debian/Ubuntu multiarch first). */
export function jemallocCandidates(arch: string = process.arch): string[] {
  const triplet = { x64: 'x86_64', arm64: 'aarch64' }[arch] ?? arch;
  return [`/usr/lib/${triplet}-linux-gnu`, '/usr/lib64', '/usr/lib', '/usr/local/lib'].map(
    (dir) => `${dir}/${jemallocName}`,
  );
}

export interface LaunchFacts {
  command: string;
  execArgv: readonly string[];
  allocator: MemoryAllocator;
  /** Whether jemalloc, or any allocator the operator preloads (tcmalloc, mimalloc…), is in this process. */
  allocatorPreloaded: boolean;
  /** The first jemalloc library found on this system, if any (Linux only). */
  jemallocPath: string | undefined;
}

/** What this process must be restarted with, or undefined when it already has what it needs. */
export function relaunchPlan(facts: LaunchFacts): { flags: string[]; preload?: string } | undefined {
  if (!longRunning.has(facts.command)) {
    return facts.execArgv.includes(baselineWasmFlags[0]!) ? undefined : { flags: baselineWasmFlags };
  }
  if (facts.allocator === 'system' || facts.allocatorPreloaded) return undefined;
  if (!facts.jemallocPath) {
    if (facts.allocator === 'auto') return undefined;
    throw new ConfigError([
      `MEMORY_ALLOCATOR: jemalloc was asked for but ${jemallocName} was not found in ${jemallocCandidates().join(', ')}; ` +
        'install it (Debian: libjemalloc2), preload it yourself with LD_PRELOAD, or set MEMORY_ALLOCATOR=system',
    ]);
  }
  return { flags: [], preload: facts.jemallocPath };
}

function allocatorPreloaded(): boolean {
  if (/malloc/.test(process.env.LD_PRELOAD ?? '')) return true;
  try {
    return readFileSync('/proc/self/maps', 'utf8').includes(`/${jemallocName}`);
  } catch {
    return false; // no /proc: not Linux, where the preload is not offered
  }
}

/** Resolves when this process may run `command` itself; otherwise replaces (or, without execve, wraps) it. */
export async function relaunchFor(command: string): Promise<void> {
  let allocator: MemoryAllocator = 'system';
  if (longRunning.has(command) && process.platform === 'linux') {
    const { memoryAllocatorSetting } = await import('../config.ts');
    const parsed = memoryAllocatorSetting.safeParse(process.env.MEMORY_ALLOCATOR || undefined);
    if (!parsed.success) {
      throw new ConfigError([`MEMORY_ALLOCATOR: ${parsed.error.issues[0]?.message ?? 'invalid value'}`]);
    }
    allocator = parsed.data;
  }
  const plan = relaunchPlan({
    command,
    execArgv: process.execArgv,
    allocator,
    allocatorPreloaded: allocator !== 'system' && allocatorPreloaded(),
    jemallocPath: allocator === 'system' ? undefined : jemallocCandidates().find((p) => existsSync(p)),
  });
  if (!plan) return;
  const args = [...process.execArgv, ...plan.flags, ...process.argv.slice(1)];
  const env = withCompileCache({ ...process.env });
  if (plan.preload) env.LD_PRELOAD = [plan.preload, env.LD_PRELOAD].filter(Boolean).join(':');
  if (typeof process.execve === 'function')
    process.execve(process.execPath, [process.execPath, ...args], env);
  await runAsChild(args, env);
}

/** Where execve is missing (Windows): the same command in a child that this process waits for. */
async function runAsChild(args: string[], env: NodeJS.ProcessEnv): Promise<never> {
  const child = spawn(process.execPath, args, { stdio: 'inherit', env });
  // Ctrl-C reaches both through the terminal's process group: the child decides how to stop, and
  // this process waits for it. A signal sent to this process alone is passed on.
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.once('exit', (c, s) => resolve([c, s])),
  );
  process.exit(code ?? (signal === 'SIGINT' ? 130 : 1));
}
