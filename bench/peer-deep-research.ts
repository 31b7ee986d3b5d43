// The whole job side by side with dzhng/deep-research (issue 13, item 8): `blogsmith generate --web`
// (1,500 words; at the default page count, and with `--web-sources` at least the pages the peer
// reads at each depth, BENCH_BLOGSMITH_SOURCES, default 12,18) and deep-research's CLI (breadth 3, depth 1 and 2, report) on one fake model
// (BENCH_PER_TOKEN_MS, default 5, per output token) and one fake web of 20 heat-pump pages (SearXNG
// search for Blogsmith, Firecrawl search+scrape for the peer). Per job: wall from handing over the
// topic to the finished report, its ratio to the LLM critical path (from the request intervals at
// the fake model, see support/critical-path.ts), pages whose facts reached a model prompt and the
// final report, CPU and peak RSS of the process tree. Runs interleaved, BENCH_ROUNDS (default 3).
// Each page count also runs as "→ running server": the same command with a `blogsmith serve` already
// up on its data directory (the CLI hands it the job, as it would in a deployment), so the job runs in
// a warm process (BENCH_SERVER_WARM_UPS jobs before the rounds, default 3, not measured); its CPU and
// RSS add the server's (its CPU from the command's start). BENCH_SERVER_ROW=0 leaves those rows out.
// The peer runs only from BENCH_PEER_DIR, a checkout its operator prepares (bench/RESULTS.md).
//   BENCH_PEER_DIR=/tmp/deep-research npm run bench -- peer-deep-research
// Without BENCH_PEER_DIR only the Blogsmith rows run; BENCH_DEFAULT_ROW=0 leaves out the default-pages
// row; BENCH_DEBUG=1 prints every model call and every idle gap with the requests made in it.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { encode } from 'gpt-tokenizer/encoding/o200k_base';
import { articleModelResponder } from '../test/fakes/article-model.ts';
import { deepResearchModelResponder } from '../test/fakes/deep-research-model.ts';
import { pagesMentioned, startFakeWeb, webPages } from '../test/fakes/fake-web.ts';
import { startOpenAiServer } from '../test/fakes/openai-server.ts';
import { cliRun, freePort, mainScript } from '../test/support/processes.ts';
import { busyTime, idleGaps, longestChain } from './support/critical-path.ts';
import { modelRequestName } from './support/model-request-name.ts';
import { treeUsage } from './support/process-tree.ts';
import { type Started, startProcess } from './support/processes.ts';

const perTokenMs = Number(process.env.BENCH_PER_TOKEN_MS ?? 5);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const words = 1500;
const breadth = Number(process.env.BENCH_PEER_BREADTH ?? 3);
const depths = (process.env.BENCH_PEER_DEPTHS ?? '1,2').split(',').map(Number);
// Web pages Blogsmith may read in the row compared with each depth (`--web-sources`): at least the
// pages the peer reads there, so the comparison is at equal or better grounding. The product's
// default (no flag) runs as a row of its own.
const blogsmithSources = (process.env.BENCH_BLOGSMITH_SOURCES ?? '12,18').split(',').map(Number);
if (blogsmithSources.length !== depths.length)
  throw new Error('BENCH_BLOGSMITH_SOURCES needs one page count per BENCH_PEER_DEPTHS entry');
// Jobs the server runs before the rounds of its rows (BENCH_SERVER_WARM_UPS).
const serverWarmUps = Number(process.env.BENCH_SERVER_WARM_UPS ?? 3);
const peerDir = process.env.BENCH_PEER_DIR ? path.resolve(process.env.BENCH_PEER_DIR) : undefined;
const topic = 'heat pumps for family homes';
const countTokens = (text: string) => encode(text).length;

const llm = await startOpenAiServer();
const peerModel = deepResearchModelResponder({ perTokenMs, countTokens, reportWords: words });
const writerModel = articleModelResponder({ perTokenMs, countTokens });
llm.responder = (req) => peerModel(req) ?? writerModel(req);
const web = await startFakeWeb();
const baseEnv = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' };

interface Job {
  wallMs: number;
  startupMs: number;
  llmChainMs: number;
  llmBusyMs: number;
  modelCalls: number;
  /** Job time with no model call in flight: before the first, between calls, after the last. */
  idle: { before: number; between: number; after: number };
  /** Each stretch with no model call in flight, named by the calls around it (see `idleGaps`). */
  gaps: Gap[];
  pagesRead: number;
  pagesInReport: number;
  jobCpuMs: number;
  cpuMs: number;
  peakMb: number;
}

interface Launch {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Output that means the program is ready for the job; the job starts once it is answered. */
  ready: RegExp;
  /** Output that means the report is written. */
  done: RegExp;
  /** Replies to the program's prompts, in order of appearance; the first is the job's hand-over. */
  prompts: Array<[RegExp, string]>;
  report: () => string;
  /** A process the job also runs in (the server a CLI hands the job to), measured with it. */
  besidePid?: number | undefined;
}

interface Gap {
  /** e.g. `research_plan → article_outline`; `start → …` and `… → end` for the job's ends. */
  key: string;
  ms: number;
  /** The other requests the fakes saw in the gap (search, pages, embeddings, model listings). */
  inside: string;
}

interface Stamped {
  at: number;
  finishedAt?: number;
  what: string;
}

/** Summarises requests by kind, with when they ran relative to the gap's start. */
function summarise(requests: Stamped[], from: number): string {
  const kinds = new Map<string, Stamped[]>();
  for (const r of requests) kinds.set(r.what, [...(kinds.get(r.what) ?? []), r]);
  return [...kinds]
    .map(([what, rs]) => {
      const first = Math.min(...rs.map((r) => r.at)) - from;
      const last = Math.max(...rs.map((r) => r.finishedAt ?? r.at)) - from;
      return `${what}${rs.length > 1 ? ` ×${rs.length}` : ''} +${first}–${last} ms`;
    })
    .join(', ');
}

/** The job's idle gaps (see `idleGaps`), each with the other requests the fakes saw meanwhile. */
function gapsOf(calls: Stamped[], others: Stamped[], started: number, finished: number): Gap[] {
  const intervals = calls.map((c) => ({ what: c.what, start: c.at, end: c.finishedAt! }));
  return idleGaps(intervals, started, finished).map((g) => {
    const to = g.from + g.ms;
    const inside = others.filter((r) => r.at < to && (r.finishedAt ?? r.at) > g.from);
    return { key: `${g.after} → ${g.before}`, ms: g.ms, inside: summarise(inside, g.from) };
  });
}

/** Runs one job as a child process, measuring it from outside. */
async function measure(launch: Launch): Promise<Job> {
  const firstCall = llm.requests.length;
  const firstListing = llm.listings.length;
  const firstWeb = web.received.length;
  const spawned = Date.now();
  const child = spawn(launch.command, launch.args, {
    env: launch.env,
    cwd: launch.cwd,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let peakKb = 0;
  let cpuMs = 0;
  // The server's CPU counts from this command's start: its own start-up and earlier jobs are not this job's.
  const { besidePid } = launch;
  const besideAt = (pid: number | undefined) => (pid === undefined ? { cpuMs: 0, rssKb: 0 } : treeUsage(pid));
  const besideCpu0 = besideAt(besidePid).cpuMs;
  const sample = () => {
    const now = treeUsage(child.pid!);
    const other = besideAt(besidePid);
    peakKb = Math.max(peakKb, now.rssKb + other.rssKb);
    cpuMs = Math.max(cpuMs, now.cpuMs + other.cpuMs - besideCpu0);
    return now.cpuMs + other.cpuMs - besideCpu0;
  };
  const sampler = setInterval(sample, 20);
  let all = '';
  let pending = '';
  let prompts = [...launch.prompts];
  let started = 0;
  let startCpu = 0;
  let finished = 0;
  let endCpu = 0;
  const onOutput = (data: Buffer) => {
    const text = data.toString();
    all += text;
    pending += text;
    if (!started && launch.prompts.length === 0 && launch.ready.test(all)) {
      started = Date.now();
      startCpu = sample();
    }
    for (;;) {
      const next = prompts[0];
      const m = next?.[0].exec(pending);
      if (!next || !m) break;
      if (!started) {
        started = Date.now();
        startCpu = sample();
      }
      child.stdin.write(`${next[1]}\n`);
      pending = pending.slice(m.index + m[0].length);
      // The peer asks one follow-up question per line until it starts researching.
      if (!/Your answer/.test(next[0].source)) prompts = prompts.slice(1);
    }
    if (!finished && launch.done.test(all)) {
      finished = Date.now();
      endCpu = sample();
    }
  };
  child.stdout.on('data', onOutput);
  child.stderr.on('data', onOutput);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearInterval(sampler);
  if (code !== 0 || !started || !finished)
    throw new Error(`${launch.args.join(' ')} exited with ${code}:\n${all.slice(-3000)}`);
  const calls = llm.requests
    .slice(firstCall)
    .filter((r) => r.path === '/v1/chat/completions' && r.finishedAt !== undefined);
  // Both clocks are Date.now(): the fake model stamps requests with it.
  const intervals = calls.map((r) => ({ start: r.at, end: r.finishedAt! }));
  if (intervals.length === 0) throw new Error(`${launch.args.join(' ')} made no model call`);
  const named = (r: { at: number; finishedAt?: number }, what: string): Stamped => ({
    at: r.at,
    ...(r.finishedAt !== undefined ? { finishedAt: r.finishedAt } : {}),
    what,
  });
  const stampedCalls = calls.map((r) => named(r, modelRequestName(r.body)));
  const others = [
    ...llm.requests
      .slice(firstCall)
      .filter((r) => r.path !== '/v1/chat/completions')
      .map((r) => named(r, r.path)),
    ...llm.listings.slice(firstListing).map((r) => named(r, `GET ${r.path}`)),
    ...web.received
      .slice(firstWeb)
      .map((r) => named(r, r.url.pathname.startsWith('/pages/') ? 'page' : r.url.pathname)),
  ];
  const gaps = gapsOf(stampedCalls, others, started, finished);
  if (process.env.BENCH_DEBUG) {
    console.error(
      stampedCalls.map((c) => `  ${c.at - started} → ${c.finishedAt! - started} ms  ${c.what}`).join('\n'),
    );
    console.error(gaps.map((g) => `  idle ${g.ms} ms  ${g.key}  [${g.inside}]`).join('\n'));
    const fetched = web.received.slice(firstWeb).map((r) => r.url.pathname);
    console.error(
      `  web: ${fetched.filter((p) => p.startsWith('/pages/')).length} page requests, ${fetched.filter((p) => !p.startsWith('/pages/')).length} searches`,
    );
  }
  const read = new Set<string>();
  for (const c of calls) for (const p of pagesMentioned(JSON.stringify(c.body.messages))) read.add(p);
  return {
    wallMs: finished - started,
    startupMs: started - spawned,
    llmChainMs: longestChain(intervals),
    llmBusyMs: busyTime(intervals),
    idle: {
      before: Math.min(...intervals.map((i) => i.start)) - started,
      between:
        Math.max(...intervals.map((i) => i.end)) -
        Math.min(...intervals.map((i) => i.start)) -
        busyTime(intervals),
      after: finished - Math.max(...intervals.map((i) => i.end)),
    },
    gaps,
    modelCalls: calls.length,
    pagesRead: read.size,
    pagesInReport: pagesMentioned(launch.report()).size,
    jobCpuMs: endCpu - startCpu,
    cpuMs,
    peakMb: peakKb / 1024,
  };
}

const work = mkdtempSync(path.join(tmpdir(), 'peer-bench-'));
const dataDir = path.join(work, 'data');
const blogsmithEnv = {
  ...baseEnv,
  DATA_DIR: dataDir,
  LOG_LEVEL: 'silent',
  SECRET_KEY: 'bench-secret-key-that-is-long-enough-0123456789',
  OPENAI_COMPATIBLE_BASE_URL: llm.baseUrl,
  LLM_MODEL: 'compatible:gpt-4o-mini',
  LLM_PRICES_JSON: JSON.stringify({ 'compatible:gpt-4o-mini': { input: 0.15, output: 0.6 } }),
  // Every run searches, fetches and asks the model afresh, as the peer does.
  LLM_CACHE_TTL: '0',
  RESEARCH_CACHE_TTL: '0',
  SEARXNG_URL: web.url,
  FETCH_ALLOW_HOSTS: '127.0.0.1',
};
// An existing data directory with its user, as `generate` finds it in use.
const created = await cliRun(['user', 'create', '--email', 'b@example.com', '--password', 'bench-password'], {
  ...blogsmithEnv,
});
if (created.code !== 0) throw new Error(created.stderr);

// The same command handed to a `blogsmith serve` already running on its own data directory (the CLI
// finds it there): the job then runs in a warm server, as in a deployment, and the command follows it.
const serverEnv = { ...blogsmithEnv, DATA_DIR: path.join(work, 'server-data') };
let server: Started | undefined;
if (process.env.BENCH_SERVER_ROW !== '0') {
  const serverUser = await cliRun(
    ['user', 'create', '--email', 'b@example.com', '--password', 'bench-password'],
    serverEnv,
  );
  if (serverUser.code !== 0) throw new Error(serverUser.stderr);
  server = await startProcess(process.execPath, [mainScript, 'serve'], /Blogsmith is running at (\S+)/, {
    env: { ...serverEnv, HOST: '127.0.0.1', PORT: String(await freePort()) },
    timeoutMs: 120_000,
  });
  // A deployment's server has run jobs before (its code compiled by then): a few, not measured.
  for (let i = 0; i < serverWarmUps; i++) {
    const warmUp = await cliRun(
      ['generate', topic, '--words', String(words), '--web', '--out', path.join(work, 'warm-up.md')],
      serverEnv,
    );
    if (warmUp.code !== 0) throw new Error(warmUp.stderr);
  }
}

const blogsmithOut = path.join(work, 'article.md');
function blogsmith(sources?: number, toServer = false): Launch {
  return {
    command: process.execPath,
    args: [
      mainScript,
      'generate',
      topic,
      '--words',
      String(words),
      ...(sources === undefined ? ['--web'] : ['--web-sources', String(sources)]),
      '--out',
      blogsmithOut,
    ],
    env: toServer ? serverEnv : blogsmithEnv,
    cwd: work,
    ...(toServer ? { besidePid: server?.child.pid } : {}),
    // The CLI says where it runs the job just before it posts the article.
    ready: /^Using /m,
    done: /^Wrote /m,
    prompts: [],
    report: () => readFileSync(blogsmithOut, 'utf8'),
  };
}
const blogsmithLabel = (sources?: number, toServer = false) =>
  `Blogsmith${toServer ? ' → running server' : ''} (web, ${words.toLocaleString('en')} words, ${sources === undefined ? 'default pages' : `≤ ${sources} pages`})`;
const peerLabel = (depth: number) => `deep-research (breadth ${breadth}, depth ${depth})`;

function peer(depth: number): Launch {
  const dir = peerDir!;
  return {
    command: process.execPath,
    // Its own `npm start` is tsx with an env file; the same loader, with the environment given here.
    args: ['--import', pathToFileURL(path.join(dir, 'node_modules/tsx/dist/loader.mjs')).href, 'src/run.ts'],
    env: {
      ...baseEnv,
      OPENAI_KEY: 'fake-key',
      OPENAI_ENDPOINT: llm.baseUrl,
      CUSTOM_MODEL: 'fake-writer',
      FIRECRAWL_KEY: 'fake-key',
      FIRECRAWL_BASE_URL: web.url,
    },
    cwd: dir,
    ready: /What would you like to research\? /,
    done: /Report has been saved/,
    prompts: [
      [/What would you like to research\? /, topic],
      [/Enter research breadth[^:]*: /, String(breadth)],
      [/Enter research depth[^:]*: /, String(depth)],
      [/\(report\/answer, default report\): /, 'report'],
      [/Your answer: /, 'A detached family home in a temperate climate; practical costs and savings.'],
    ],
    report: () => readFileSync(path.join(dir, 'report.md'), 'utf8'),
  };
}

if (peerDir && !existsSync(path.join(peerDir, 'node_modules/tsx/dist/loader.mjs')))
  throw new Error(`BENCH_PEER_DIR=${peerDir} has no node_modules/tsx: prepare it as bench/RESULTS.md says`);
// Each depth's pair runs side by side (Blogsmith at that depth's page count, then the peer).
// BENCH_DEFAULT_ROW=0 leaves out the row at the product's default page count (to measure one pair).
const rows: Array<[string, Launch]> = [
  ...(process.env.BENCH_DEFAULT_ROW === '0' ? [] : [[blogsmithLabel(), blogsmith()] as [string, Launch]]),
  ...depths.flatMap(
    (d, i): Array<[string, Launch]> => [
      [blogsmithLabel(blogsmithSources[i]), blogsmith(blogsmithSources[i])],
      ...(server
        ? [
            [blogsmithLabel(blogsmithSources[i], true), blogsmith(blogsmithSources[i], true)] as [
              string,
              Launch,
            ],
          ]
        : []),
      ...(peerDir ? [[peerLabel(d), peer(d)] as [string, Launch]] : []),
    ],
  ),
];
const results = new Map<string, Job[]>(rows.map(([label]) => [label, []]));
const loads: number[] = [];
for (let r = 0; r < rounds; r++) {
  for (const [label, launch] of rows) {
    loads.push(loadavg()[0]!);
    const job = await measure(launch);
    results.get(label)!.push(job);
    if (process.env.BENCH_DEBUG) console.error(label, job);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
console.log(
  `${webPages.length} fake pages, ${perTokenMs} ms/output token, medians of ${rounds}, Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, load ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}`,
);
if (!peerDir) console.log('(BENCH_PEER_DIR not set: the deep-research rows are not run)');
console.log(
  '| | job wall | LLM critical path (busy) | wall ÷ critical path | no model call in flight: before first / between / after last | model calls | pages read by the model | pages in the report | CPU in the job (process) | peak RSS | start-up |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const [label, jobs] of results) {
  const m = (f: (j: Job) => number) => median(jobs.map(f));
  console.log(
    `| ${label} | ${s(m((j) => j.wallMs))} | ${s(m((j) => j.llmChainMs))} (${s(m((j) => j.llmBusyMs))}) | ${m((j) => j.wallMs / j.llmChainMs).toFixed(3)} | ${s(m((j) => j.idle.before))} / ${s(m((j) => j.idle.between))} / ${s(m((j) => j.idle.after))} | ${m((j) => j.modelCalls)} | ${m((j) => j.pagesRead)} | ${m((j) => j.pagesInReport)} | ${s(m((j) => j.jobCpuMs))} (${s(m((j) => j.cpuMs))}) | ${m((j) => j.peakMb).toFixed(0)} MB | ${s(m((j) => j.startupMs))} |`,
  );
}
// Where each Blogsmith row's idle time goes: the median of each named gap over the rounds.
for (const [label, jobs] of results) {
  if (!label.startsWith('Blogsmith')) continue;
  const keys = [...new Set(jobs.flatMap((j) => j.gaps.map((g) => g.key)))];
  const parts = keys.map((key) => {
    const ms = median(jobs.map((j) => j.gaps.filter((g) => g.key === key).reduce((n, g) => n + g.ms, 0)));
    return `${key} ${ms} ms`;
  });
  console.log(`${label} idle gaps: ${parts.join('; ')}`);
}
if (peerDir)
  depths.forEach((d, i) => {
    const mine = results.get(blogsmithLabel(blogsmithSources[i]))!;
    const theirs = results.get(peerLabel(d))!;
    const m = (jobs: Job[], f: (j: Job) => number) => median(jobs.map(f));
    console.log(
      `${blogsmithLabel(blogsmithSources[i])} ÷ ${peerLabel(d)}: wall ${(m(mine, (j) => j.wallMs) / m(theirs, (j) => j.wallMs)).toFixed(2)}, pages read ${m(mine, (j) => j.pagesRead)} vs ${m(theirs, (j) => j.pagesRead)}, in the report ${m(mine, (j) => j.pagesInReport)} vs ${m(theirs, (j) => j.pagesInReport)}`,
    );
  });
await server?.stop();
await llm.close();
await web.close();
rmSync(work, { recursive: true, force: true });
