// LLM gateway overhead: the same prompt to the same fake OpenAI-compatible server (zero latency),
// once through a direct AI SDK call and once through the gateway, interleaved call by call so both
// see the same machine load. Overhead = gateway latency − direct latency.
//   npx node bench/llm-gateway.ts            (BENCH_CALLS, default 1000 per side)
import { performance } from 'node:perf_hooks';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { generateText } from 'ai';
import pino from 'pino';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/client.ts';
import { runMigrations } from '../src/db/migrate.ts';
import { createAppLlmGateway } from '../src/llm/app-gateway.ts';
import { createLlmGateway } from '../src/llm/gateway.ts';
import { startOpenAiServer } from '../test/fakes/openai-server.ts';

const calls = Number(process.env.BENCH_CALLS ?? 1000);
const rounds = 10;
const perRound = Math.ceil(calls / rounds);

const fake = await startOpenAiServer();
fake.fallback = { type: 'answer', text: 'A short answer.', usage: { input: 20, output: 4, cached: 0 } };

const direct = createOpenAICompatible({
  name: 'compatible',
  baseURL: fake.baseUrl,
  apiKey: 'k',
  includeUsage: true,
});
const gateway = createLlmGateway({
  config: loadConfig({
    OPENAI_COMPATIBLE_BASE_URL: fake.baseUrl,
    OPENAI_COMPATIBLE_API_KEY: 'k',
    LLM_MODEL: 'compatible:bench-model',
  }),
  logger: pino({ level: 'silent' }),
});

// The gateway as the application wires it: ledger rows (embedded database), metrics, price book,
// response cache. Ledger writes are queued off the call path, so they cost CPU but not latency.
const database = await openDatabase({ dataDir: 'memory://' });
await runMigrations(database);
const appGateway = createAppLlmGateway({
  config: loadConfig({
    OPENAI_COMPATIBLE_BASE_URL: fake.baseUrl,
    OPENAI_COMPATIBLE_API_KEY: 'k',
    LLM_MODEL: 'compatible:bench-model',
    LLM_PRICES_JSON: '{"compatible:bench-model":{"input":0.15,"output":0.6}}',
  }),
  logger: pino({ level: 'silent' }),
  database,
  secretKey: 'bench-secret-key-that-is-long-enough-0123456789',
});

const prompt = 'Write one sentence about benchmarks.';
const directModel = direct.chatModel('bench-model');
async function viaSdk() {
  await generateText({
    model: directModel,
    prompt,
    maxRetries: 0,
    abortSignal: AbortSignal.timeout(120_000),
  });
}
async function viaGateway() {
  await gateway.generateText({ role: 'writer', prompt, purpose: { kind: 'other' }, cache: false });
}

async function viaAppGateway() {
  await appGateway.generateText({ role: 'writer', prompt, purpose: { kind: 'other' }, cache: false });
}
async function cacheHit() {
  await appGateway.generateText({ role: 'writer', prompt: 'cached prompt', purpose: { kind: 'other' } });
}

async function timed(fn: () => Promise<void>, into: number[]) {
  const t0 = performance.now();
  await fn();
  into.push(performance.now() - t0);
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

// Warm-up: JIT, sockets, provider construction.
for (let i = 0; i < 100; i++) {
  await viaSdk();
  await viaGateway();
  await viaAppGateway();
}
await cacheHit();
await appGateway.flush();
const sdk: number[] = [];
const gw: number[] = [];
const app: number[] = [];
const hits: number[] = [];
// Alternate call by call (and which goes first each round) so GC pauses and load hit both alike.
for (let r = 0; r < rounds; r++) {
  for (let i = 0; i < perRound; i++) {
    if ((r + i) % 2 === 0) {
      await timed(viaSdk, sdk);
      await timed(viaGateway, gw);
      await timed(viaAppGateway, app);
    } else {
      await timed(viaAppGateway, app);
      await timed(viaGateway, gw);
      await timed(viaSdk, sdk);
    }
    await timed(cacheHit, hits);
  }
}
await gateway.flush();
await appGateway.flush();
await fake.close();
await database.close();

const row = (name: string, xs: number[]) =>
  `| ${name} | ${xs.length} | ${pct(xs, 50).toFixed(3)} | ${pct(xs, 99).toFixed(3)} |`;
console.log(`node ${process.version}, ${calls} sequential calls per side in ${rounds} interleaved rounds`);
console.log('| path | calls | p50 ms | p99 ms |');
console.log('|---|---|---|---|');
console.log(row('direct AI SDK generateText', sdk));
console.log(row('gateway.generateText, bare (cache bypassed)', gw));
console.log(row('gateway.generateText, app wiring: ledger + metrics (cache bypassed)', app));
console.log(row('gateway.generateText, response-cache hit (database cache)', hits));
const overhead = (xs: number[]) =>
  `p50 ${(pct(xs, 50) - pct(sdk, 50)).toFixed(3)} ms, p99 ${(pct(xs, 99) - pct(sdk, 99)).toFixed(3)} ms`;
console.log(`overhead vs direct — bare: ${overhead(gw)}; app wiring: ${overhead(app)}`);
