// Start-up: `blogsmith --help` (a checkout's main.ts and bin/blogsmith.js, and the installed package)
// and `serve` until /health/ready answers on an existing embedded data directory, via `npm start` and
// directly. Wall and CPU time (the process tree's user + sys when it is ready), medians over
// interleaved rounds (BENCH_ROUNDS, default 7). BENCH_COMPARE=<another checkout with node_modules>
// adds that checkout's `serve` and bin/ `--help` to the same rounds (e.g. the commit before a change),
// its `serve` on its own copy of the data directory.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { treeUsage } from './support/process-tree.ts';
import { runToExit } from './support/processes.ts';

const root = path.resolve(import.meta.dirname, '..');
const node = process.execPath;
const rounds = Number(process.env.BENCH_ROUNDS ?? 7);
function waitExit(child: ChildProcess) {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
  });
}

async function timeCommand(args: string[], cwd = root): Promise<{ wall: number; cpu: number }> {
  const { wallMs, cpuMs } = await runToExit(node, args, { cwd });
  return { wall: wallMs, cpu: cpuMs };
}

async function timeServe(command: string, args: string[], env: NodeJS.ProcessEnv, port: number, cwd = root) {
  const started = performance.now();
  const child = spawn(command, args, { cwd, env, stdio: 'ignore', detached: true });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${command} ${args.join(' ')} exited early`);
      const ok = await fetch(`http://127.0.0.1:${port}/health/ready`)
        .then((r) => r.status === 200)
        .catch(() => false);
      if (ok) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    return { wall: performance.now() - started, cpu: treeUsage(child.pid!).cpuMs };
  } finally {
    process.kill(-child.pid!, 'SIGTERM');
    await waitExit(child);
  }
}

function gitHead(dir: string): string {
  return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: dir, encoding: 'utf8' }).trim();
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

const dataDir = mkdtempSync(path.join(tmpdir(), 'blogsmith-startup-'));
const compare = process.env.BENCH_COMPARE ? path.resolve(process.env.BENCH_COMPARE) : undefined;
const compareEnv = {
  ...process.env,
  DATA_DIR: `${dataDir}-compare`,
  PORT: '',
  HOST: '127.0.0.1',
  LOG_LEVEL: 'warn',
};
const port = 39_000 + Math.floor(Math.random() * 1000);
const serveEnv = {
  ...process.env,
  DATA_DIR: dataDir,
  PORT: String(port),
  HOST: '127.0.0.1',
  LOG_LEVEL: 'warn',
};
try {
  if (!existsSync(path.join(root, 'dist/cli/main.js'))) {
    process.stderr.write('building dist/ (npm run build:cli)…\n');
    execFileSync('npm', ['run', '--silent', 'build:cli'], { cwd: root, stdio: 'inherit' });
  }
  execFileSync(node, ['web/build.ts'], { cwd: root, stdio: 'ignore' });
  // The first start creates and migrates the data directory; every measured start finds it existing.
  await timeServe(node, ['src/cli/main.ts', 'serve'], serveEnv, port);
  if (compare) {
    compareEnv.PORT = String(port + 1);
    await timeServe(node, ['src/cli/main.ts', 'serve'], compareEnv, port + 1, compare);
  }

  const variants: Array<{ name: string; run: () => Promise<{ wall: number; cpu: number }> }> = [
    { name: '`node -e 0` (floor)', run: () => timeCommand(['-e', '0']) },
    { name: '`node src/cli/main.ts --help`', run: () => timeCommand(['src/cli/main.ts', '--help']) },
    // What `npx blogsmith` runs in a checkout.
    { name: '`node bin/blogsmith.js --help`', run: () => timeCommand(['bin/blogsmith.js', '--help']) },
    {
      name: '`node dist/cli/main.js --help` (installed package)',
      run: () => timeCommand(['dist/cli/main.js', '--help']),
    },
    {
      name: '`node src/cli/main.ts serve` → ready',
      run: () => timeServe(node, ['src/cli/main.ts', 'serve'], serveEnv, port),
    },
    { name: '`npm start` → ready', run: () => timeServe('npm', ['start', '--silent'], serveEnv, port) },
    ...(compare
      ? [
          {
            name: `\`node bin/blogsmith.js --help\`, ${path.basename(compare)} (${gitHead(compare)})`,
            run: () => timeCommand(['bin/blogsmith.js', '--help'], compare),
          },
          {
            name: `\`node src/cli/main.ts serve\` → ready, ${path.basename(compare)} (${gitHead(compare)})`,
            run: () => timeServe(node, ['src/cli/main.ts', 'serve'], compareEnv, port + 1, compare),
          },
        ]
      : []),
  ];
  const results = new Map(variants.map((v) => [v.name, { wall: [] as number[], cpu: [] as number[] }]));
  const loads: number[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const v of variants) {
      const r = await v.run();
      results.get(v.name)!.wall.push(r.wall);
      results.get(v.name)!.cpu.push(r.cpu);
    }
    loads.push(loadavg()[0]!);
    process.stderr.write(`round ${round + 1}/${rounds}\n`);
  }
  const lines = [
    `Node ${process.version}, commit ${gitHead(root)}, ${rounds} interleaved rounds, load average ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}, ${new Date().toISOString()}`,
    '',
    '| variant | wall median | CPU median (user + sys) |',
    '| --- | --- | --- |',
    ...variants.map((v) => {
      const r = results.get(v.name)!;
      return `| ${v.name} | ${median(r.wall).toFixed(0)} ms | ${median(r.cpu).toFixed(0)} ms |`;
    }),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(`${dataDir}-compare`, { recursive: true, force: true });
}
