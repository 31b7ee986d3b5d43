// Live streams: how fast one API process delivers a running article's events to many SSE clients,
// and what each open stream costs it in memory.
//   npm run bench -- live-streams            (BENCH_CLIENTS=200, BENCH_MANY_CLIENTS=2000, BENCH_EVENTS=40)
// The API runs in a child process (embedded database, or PostgreSQL with BENCH_DATABASE_URL) and
// publishes `section.delta` events through the same event bus a worker uses, each carrying its send
// time; this process holds the SSE connections and measures the lag from publish to the client
// reading the event; the clients are signed in as one user per 200 of them. Memory per client: the API process's RSS and heap (after a GC) with the
// clients connected, minus before, divided by the number of clients.
import { spawn } from 'node:child_process';
import http from 'node:http';
import { createInterface } from 'node:readline';
import pino from 'pino';

const clients = Number(process.env.BENCH_CLIENTS ?? 200);
const manyClients = Number(process.env.BENCH_MANY_CLIENTS ?? 2000);
const events = Number(process.env.BENCH_EVENTS ?? 40);
const intervalMs = Number(process.env.BENCH_EVENT_INTERVAL_MS ?? 100);
const now = () => performance.timeOrigin + performance.now();

// ---- The API process -------------------------------------------------------------------------
async function serve() {
  const { loadConfig } = await import('../src/config.ts');
  const { createRuntime } = await import('../src/runtime.ts');
  const { buildServer } = await import('../src/server/app.ts');
  const { inviteMember, setupOwner } = await import('../test/support/accounts.ts');
  const config = loadConfig({
    ENVIRONMENT: 'test',
    LOG_LEVEL: 'silent',
    SECRET_KEY: 'live-streams-bench-secret-key-0123456789',
    RATE_LIMIT_ENABLED: 'false',
    ...(process.env.BENCH_DATABASE_URL ? { DATABASE_URL: process.env.BENCH_DATABASE_URL } : {}),
  });
  const runtime = await createRuntime(config, { dataDir: 'memory://', logger: pino({ level: 'silent' }) });
  const app = await buildServer(runtime);
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const { cookie, body } = await setupOwner(app);
  // The crowd is many people: one user may hold 256 streams at once (src/server/follow-quota.ts).
  const cookies = [cookie];
  const people = Math.ceil(Math.max(clients, manyClients) / 200);
  for (let i = 1; i < people; i++)
    cookies.push(
      (
        await inviteMember(app, cookie, {
          email: `viewer${i}@example.com`,
          password: 'viewer-password',
          role: 'viewer',
        })
      ).cookie,
    );
  const { rows } = await runtime.database.query<{ id: string }>(
    `INSERT INTO articles (workspace_id, brief, topic, status) VALUES ($1, '{}', 'live streams', 'running') RETURNING id`,
    [body.workspace.id],
  );
  const articleId = rows[0]!.id;
  const memory = () => {
    globalThis.gc?.();
    const m = process.memoryUsage();
    return { rss: m.rss, heap: m.heapUsed };
  };
  process.stdout.write(`ready ${JSON.stringify({ url, cookies, articleId })}\n`);
  for await (const line of createInterface({ input: process.stdin })) {
    const [command, arg] = line.split(' ');
    if (command === 'memory') process.stdout.write(`memory ${JSON.stringify(memory())}\n`);
    if (command === 'publish') {
      for (let i = 0; i < Number(arg); i++) {
        await runtime.articleEvents.publish(articleId, 'section.delta', {
          part: 'intro',
          text: String(now()),
        });
        await new Promise((r) => setTimeout(r, intervalMs));
      }
      process.stdout.write('published\n');
    }
    if (command === 'exit') break;
  }
  await app.close();
  await runtime.close();
  process.exit(0);
}

// ---- The clients ------------------------------------------------------------------------------
interface Stream {
  close(): void;
}

function openStream(
  base: string,
  cookie: string,
  articleId: string,
  onEvent: (sentAt: number, receivedAt: number) => void,
) {
  return new Promise<Stream>((resolve, reject) => {
    const req = http.get(
      `${base}/api/v1/articles/${articleId}/events`,
      { headers: { cookie, accept: 'text/event-stream' }, agent: false },
      (res) => {
        if (res.statusCode !== 200) return reject(new Error(`HTTP ${res.statusCode}`));
        res.setEncoding('utf8');
        let buffered = '';
        res.on('data', (chunk: string) => {
          const at = now();
          buffered += chunk;
          let end = buffered.indexOf('\n\n');
          while (end >= 0) {
            const message = buffered.slice(0, end);
            buffered = buffered.slice(end + 2);
            const data = /^data: (.*)$/m.exec(message)?.[1];
            if (data && message.includes('event: section.delta'))
              onEvent(Number((JSON.parse(data) as { text: string }).text), at);
            end = buffered.indexOf('\n\n');
          }
        });
        resolve({ close: () => req.destroy() });
      },
    );
    req.on('error', reject);
  });
}

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0
    ? Number.NaN
    : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function main() {
  const child = spawn(process.execPath, ['--expose-gc', import.meta.filename], {
    env: { ...process.env, BENCH_ROLE: 'server' },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const replies = createInterface({ input: child.stdout });
  const waiting: Array<(line: string) => void> = [];
  replies.on('line', (line) => waiting.shift()?.(line));
  const next = () => new Promise<string>((resolve) => waiting.push(resolve));
  const ask = (command: string) => {
    const reply = next();
    child.stdin.write(`${command}\n`);
    return reply;
  };
  const { url, cookies, articleId } = JSON.parse((await next()).replace(/^ready /, '')) as {
    url: string;
    cookies: string[];
    articleId: string;
  };
  const memory = async () =>
    JSON.parse((await ask('memory')).replace(/^memory /, '')) as { rss: number; heap: number };

  const run = async (count: number, publish: number) => {
    const before = await memory();
    const lags: number[] = [];
    // Only events published in this round count: a new stream first replays the earlier ones.
    let roundStart = Number.POSITIVE_INFINITY;
    const onEvent = (sentAt: number, receivedAt: number) => {
      if (sentAt >= roundStart) lags.push(receivedAt - sentAt);
    };
    const streams: Stream[] = [];
    const started = Date.now();
    // Connected in batches, as a crowd of browsers would arrive.
    for (let i = 0; i < count; i += 100) {
      const batch = Array.from({ length: Math.min(100, count - i) }, (_, k) =>
        openStream(url, cookies[(i + k) % cookies.length]!, articleId, onEvent),
      );
      streams.push(...(await Promise.all(batch)));
    }
    const connectSeconds = (Date.now() - started) / 1000;
    await new Promise((r) => setTimeout(r, 1000));
    const connected = await memory();
    roundStart = now();
    await ask(`publish ${publish}`);
    await new Promise((r) => setTimeout(r, 500));
    const sorted = [...lags].sort((a, b) => a - b);
    for (const s of streams) s.close();
    return {
      clients: count,
      connectSeconds,
      delivered: `${lags.length}/${count * publish}`,
      p50: percentile(sorted, 50),
      p95: percentile(sorted, 95),
      p99: percentile(sorted, 99),
      max: sorted.at(-1) ?? Number.NaN,
      rssPerClientKb: (connected.rss - before.rss) / count / 1024,
      heapPerClientKb: (connected.heap - before.heap) / count / 1024,
      rssMb: connected.rss / 1024 / 1024,
    };
  };

  const results = [await run(clients, events), await run(manyClients, Math.max(5, Math.round(events / 4)))];
  child.stdin.write('exit\n');
  await new Promise((r) => child.once('exit', r));
  const ms = (v: number) => `${v.toFixed(1)} ms`;
  console.log(
    `database: ${process.env.BENCH_DATABASE_URL ? 'PostgreSQL' : 'embedded (PGlite)'}; ${intervalMs} ms between events`,
  );
  console.log(
    '| clients | connect | delivered | p50 lag | p95 lag | p99 lag | max | RSS/client | heap/client | API RSS |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of results)
    console.log(
      `| ${r.clients} | ${r.connectSeconds.toFixed(1)} s | ${r.delivered} | ${ms(r.p50)} | ${ms(r.p95)} | ${ms(r.p99)} | ${ms(r.max)} | ${r.rssPerClientKb.toFixed(1)} KB | ${r.heapPerClientKb.toFixed(1)} KB | ${r.rssMb.toFixed(0)} MB |`,
    );
}

if (process.env.BENCH_ROLE === 'server') await serve();
else await main();
