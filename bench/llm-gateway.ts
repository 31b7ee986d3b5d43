// LLM gateway overhead as users get it: the gateway wired as the application wires it (ledger rows
// in the database, budget check, metrics, rate limiter, workspace settings look-up) against a direct
// AI SDK call to the same upstream (and a call on the provider's model itself, the leanest there
// is, on the global fetch and on the gateway's own transport), at concurrency 1 (latency) and 16
// (throughput), on the embedded database and on PostgreSQL; the Portkey gateway (a separate
// process, installed from the npm registry into a temporary folder) in the same run as a peer row.
// The CPU column is this process's CPU per call at concurrency 16: PostgreSQL's and Portkey's own
// processes are not counted in it.
//   npm run bench -- llm-gateway        (BENCH_CALLS per path and concurrency, default 2000;
//   BENCH_BACKENDS=pglite,postgres; BENCH_PEERS=portkey or none; BENCH_MONTH_ROWS, default 0: ledger
//   rows already in the workspace's month before the calls start)
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { generateText, type LanguageModel } from 'ai';
import pino from 'pino';
import { loadConfig } from '../src/config.ts';
import { createLlmGateway } from '../src/llm/gateway.ts';
import { trustedFetch } from '../src/trusted-fetch.ts';
import { backendNamed } from './support/bench-database.ts';
import { gatewayBenchEnv, openWiredGateway, upstreamModel } from './support/gateway-env.ts';
import { startProcess } from './support/processes.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const calls = Number(process.env.BENCH_CALLS ?? 2000);
const backends = (process.env.BENCH_BACKENDS ?? 'pglite,postgres').split(',').map(backendNamed);
const monthRows = Number(process.env.BENCH_MONTH_ROWS ?? 0);
const peers = (process.env.BENCH_PEERS ?? 'portkey').split(',').filter((p) => p && p !== 'none');
const prompt = 'Write one sentence about benchmarks.';
const modelId = 'bench-model';

type Call = () => Promise<void>;

const upstream = await startProcess(
  process.execPath,
  [path.join(here, 'support/fake-upstream.ts')],
  /listening (\S+)/,
);
const baseUrl = upstream.match;

function sdkCall(model: LanguageModel): Call {
  return async () => {
    await generateText({ model, prompt, maxRetries: 0, abortSignal: AbortSignal.timeout(120_000) });
  };
}
const directModel = upstreamModel(baseUrl, modelId);
const direct = sdkCall(directModel);
// The leanest call there is: the provider's model itself (specification v3), as the gateway now
// calls it (src/llm/provider-call.ts) — what the gateway's own work adds shows against this row.
const onProvider =
  (model: ReturnType<typeof upstreamModel>): Call =>
  async () => {
    await model.doGenerate({
      prompt: [{ role: 'user', content: [{ type: 'text', text: prompt }] }],
      abortSignal: AbortSignal.timeout(120_000),
    });
  };
const providerCall = onProvider(directModel);
// The same call on the transport the gateway's providers use (src/trusted-fetch.ts), so the
// gateway's own work shows against a call that differs from it in nothing else.
const transportCall = onProvider(upstreamModel(baseUrl, modelId, trustedFetch));

const silent = pino({ level: 'silent' });
const envConfig = gatewayBenchEnv(baseUrl, modelId);
const bare = createLlmGateway({ config: loadConfig(envConfig), logger: silent });
const bareCall: Call = async () => {
  await bare.generateText({ role: 'writer', prompt, purpose: { kind: 'other' }, cache: false });
};

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};

/** Sequential calls, path by path interleaved call by call (alternating order): latency per path. */
async function latency(paths: Record<string, Call>, n: number) {
  const names = Object.keys(paths);
  const times = Object.fromEntries(names.map((k) => [k, [] as number[]]));
  for (let i = 0; i < n; i++) {
    const order = i % 2 === 0 ? names : [...names].reverse();
    for (const name of order) {
      const t0 = performance.now();
      await paths[name]!();
      times[name]!.push(performance.now() - t0);
    }
  }
  return times;
}

/**
 * `n` calls with `concurrency` in flight, path after path in rotating rounds: calls per second,
 * this process's CPU per call, and the median over rounds of each path's rate ÷ the direct path's
 * rate in the same round (on shared cores other work comes and goes between rounds; a ratio of
 * neighbouring runs is steadier than one of totals). A path's `settle` (the ledger's flush) runs
 * inside its round, so the rows a round leaves behind are charged to it, not to the next path.
 */
async function throughput(
  paths: Record<string, Call>,
  n: number,
  concurrency: number,
  settle: Record<string, () => Promise<void>> = {},
  rounds = 3 * Object.keys(paths).length,
) {
  const names = Object.keys(paths);
  const spent = Object.fromEntries(names.map((k) => [k, 0]));
  const cpu = Object.fromEntries(names.map((k) => [k, 0]));
  const perRoundRate = Object.fromEntries(names.map((k) => [k, [] as number[]]));
  // How long the event loop was held (a statement on the embedded database runs on it): every
  // request this process serves waits that long.
  // (A histogram of its own per round: one enabled again counts the time it was off as a delay.)
  const loopDelayMaxMs = Object.fromEntries(names.map((k) => [k, 0]));
  const perRound = Math.ceil(n / rounds);
  for (let r = 0; r < rounds; r++) {
    // Rotated, not reversed, each round: every path follows every other path equally often, so the
    // garbage a path leaves for the next one to collect is not charged to one neighbour. (Reversing
    // put the bare gateway after the PGlite-wired one in every other round, and never the direct call.)
    for (const name of names.map((_, i) => names[(i + r) % names.length]!)) {
      let left = perRound;
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const loopDelay = monitorEventLoopDelay({ resolution: 5 });
      loopDelay.enable();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (left-- > 0) await paths[name]!();
        }),
      );
      await settle[name]?.();
      loopDelay.disable();
      loopDelayMaxMs[name] = Math.max(loopDelayMaxMs[name]!, loopDelay.max / 1e6);
      const ms = performance.now() - t0;
      spent[name]! += ms;
      perRoundRate[name]!.push(perRound / ms);
      const c = process.cpuUsage(c0);
      cpu[name]! += c.user + c.system;
    }
  }
  const total = perRound * rounds;
  const direct = perRoundRate.direct!;
  return {
    rate: Object.fromEntries(names.map((k) => [k, total / (spent[k]! / 1000)])),
    ratio: Object.fromEntries(
      names.map((k) => [
        k,
        pct(
          perRoundRate[k]!.map((r, i) => r / direct[i]!),
          50,
        ),
      ]),
    ),
    cpuUs: Object.fromEntries(names.map((k) => [k, cpu[k]! / total])),
    loopDelayMaxMs,
  };
}

async function warm(paths: Record<string, Call>) {
  for (let i = 0; i < 200; i++) for (const call of Object.values(paths)) await call();
}

async function startPortkey(): Promise<{ call: Call; stop(): Promise<void>; version: string }> {
  const version = '1.15.2';
  const dir = path.join(os.tmpdir(), 'blogsmith-bench-peers', 'portkey');
  const entry = path.join(dir, 'node_modules/@portkey-ai/gateway/build/start-server.js');
  if (!existsSync(entry)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'package.json'), '{"private":true}');
    const install = await startProcess(
      'npm',
      ['install', '--no-audit', '--no-fund', `@portkey-ai/gateway@${version}`],
      /(added \d+ packages|up to date)/,
      { cwd: dir, timeoutMs: 300_000 },
    );
    await new Promise((r) => install.child.once('exit', r));
  }
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const gateway = await startProcess(
    process.execPath,
    [entry, `--port=${port}`, '--headless'],
    /(Ready for connections)/,
    { env: { ...process.env, NODE_ENV: 'production' } },
  );
  const viaPortkey = createOpenAICompatible({
    name: 'portkey',
    baseURL: `http://127.0.0.1:${port}/v1`,
    apiKey: 'k',
    includeUsage: true,
    headers: { 'x-portkey-provider': 'openai', 'x-portkey-custom-host': baseUrl },
  });
  return { call: sdkCall(viaPortkey.chatModel(modelId)), stop: gateway.stop, version };
}

const lines: string[] = [];
const say = (s: string) => {
  lines.push(s);
  console.log(s);
};
say(
  `node ${process.version}, ${os.cpus().length} cores, load ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}; ${calls} calls per path and concurrency; ${monthRows} ledger rows in the month before`,
);
say(
  '| path | database | p50 ms (c=1) | p99 ms (c=1) | p50 overhead ms | calls/s (c=16) | × direct (c=16), totals | × direct (c=16), median of rounds | CPU µs/call (c=16, this process) | event loop held, max ms (c=16) |',
);
say('|---|---|---|---|---|---|---|---|---|---|');
type Measured = { lat: Record<string, number[]>; tput: Awaited<ReturnType<typeof throughput>> };
const row = (label: string, db: string, m: Measured, name: string) =>
  say(
    `| ${label} | ${db} | ${pct(m.lat[name]!, 50).toFixed(3)} | ${pct(m.lat[name]!, 99).toFixed(3)} | ${(pct(m.lat[name]!, 50) - pct(m.lat.direct!, 50)).toFixed(3)} | ${m.tput.rate[name]!.toFixed(0)} | ${(m.tput.rate[name]! / m.tput.rate.direct!).toFixed(2)} | ${m.tput.ratio[name]!.toFixed(2)} | ${m.tput.cpuUs[name]!.toFixed(0)} | ${m.tput.loopDelayMaxMs[name]!.toFixed(0)} |`,
  );

for (const backend of backends) {
  const { database, drop, workspace, app } = await openWiredGateway(backend, envConfig, silent, monthRows);
  const appCall: Call = async () => {
    await app.generateText({
      role: 'writer',
      prompt,
      workspaceId: workspace.id,
      purpose: { kind: 'other' },
      cache: false,
    });
  };
  const paths: Record<string, Call> = {
    direct,
    provider: providerCall,
    transport: transportCall,
    bare: bareCall,
    app: appCall,
  };
  await warm(paths);
  const lat = await latency(paths, calls);
  const tput = await throughput(paths, calls, 16, { app: () => app.flush() });
  const [{ rows } = { rows: 0 }] = (
    await database.query<{ rows: number }>('SELECT count(*)::int AS rows FROM llm_calls')
  ).rows;
  const m = { lat, tput };
  row('direct AI SDK call', '—', m, 'direct');
  row("direct call on the provider's model (doGenerate)", '—', m, 'provider');
  row("the same on the gateway's transport (doGenerate, node:http)", '—', m, 'transport');
  row('Blogsmith gateway, bare', '—', m, 'bare');
  row(`Blogsmith gateway as the app wires it (${rows} ledger rows)`, backend, m, 'app');
  await database.close();
  await drop();
}

for (const peer of peers) {
  if (peer !== 'portkey') continue;
  const portkey = await startPortkey();
  const paths: Record<string, Call> = { direct, peer: portkey.call };
  await warm(paths);
  const m = { lat: await latency(paths, calls), tput: await throughput(paths, calls, 16) };
  row('direct AI SDK call', '—', m, 'direct');
  row(`Portkey gateway ${portkey.version} (own process; its CPU not counted)`, '—', m, 'peer');
  await portkey.stop();
}

await upstream.stop();
process.exit(0);
