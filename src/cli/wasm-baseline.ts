// One-shot commands run the embedded database's WebAssembly on V8's baseline compiler (Liftoff)
// only, with a small young generation. The optimising tier compiles the hot part of PostgreSQL's
// 9 MB module on background threads: worth it for a server that runs for days, but for a command
// that lives a minute it costs more CPU than it saves and lifts peak RSS from ~0.4 to ~1.1 GB
// (bench/generate-memory.ts, bench/RESULTS.md). V8 reads these flags only when the process
// starts (setting them later has no effect on wasm), so such a command re-runs itself once with
// them; `serve` and `worker` keep the optimising tier.
import { spawn } from 'node:child_process';

const longRunning = new Set(['serve', 'worker']);
const flags = ['--liftoff-only', '--max-semi-space-size=4'];

/** Resolves when this process may run `command` itself; otherwise runs it in a child and exits. */
export async function runWithBaselineWasm(command: string): Promise<void> {
  if (longRunning.has(command) || process.execArgv.includes(flags[0]!)) return;
  const child = spawn(process.execPath, [...process.execArgv, ...flags, ...process.argv.slice(1)], {
    stdio: 'inherit',
  });
  // Ctrl-C reaches both through the terminal's process group: the child decides how to stop, and
  // this process waits for it. A signal sent to this process alone is passed on.
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.once('exit', (c, s) => resolve([c, s])),
  );
  process.exit(code ?? (signal === 'SIGINT' ? 130 : 1));
}
