// Where the gateway's CPU goes per call, from the V8 CPU profiler: each path (a direct AI SDK call,
// the bare gateway, the gateway as the app wires it on PGlite and on PostgreSQL) runs alone at
// concurrency 16 against the fake upstream (its own process) while this process is profiled; the
// samples are split into the gateway's own code (src/), the database client (PGlite's wasm and JS,
// drizzle, pg), the AI SDK's generateText and what it calls, the rest (HTTP client, streams, node
// internals) and GC. "added" is a path's sampled CPU per call minus the direct call's.
// Paths run one after the other, BENCH_ROUNDS times (default 2), each path's least busy round kept:
// other work on shared cores only ever adds samples.
//   npm run bench -- llm-gateway-cpu    (BENCH_CALLS per path, default 3000; BENCH_BACKENDS;
//   BENCH_TOP=N also lists the N modules and functions with the most self time per call)
import { Session } from 'node:inspector/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateText } from 'ai';
import pino from 'pino';
import { loadConfig } from '../src/config.ts';
import type { Database } from '../src/db/client.ts';
import { createLlmGateway } from '../src/llm/gateway.ts';
import { backendNamed } from './support/bench-database.ts';
import { gatewayBenchEnv, openWiredGateway, upstreamModel } from './support/gateway-env.ts';
import { startProcess } from './support/processes.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const calls = Number(process.env.BENCH_CALLS ?? 3000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
const backends = (process.env.BENCH_BACKENDS ?? 'pglite,postgres').split(',').map(backendNamed);
const prompt = 'Write one sentence about benchmarks.';
const modelId = 'bench-model';

const upstream = await startProcess(
  process.execPath,
  [path.join(here, 'support/fake-upstream.ts')],
  /listening (\S+)/,
);
const baseUrl = upstream.match;
const envConfig = gatewayBenchEnv(baseUrl, modelId);
const silent = pino({ level: 'silent' });

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}
type Part = 'own' | 'database' | 'sdk' | 'rest' | 'gc' | 'idle';

/** The part a sample belongs to: the nearest frame, from the leaf up, that decides it. */
function splitProfile(profile: Profile): Record<Part, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const partOf = new Map<number, Part>();
  const classify = (leaf: number): Part => {
    const name = byId.get(leaf)!.callFrame.functionName;
    if (name === '(idle)' || name === '(program)') return 'idle';
    if (name === '(garbage collector)') return 'gc';
    // WebAssembly frames decide nothing: both PGlite and undici's HTTP parser are wasm; the JS
    // that called them does.
    for (let id: number | undefined = leaf; id !== undefined; id = parent.get(id)) {
      const { url, functionName } = byId.get(id)!.callFrame;
      if (/node_modules\/(@electric-sql|drizzle-orm|pg|pg-[a-z]+)\//.test(url)) return 'database';
      if (url.includes('undici')) return 'rest';
      if (url.includes('/src/')) return 'own';
      if (/node_modules\/(ai|@ai-sdk\/[a-z-]+)\//.test(url) && functionName === 'generateText') return 'sdk';
    }
    return 'rest';
  };
  const total: Record<Part, number> = { own: 0, database: 0, sdk: 0, rest: 0, gc: 0, idle: 0 };
  profile.samples.forEach((id, i) => {
    let part = partOf.get(id);
    if (!part) {
      part = classify(id);
      partOf.set(id, part);
    }
    total[part] += profile.timeDeltas[i + 1] ?? 0;
  });
  return total;
}

/** BENCH_TOP=N: the N frames with the most self time, per call, to find what a path adds. */
/**
 * BENCH_TOP=N: the N modules and the N functions with the most self time per call, on stderr, to
 * find what a path adds over another (compare the same names across paths and rounds).
 */
function topFrames(profile: Profile, n: number) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const byFunction = new Map<string, number>();
  const byModule = new Map<string, number>();
  const add = (m: Map<string, number>, key: string, us: number) => m.set(key, (m.get(key) ?? 0) + us);
  profile.samples.forEach((id, i) => {
    const { functionName, url } = byId.get(id)!.callFrame;
    const where = url.replace(/^.*node_modules\//, '').replace(/^.*\/src\//, 'src/');
    const us = profile.timeDeltas[i + 1] ?? 0;
    add(byFunction, `${functionName || '(anonymous)'} ${where}`, us);
    add(
      byModule,
      where.startsWith('src/') ? where : (where.match(/^(@[^/]+\/[^/]+|[^/]+)/)?.[1] ?? '(vm)'),
      us,
    );
  });
  for (const [title, m] of [
    ['modules', byModule],
    ['functions', byFunction],
  ] as const) {
    console.error(`  ${title}:`);
    for (const [key, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, n))
      console.error(`  ${(us / calls).toFixed(1).padStart(6)} µs  ${key}`);
  }
}

const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 200 });

async function profiled(call: () => Promise<unknown>, settle?: () => Promise<void>) {
  for (let i = 0; i < 300; i++) await call();
  await settle?.();
  await session.post('Profiler.start');
  let left = calls;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (left-- > 0) await call();
    }),
  );
  await settle?.();
  const { profile } = await session.post('Profiler.stop');
  const parts = splitProfile(profile as unknown as Profile);
  if (process.env.BENCH_TOP) topFrames(profile as unknown as Profile, Number(process.env.BENCH_TOP));
  return Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, v / calls])) as Record<Part, number>;
}

const model = upstreamModel(baseUrl, modelId);
const bare = createLlmGateway({ config: loadConfig(envConfig), logger: silent });
const paths: Array<{ name: string; call: () => Promise<unknown>; settle?: () => Promise<void> }> = [
  { name: 'direct AI SDK call', call: () => generateText({ model, prompt, maxRetries: 0 }) },
  {
    name: 'Blogsmith gateway, bare',
    call: () => bare.generateText({ role: 'writer', prompt, purpose: { kind: 'other' }, cache: false }),
  },
];
const opened: Array<{ database: Database; drop(): Promise<void> }> = [];
for (const backend of backends) {
  const wired = await openWiredGateway(backend, envConfig, silent);
  opened.push(wired);
  const { workspace, app } = wired;
  paths.push({
    name: `Blogsmith gateway as the app wires it, ${backend}`,
    call: () =>
      app.generateText({
        role: 'writer',
        prompt,
        workspaceId: workspace.id,
        purpose: { kind: 'other' },
        cache: false,
      }),
    settle: () => app.flush(),
  });
}

const busy = (p: Record<Part, number>) => p.own + p.database + p.sdk + p.rest + p.gc;
const best = new Map<string, Record<Part, number>>();
for (let r = 0; r < rounds; r++)
  for (const { name, call, settle } of paths) {
    if (process.env.BENCH_TOP) console.error(`${name}, round ${r + 1}:`);
    const parts = await profiled(call, settle);
    const kept = best.get(name);
    if (!kept || busy(parts) < busy(kept)) best.set(name, parts);
  }
for (const { database, drop } of opened) {
  await database.close();
  await drop();
}
const results = [...best];

const direct = busy(results[0]![1]);
console.log(
  `node ${process.version}, ${os.cpus().length} cores, load ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(
      ' ',
    )}; ${calls} calls per path at concurrency 16, sampled every 200 µs, least busy of ${rounds} rounds`,
);
console.log(
  '| path | CPU µs/call | added vs direct | own code (src/) | database client | AI SDK generateText | HTTP client and rest | GC |',
);
console.log('|---|---|---|---|---|---|---|---|');
for (const [name, p] of results)
  console.log(
    `| ${name} | ${busy(p).toFixed(0)} | ${(busy(p) - direct).toFixed(0)} | ${p.own.toFixed(0)} | ${p.database.toFixed(0)} | ${p.sdk.toFixed(0)} | ${p.rest.toFixed(0)} | ${p.gc.toFixed(0)} |`,
  );
await upstream.stop();
process.exit(0);
