// `npm run bench -- NAME [args]` runs bench/NAME.ts (its own arguments and BENCH_* variables
// pass through); without a name it lists the benchmarks with the first line of each one's header.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const benchDir = import.meta.dirname;

function benchmarks(): Array<{ name: string; summary: string }> {
  return readdirSync(benchDir)
    .filter((f) => f.endsWith('.ts') && f !== 'run.ts')
    .sort()
    .map((f) => {
      const header = readFileSync(path.join(benchDir, f), 'utf8').match(/^(\/\/.*\n)+/)?.[0] ?? '';
      const text = header
        .replace(/^\/\/\s*/gm, '')
        .replace(/\s+/g, ' ')
        .trim();
      return { name: f.replace(/\.ts$/, ''), summary: text.length > 90 ? `${text.slice(0, 89)}…` : text };
    });
}

function list(out: NodeJS.WriteStream) {
  out.write(
    'Usage: npm run bench -- NAME [args]\n\nBenchmarks (bench/NAME.ts; results in bench/RESULTS.md):\n',
  );
  const all = benchmarks();
  const width = Math.max(...all.map((b) => b.name.length));
  for (const b of all) out.write(`  ${b.name.padEnd(width)}  ${b.summary}\n`);
}

const [name, ...args] = process.argv.slice(2);
if (!name || name === '--help' || name === '-h') {
  list(process.stdout);
} else if (!benchmarks().some((b) => b.name === name)) {
  process.stderr.write(`No benchmark named "${name}".\n\n`);
  list(process.stderr);
  process.exitCode = 2;
} else {
  const child = spawn(process.execPath, [path.join(benchDir, `${name}.ts`), ...args], { stdio: 'inherit' });
  // Ctrl-C reaches the child through the terminal's process group; the runner just waits for it.
  process.on('SIGINT', () => {});
  child.on('exit', (code, signal) => {
    process.exitCode = code ?? (signal ? 1 : 0);
  });
}
