// Memory of `blogsmith generate` (issue 13, item 7): peak memory of the CLI process writing a
// 1,500-word web-researched article on an existing embedded data directory, against the fake
// writer model (BENCH_PER_TOKEN_MS, default 1) and a fake web of 6 pages; wall and CPU beside it.
// Memory of the command and its children (the page extractor is a process): the peak of their
// summed resident sets, and of their summed proportional sets — the node binary's pages, mapped by
// both, counted once (bench/support/process-tree.ts).
// Variants run interleaved: the CLI as shipped, and with extra Node flags (BENCH_VARIANTS, a
// `|`-separated list of NODE_OPTIONS values, '' = as shipped). BENCH_ROUNDS, default 3.
//   npm run bench -- generate-memory
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { cliRun, mainScript } from '../test/support/processes.ts';
import { startArticleWorld } from './support/article-world.ts';
import { treeUsage } from './support/process-tree.ts';

const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const perTokenMs = Number(process.env.BENCH_PER_TOKEN_MS ?? 1);
const variants = (process.env.BENCH_VARIANTS ?? '').split('|');

const world = await startArticleWorld(perTokenMs);
const urls = world.urls;
const dataDir = mkdtempSync(path.join(tmpdir(), 'blogsmith-memory-'));
const env = {
  DATA_DIR: dataDir,
  LOG_LEVEL: 'silent',
  SECRET_KEY: 'bench-secret-key-that-is-long-enough-0123456789',
  OPENAI_COMPATIBLE_BASE_URL: world.llmBaseUrl,
  LLM_MODEL: 'compatible:gpt-4o-mini',
  LLM_PRICES_JSON: JSON.stringify({ 'compatible:gpt-4o-mini': { input: 0.15, output: 0.6 } }),
  FETCH_ALLOW_HOSTS: '127.0.0.1',
};
// Creates the data directory, migrates it and adds the user: the generate runs find it existing.
const created = await cliRun(
  ['user', 'create', '--email', 'm@example.com', '--password', 'bench-password'],
  env,
);
if (created.code !== 0) throw new Error(created.stderr);

interface Sample {
  peakMb: number;
  peakPssMb: number;
  wallMs: number;
  cpuMs: number;
}

async function generateOnce(nodeOptions: string): Promise<Sample> {
  const args = ['generate', 'heat pumps for family homes', '--words', '1500', '--json'];
  for (const u of urls) args.push('--url', u);
  const started = performance.now();
  const child = spawn(process.execPath, [...nodeOptions.split(' ').filter(Boolean), mainScript, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += String(d);
  });
  child.stderr.on('data', (d) => {
    stderr += String(d);
  });
  // The command may run its work in a child of its own: the whole tree is what it costs.
  let peakKb = 0;
  let peakPssKb = 0;
  let cpuMs = 0;
  const sampler = setInterval(() => {
    const now = treeUsage(child.pid!, { pss: true });
    peakKb = Math.max(peakKb, now.rssKb);
    peakPssKb = Math.max(peakPssKb, now.pssKb);
    cpuMs = Math.max(cpuMs, now.cpuMs);
  }, 20);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearInterval(sampler);
  if (code !== 0) throw new Error(`generate exited with ${code}: ${stderr.slice(-2000)}`);
  const article = JSON.parse(stdout) as { status: string; wordCount?: number };
  if (article.status !== 'completed') throw new Error(`article ${article.status}`);
  return { peakMb: peakKb / 1024, peakPssMb: peakPssKb / 1024, wallMs: performance.now() - started, cpuMs };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const samples = new Map<string, Sample[]>(variants.map((v) => [v, []]));
const loads: number[] = [];
for (let r = 0; r < rounds; r++) {
  for (const v of variants) {
    loads.push(loadavg()[0]!);
    samples.get(v)!.push(await generateOnce(v));
  }
}

console.log(
  `generate, 1,500 words, ${urls.length} web sources, ${perTokenMs} ms/token, ${rounds} rounds, Node ${process.version}, load ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}`,
);
console.log(
  '| NODE_OPTIONS | peak RSS (summed) median (min–max) | peak PSS (summed) median (min–max) | wall median | CPU median |',
);
console.log('| --- | --- | --- | --- | --- |');
const spread = (xs: number[]) =>
  `${median(xs).toFixed(0)} MB (${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)})`;
for (const [v, s] of samples) {
  console.log(
    `| ${v || '(as shipped)'} | ${spread(s.map((x) => x.peakMb))} | ${spread(s.map((x) => x.peakPssMb))} | ${(median(s.map((x) => x.wallMs)) / 1000).toFixed(1)} s | ${(median(s.map((x) => x.cpuMs)) / 1000).toFixed(1)} s |`,
  );
}
await world.stop();
rmSync(dataDir, { recursive: true, force: true });
