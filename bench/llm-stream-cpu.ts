// CPU per streamed token (issue 13, items 2, 7 and 8): a section's text arrives as one server-sent
// event per token, and every layer between the socket and the pipeline runs once per event. Streams
// of BENCH_TOKENS tokens (default 2,000) from the fake OpenAI-compatible upstream (its own process)
// read four ways, one after another in rotating rounds: the SDK's `streamText` (its full stream, as
// the gateway read streams before a8bc6de), the provider's own `doStream`, and the gateway's
// `streamText` bare and as the app wires it (ledger, metrics, limiter; PGlite). Reports this
// process's CPU (user + system) per token, median over rounds.
//   npm run bench -- llm-stream-cpu   (BENCH_TOKENS, BENCH_STREAMS per path per round, default 10;
//   BENCH_ROUNDS, default 5)
import path from 'node:path';
import { streamText } from 'ai';
import pino from 'pino';
import { loadConfig } from '../src/config.ts';
import { createLlmGateway } from '../src/llm/gateway.ts';
import type { LlmGateway } from '../src/llm/types.ts';
import { backendNamed } from './support/bench-database.ts';
import { gatewayBenchEnv, openWiredGateway, upstreamModel } from './support/gateway-env.ts';
import { startProcess } from './support/processes.ts';

const tokens = Number(process.env.BENCH_TOKENS ?? 2000);
const streams = Number(process.env.BENCH_STREAMS ?? 10);
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const modelId = 'bench-model';
const prompt = 'Write about benchmarks.';

const upstream = await startProcess(
  process.execPath,
  [path.join(import.meta.dirname, 'support/fake-upstream.ts')],
  /listening (\S+)/,
  { env: { ...process.env, BENCH_ANSWER_TOKENS: String(tokens) } },
);
const baseUrl = upstream.match;
const model = upstreamModel(baseUrl, modelId);

/** Reads one stream; answers the number of text pieces it yielded. */
type Read = () => Promise<number>;

const sdkStreamText: Read = async () => {
  let n = 0;
  const s = streamText({ model, prompt, maxRetries: 0 });
  for await (const part of s.fullStream) if (part.type === 'text-delta') n++;
  return n;
};
const providerDoStream: Read = async () => {
  let n = 0;
  const { stream } = await model.doStream({
    prompt: [{ role: 'user', content: [{ type: 'text', text: prompt }] }],
  });
  for await (const part of stream) if (part.type === 'text-delta') n++;
  return n;
};
const throughGateway =
  (gateway: LlmGateway, workspaceId?: string): Read =>
  async () => {
    let n = 0;
    const s = gateway.streamText({
      role: 'writer',
      prompt,
      purpose: { kind: 'other' },
      cache: false,
      ...(workspaceId ? { workspaceId } : {}),
    });
    for await (const _ of s) n++;
    await s.result;
    return n;
  };

const silent = pino({ level: 'silent' });
const env = gatewayBenchEnv(baseUrl, modelId);
const wired = await openWiredGateway(backendNamed('pglite'), env, silent);
const paths: Record<string, Read> = {
  'SDK streamText (full stream)': sdkStreamText,
  'provider doStream': providerDoStream,
  'gateway streamText, bare': throughGateway(createLlmGateway({ config: loadConfig(env), logger: silent })),
  'gateway streamText, as the app wires it (PGlite)': throughGateway(wired.app, wired.workspace.id),
};

const names = Object.keys(paths);
for (const read of Object.values(paths)) await read(); // warm-up: JIT, connections
const perToken = Object.fromEntries(names.map((k) => [k, [] as number[]]));
for (let r = 0; r < rounds; r++) {
  for (const name of names.map((_, i) => names[(i + r) % names.length]!)) {
    const c0 = process.cpuUsage();
    let pieces = 0;
    for (let i = 0; i < streams; i++) pieces += await paths[name]!();
    const c = process.cpuUsage(c0);
    if (pieces < tokens * streams) throw new Error(`${name}: ${pieces} pieces, expected ${tokens * streams}`);
    perToken[name]!.push((c.user + c.system) / pieces);
  }
}
await wired.app.flush();
await wired.database.close();
await wired.drop();
await upstream.stop();

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(
  `${streams} streams × ${tokens} tokens per path per round, ${rounds} rounds, Node ${process.version}`,
);
console.log('| path | CPU µs per token, median (min–max) |\n| --- | --- |');
for (const name of names) {
  const xs = perToken[name]!;
  console.log(
    `| ${name} | ${median(xs).toFixed(1)} (${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)}) |`,
  );
}
