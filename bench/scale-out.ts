// Scale-out throughput: articles/minute with 1 worker process vs 2, behind nginx with 2 API
// processes on PostgreSQL + Redis and the fake writer model at a fixed per-token latency (the
// cluster of test/deploy/scale-out.test.ts), and the ratio.
//   npm run bench -- scale-out   (BENCH_ARTICLES, default 16; BENCH_PER_TOKEN_MS, default 5;
//                                 BENCH_WORDS, default 300; ARTICLE_CONCURRENCY per worker, default 2)
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { startCluster } from '../test/deploy/scale-out-cluster.ts';

const articles = Number(process.env.BENCH_ARTICLES ?? 16);
const perTokenMs = Number(process.env.BENCH_PER_TOKEN_MS ?? 5);
const words = Number(process.env.BENCH_WORDS ?? 300);
const concurrency = process.env.ARTICLE_CONCURRENCY ?? '2';

interface Result {
  workers: number;
  seconds: number;
  perMinute: number;
  completed: number;
  load: string;
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

async function measure(workers: number): Promise<Result> {
  const cluster = await startCluster({
    apis: 2,
    workers,
    perTokenMs,
    generationLimit: Math.max(20, articles * 2),
    env: { ARTICLE_CONCURRENCY: concurrency },
  });
  try {
    const loadBefore = load();
    const t0 = performance.now();
    const ids = await Promise.all(
      Array.from({ length: articles }, async (_, i) => {
        const res = await cluster.https('/api/v1/articles', {
          method: 'POST',
          headers: { ...cluster.auth, 'content-type': 'application/json' },
          body: JSON.stringify({ topic: `benchmark topic number ${i + 1}`, words }),
        });
        if (res.status !== 202) throw new Error(`POST /api/v1/articles: ${res.status} ${res.text}`);
        return (JSON.parse(res.text) as { id: string }).id;
      }),
    );
    let completed = 0;
    for (;;) {
      const { rows } = await cluster.db.query<{ status: string; n: string }>(
        'SELECT status, count(*) AS n FROM articles WHERE id = ANY($1) GROUP BY status',
        [ids],
      );
      const by = Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
      if ((by.queued ?? 0) + (by.running ?? 0) === 0) {
        completed = by.completed ?? 0;
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    const seconds = (performance.now() - t0) / 1000;
    return {
      workers,
      seconds,
      perMinute: (completed / seconds) * 60,
      completed,
      load: `${loadBefore} → ${load()}`,
    };
  } finally {
    await cluster.close();
  }
}

process.stdout.write(
  `scale-out: ${articles} articles of ${words} words, ${perTokenMs} ms/token, ARTICLE_CONCURRENCY=${concurrency} per worker, ` +
    `2 API processes behind nginx; ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), Node ${process.version}\n`,
);
const results: Result[] = [];
for (const workers of [1, 2]) {
  const r = await measure(workers);
  results.push(r);
  process.stdout.write(
    `  ${workers} worker${workers > 1 ? 's' : ' '}: ${r.completed}/${articles} completed in ${r.seconds.toFixed(1)} s = ${r.perMinute.toFixed(1)} articles/min (load ${r.load})\n`,
  );
}
const [one, two] = results as [Result, Result];
process.stdout.write(`  ratio 2 workers / 1 worker: ${(two.perMinute / one.perMinute).toFixed(2)}x\n`);
