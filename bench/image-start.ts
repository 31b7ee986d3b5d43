// The Docker image's processes started with and without its built-in compile cache (deploy/Dockerfile,
// deploy/warm-compile-cache.mjs): as the image's user 10001, with the image's environment and a home
// it cannot write, from this checkout. `serve` on an existing embedded data directory and `worker` on
// PostgreSQL (a database of its own on TEST_POSTGRES_URL's server) until they say they are running;
// `migrate` (what the Compose and Helm jobs run; like every command but those two, it relaunches with
// V8 flags of its own) to its end; a page extractor's and a document reader's worker process until
// ready. Wall time and the process's CPU (user + sys) to that point, its resident memory a moment
// later (3 s; 1.5 s for the worker processes); medians (min–max) over interleaved rounds
// (BENCH_ROUNDS, default 5). Runs as root, as the image's build does, to start processes as another
// user.
import { execFileSync, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { createTestDatabase } from '../test/support/database.ts';
import { treeUsage } from './support/process-tree.ts';
import { runToExit, startProcess } from './support/processes.ts';

const root = path.resolve(import.meta.dirname, '..');
const node = process.execPath;
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const user = { uid: 10001, gid: 10001 };
if (process.getuid?.() !== 0) {
  console.error('bench/image-start.ts starts processes as the image user 10001: run it as root');
  process.exit(1);
}

const work = mkdtempSync(path.join(tmpdir(), 'blogsmith-image-start-'));
chmodSync(work, 0o755);
const dataDir = path.join(work, 'data');
mkdirSync(dataDir);
chownSync(dataDir, user.uid, user.gid);
const cache = path.join(work, 'cache');
// The image's ENV (deploy/Dockerfile), on loopback, and a home the user cannot write (the image's
// /app is root's): no process can make a cache of its own.
const imageEnv = {
  PATH: process.env.PATH ?? '',
  HOME: '/nonexistent',
  NODE_ENV: 'production',
  ENVIRONMENT: 'production',
  LOG_FORMAT_JSON: 'true',
  LOG_LEVEL: 'warn',
  HOST: '127.0.0.1',
  PORT: '0',
  WORKER_METRICS_PORT: '0',
  DATA_DIR: dataDir,
  SECRET_KEY: randomBytes(32).toString('hex'),
};
const postgres = await createTestDatabase('postgres');

interface Sample {
  wallMs: number;
  cpuMs: number;
  rssMb: number;
}
type Start = (env: NodeJS.ProcessEnv) => Promise<Sample>;

const rssMb = (pid: number) => treeUsage(pid).rssKb / 1024;

const command =
  (args: string[], ready: RegExp, extraEnv: NodeJS.ProcessEnv = {}): Start =>
  async (env) => {
    const started = performance.now();
    const run = await startProcess(node, ['bin/blogsmith.js', ...args], ready, {
      cwd: root,
      env: { ...env, ...extraEnv },
      timeoutMs: 120_000,
      ...user,
    });
    const wallMs = performance.now() - started;
    const pid = run.child.pid as number;
    const { cpuMs } = treeUsage(pid);
    await sleep(3000);
    const sample = { wallMs, cpuMs, rssMb: rssMb(pid) };
    await run.stop();
    return sample;
  };

/** A command that ends by itself (it relaunches with V8 flags of its own): to its exit; its peak RSS. */
const oneShot =
  (args: string[]): Start =>
  async (env) => {
    const run = await runToExit(node, ['bin/blogsmith.js', ...args], { cwd: root, env, ...user });
    return { wallMs: run.wallMs, cpuMs: run.cpuMs, rssMb: run.peakRssKb / 1024 };
  };

const workerProcess =
  (file: string): Start =>
  async (env) => {
    const started = performance.now();
    const child = fork(
      path.join(root, 'src/worker-process.ts'),
      [pathToFileURL(path.join(root, file)).href],
      {
        cwd: root,
        env,
        ...user,
        serialization: 'advanced',
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      },
    );
    await new Promise((resolve) => child.once('message', resolve));
    const wallMs = performance.now() - started;
    const { cpuMs } = treeUsage(child.pid as number);
    await sleep(1500);
    const sample = { wallMs, cpuMs, rssMb: rssMb(child.pid as number) };
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.disconnect();
    await exited;
    return sample;
  };

const starts: Array<[string, Start]> = [
  ['serve (embedded database)', command(['serve'], /Blogsmith is running at/)],
  [
    'worker (PostgreSQL)',
    command(['worker'], /Blogsmith worker is running/, { DATABASE_URL: postgres.url as string }),
  ],
  ['migrate (embedded database, nothing to apply), to exit; peak RSS', oneShot(['migrate'])],
  ['page extractor process', workerProcess('src/research/extract-worker.ts')],
  ['document reader process', workerProcess('src/knowledge/parse-worker.ts')],
];

try {
  const built = performance.now();
  execFileSync(node, ['deploy/warm-compile-cache.mjs', cache, `${user.uid}:${user.gid}`], {
    cwd: root,
    env: imageEnv,
    stdio: 'inherit',
  });
  const buildS = (performance.now() - built) / 1000;
  for (const env of [imageEnv, { ...imageEnv, DATABASE_URL: postgres.url as string }]) {
    execFileSync(node, ['bin/blogsmith.js', 'migrate'], { cwd: root, env, stdio: 'ignore', ...user });
  }
  const samples = new Map<string, Sample[]>();
  for (let round = 0; round < rounds; round++) {
    // Alternating which goes first, so that neither always follows the other.
    const ways = round % 2 ? (['cache', 'none'] as const) : (['none', 'cache'] as const);
    for (const [name, start] of starts) {
      for (const way of ways) {
        const env = way === 'cache' ? { ...imageEnv, NODE_COMPILE_CACHE: cache } : imageEnv;
        const key = `${name}|${way}`;
        samples.set(key, [...(samples.get(key) ?? []), await start(env)]);
      }
    }
  }
  const stat = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)] as number;
    return `${median.toFixed(0)} (${(sorted[0] as number).toFixed(0)}–${(sorted.at(-1) as number).toFixed(0)})`;
  };
  console.log(
    `\n${cpus().length} × ${cpus()[0]?.model}, Node ${process.versions.node}, ${rounds} rounds, load ${loadavg()[0]?.toFixed(2)}; cache built in ${buildS.toFixed(1)} s`,
  );
  console.log('| process | compile cache | ready, ms | CPU to ready, ms | RSS after, MB |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const [name] of starts) {
    for (const way of ['none', 'cache'] as const) {
      const s = samples.get(`${name}|${way}`) ?? [];
      console.log(
        `| ${name} | ${way === 'cache' ? "the image's" : 'none'} | ${stat(s.map((x) => x.wallMs))} | ${stat(s.map((x) => x.cpuMs))} | ${stat(s.map((x) => x.rssMb))} |`,
      );
    }
  }
} finally {
  await postgres.drop();
  rmSync(work, { recursive: true, force: true });
}
