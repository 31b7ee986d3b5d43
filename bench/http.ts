// HTTP edge benchmark: the real Blogsmith process (embedded database) against a bare Fastify
// hello-world, both as separate processes on this machine, driven by autocannon.
//   npx node bench/http.ts
// Rate limiting is switched off (RATE_LIMIT_ENABLED=false) and LOG_LEVEL=warn, so the numbers
// measure the edge (helmet, CORS, metrics, request ids, routing, serialisation), not the limiter
// refusing requests or log I/O.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { freePort } from '../test/support/processes.ts';

const root = path.resolve(import.meta.dirname, '..');
const durationSeconds = Number(process.env.BENCH_DURATION_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);

async function spawnAndWait(
  args: string[],
  env: Record<string, string>,
  ready: string,
): Promise<ChildProcess> {
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env } });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += String(d);
      if (out.includes(ready)) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`exited with ${code}: ${out}`)));
  });
  return child;
}

const helloWorld = `
import Fastify from 'fastify';
const app = Fastify();
app.get('/health', async () => ({ status: 'ok' }));
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
console.log('hello-world ready');
`;

interface Measured {
  name: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
}

async function measure(name: string, url: string, headers: Record<string, string> = {}): Promise<Measured> {
  // A short warm-up so JIT and connection set-up are not in the numbers.
  await autocannon({ url, connections, duration: 2, headers });
  const r = await autocannon({ url, connections, duration: durationSeconds, headers });
  return {
    name,
    requestsPerSecond: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    non2xx: r.non2xx + r.errors,
  };
}

/** First-run setup, then a key, over the real API; a few extra keys so the list has rows. */
async function createApiKey(base: string): Promise<string> {
  const setup = await fetch(`${base}/api/v1/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'bench@example.com', password: 'bench-password' }),
  });
  if (setup.status !== 201) throw new Error(`setup failed: ${setup.status} ${await setup.text()}`);
  const cookie = setup.headers.get('set-cookie')!.split(';')[0]!;
  let key = '';
  for (let i = 0; i < 10; i++) {
    const res = await fetch(`${base}/api/v1/api-keys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ name: `bench-${i}` }),
    });
    if (res.status !== 201) throw new Error(`key failed: ${res.status} ${await res.text()}`);
    key = ((await res.json()) as { key: string }).key;
  }
  return key;
}

const dataDir = mkdtempSync(path.join(tmpdir(), 'blogsmith-bench-'));
const blogsmithPort = await freePort();
const helloPort = await freePort();
const children: ChildProcess[] = [];
try {
  children.push(
    await spawnAndWait(
      ['src/cli/main.ts', 'serve'],
      {
        HOST: '127.0.0.1',
        PORT: String(blogsmithPort),
        DATA_DIR: dataDir,
        LOG_LEVEL: 'warn',
        RATE_LIMIT_ENABLED: 'false',
        ENVIRONMENT: 'development',
      },
      'Blogsmith is running at',
    ),
  );
  children.push(
    await spawnAndWait(
      ['--input-type=module', '-e', helloWorld],
      { PORT: String(helloPort) },
      'hello-world ready',
    ),
  );

  const hello = await measure('fastify hello-world GET /health', `http://127.0.0.1:${helloPort}/health`);
  const blogsmith = await measure('blogsmith GET /health', `http://127.0.0.1:${blogsmithPort}/health`);
  const apiKey = await createApiKey(`http://127.0.0.1:${blogsmithPort}`);
  const list = await measure(
    'blogsmith GET /api/v1/api-keys (API key auth)',
    `http://127.0.0.1:${blogsmithPort}/api/v1/api-keys?limit=20`,
    { authorization: `Bearer ${apiKey}` },
  );
  const rows = [hello, blogsmith, list];
  console.log(`duration ${durationSeconds}s per target, ${connections} connections, node ${process.version}`);
  console.log('| target | req/s | p50 ms | p99 ms | non-2xx+errors | ratio to hello-world |');
  console.log('|---|---|---|---|---|---|');
  for (const r of rows) {
    const ratio = (r.requestsPerSecond / hello.requestsPerSecond).toFixed(2);
    console.log(
      `| ${r.name} | ${Math.round(r.requestsPerSecond)} | ${r.p50} | ${r.p99} | ${r.non2xx} | ${ratio} |`,
    );
  }
} finally {
  for (const child of children) child.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 500));
  rmSync(dataDir, { recursive: true, force: true });
}
