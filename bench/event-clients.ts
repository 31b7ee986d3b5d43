// What clients of the live event streams that do not play along cost the server: SSE clients that
// never read an article with a long event log (the server's memory with them connected), and one
// WebSocket sending subscribe messages as fast as it can (what another client's list request waits
// meanwhile, and how the socket ends).
//   npm run bench -- event-clients    (BENCH_SLOW_CLIENTS=20, BENCH_LOG_EVENTS=40000, BENCH_MESSAGES=20000)
// Server and clients share this process, on the embedded database; memory is measured after a GC.
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { loadavg } from 'node:os';
import { setupOwner } from '../test/support/accounts.ts';
import { createTestApp } from '../test/support/app.ts';
import { insertOwnedArticle } from '../test/support/stored-brief.ts';

const slowClients = Number(process.env.BENCH_SLOW_CLIENTS ?? 20);
const logEvents = Number(process.env.BENCH_LOG_EVENTS ?? 40_000);
const messages = Number(process.env.BENCH_MESSAGES ?? 20_000);
const mb = (n: number) => (n / 2 ** 20).toFixed(0);
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

console.log(
  `node ${process.version}, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
const t = await createTestApp('pglite');
const owner = await setupOwner(t.app);
const { cookie } = owner;
const articleId = await insertOwnedArticle(t, owner, 'event clients');
const text = 'word '.repeat(100);
for (let i = 0; i < logEvents; i += 1000)
  await t.runtime.articleEvents.publishAll(
    articleId,
    'section.delta',
    Array.from({ length: Math.min(1000, logEvents - i) }, (_, k) => ({
      part: 'section:0',
      text: `${i + k} ${text}`,
    })),
  );
const base = await t.app.listen({ port: 0, host: '127.0.0.1' });
const port = Number(new URL(base).port);

// ---- SSE clients that never read ---------------------------------------------------------------
globalThis.gc?.();
const before = process.memoryUsage();
const sockets: net.Socket[] = [];
for (let i = 0; i < slowClients; i++) {
  const socket = net.connect(port, '127.0.0.1');
  socket.on('connect', () => {
    socket.pause();
    socket.write(
      `GET /api/v1/articles/${articleId}/events HTTP/1.1\r\nhost: localhost\r\ncookie: ${cookie}\r\n\r\n`,
    );
  });
  socket.on('error', () => {});
  sockets.push(socket);
}
let rssPeak = 0;
for (let i = 0; i < 30; i++) {
  await pause(200);
  rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
}
globalThis.gc?.();
const after = process.memoryUsage();
for (const socket of sockets) socket.destroy();
console.log(
  `${slowClients} SSE clients that never read, on a log of ${logEvents} events (${mb(logEvents * 560)} MB as SSE): ` +
    `RSS ${mb(before.rss)} → ${mb(after.rss)} MB (peak ${mb(rssPeak)}), heap ${mb(before.heapUsed)} → ${mb(after.heapUsed)} MB, ` +
    `array buffers ${mb(before.arrayBuffers)} → ${mb(after.arrayBuffers)} MB`,
);
await pause(500);

// ---- One WebSocket flooding subscribe messages -------------------------------------------------
const timeList = async () => {
  const started = performance.now();
  await (await fetch(`${base}/api/v1/articles?limit=5`, { headers: { cookie } })).text();
  return performance.now() - started;
};
const quiet: number[] = [];
for (let i = 0; i < 20; i++) quiet.push(await timeList());
const ws = new WebSocket(`${base.replace('http', 'ws')}/api/v1/ws`, {
  headers: { cookie, origin: base },
} as unknown as string[]);
let answers = 0;
let closed = '';
ws.addEventListener('message', () => answers++);
ws.addEventListener('close', (e) => {
  closed = `${e.code} ${e.reason}`;
});
await new Promise((resolve) => ws.addEventListener('open', resolve));
const flooded = performance.now();
for (let i = 0; i < messages; i++) ws.send(JSON.stringify({ type: 'subscribe', articleId: randomUUID() }));
const during: number[] = [];
while (answers < messages && !closed) during.push(await timeList());
const floodMs = performance.now() - flooded;
for (let i = 0; i < 5; i++) during.push(await timeList());
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!.toFixed(1);
console.log(
  `one WebSocket sending ${messages} subscribe messages: ${answers} answered, ` +
    `${closed ? `closed ${closed}` : 'not closed'} after ${floodMs.toFixed(0)} ms; another client's list request ` +
    `${median(quiet)} ms (median) before, ${median(during)} ms median / ${Math.max(...during).toFixed(0)} ms at most during and right after (${during.length} requests)`,
);
ws.close();
await t.close();
process.exit(0);
