// Reading one finished article, as the web app's article page, the CLI and scripts do: `GET
// /api/v1/articles/:id` and `GET /api/v1/articles/:id/export?format=md`, in this process through the
// whole HTTP edge (auth, the route, its serializer; `inject`, so no socket). The article is written
// first by the pipeline against the fake writer model from ten pages — seven of them long enough that
// their stored text is the 12,000 characters a source keeps — so its sources weigh what a real
// article's do. Reports each read's wall time (p50 / p95) and this process's CPU per read (on the
// embedded database that includes the database's work; on PostgreSQL the server's is elsewhere).
//   npm run bench -- article-read   (BENCH_DATABASES, default pglite,postgres; BENCH_READS, default 400)
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { pageHtml, postArticle, startArticleEnv, waitForArticle } from '../test/articles/support.ts';
import { session } from '../test/support/accounts.ts';
import { backendNamed } from './support/bench-database.ts';

const databases = (process.env.BENCH_DATABASES ?? 'pglite,postgres').split(',').map((d) => d.trim());
const reads = Number(process.env.BENCH_READS ?? 400);

const aspects = ['noise', 'sizing', 'rebates', 'refrigerants', 'maintenance', 'hot water', 'running costs'];
/** A long page on one aspect: ~80 sentences that differ in their numbers, ~13,000 characters. */
function longPage(aspect: string, i: number): string {
  const paragraphs = Array.from({ length: 20 }, (_, p) =>
    [
      `Installers surveyed in region ${i * 20 + p + 1} said ${aspect} decided ${12 + ((p * 7 + i) % 50)} percent of their quotes for family homes.`,
      `A heat pump sized for ${aspect} in a house of ${90 + p * 9} square metres used ${2100 + p * 130 + i * 40} kilowatt hours a year.`,
      `Owners who planned ${aspect} before the work reported ${3 + ((p + i) % 9)} fewer service visits over ${4 + (p % 6)} winters.`,
      `Advisers compare ${aspect} across at least ${2 + (p % 4)} quotes, since prices differed by ${300 + p * 45} euros for the same unit.`,
    ].join(' '),
  );
  return pageHtml({ title: `Heat pumps and ${aspect}: a field guide (${i + 1})`, paragraphs });
}

interface Measured {
  database: string;
  target: string;
  firstMs: number;
  p50: number;
  p95: number;
  cpuMsPerRead: number;
  bytes: number;
}

const percentile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

async function measure(database: string): Promise<Measured[]> {
  const extraPages = Object.fromEntries(aspects.map((a, i) => [`/long-${i}`, longPage(a, i)]));
  // The reads, not the limiter refusing them, are measured.
  const env = await startArticleEnv(backendNamed(database), {
    extraPages,
    env: { RATE_LIMIT_ENABLED: 'false' },
  });
  try {
    const urls = [...env.urls, ...Object.keys(extraPages).map((p) => `${env.web.url}${p}`)];
    const posted = await postArticle(env, {
      topic: 'heat pumps for family homes',
      words: 1500,
      keywords: ['heat pumps'],
      research: { urls },
    });
    const { id } = posted.json() as { id: string };
    const article = (await waitForArticle(env, id)) as { status: string; sources: unknown[] };
    if (article.status !== 'completed') throw new Error(`the bench article ${article.status}`);
    const rows: Measured[] = [];
    for (const [target, url] of [
      ['GET /api/v1/articles/:id', `/api/v1/articles/${id}`],
      ['GET /api/v1/articles/:id/export?format=md', `/api/v1/articles/${id}/export?format=md`],
    ] as const) {
      const read = async () => {
        const res = await env.test.app.inject({ method: 'GET', url, headers: session(env.cookie) });
        if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 300)}`);
        return res.body.length;
      };
      const first = performance.now();
      const bytes = await read();
      const firstMs = performance.now() - first;
      for (let i = 0; i < 50; i++) await read();
      const times: number[] = [];
      const cpu = process.cpuUsage();
      for (let i = 0; i < reads; i++) {
        const t = performance.now();
        await read();
        times.push(performance.now() - t);
      }
      const used = process.cpuUsage(cpu);
      times.sort((a, b) => a - b);
      rows.push({
        database,
        target,
        firstMs,
        p50: percentile(times, 0.5),
        p95: percentile(times, 0.95),
        cpuMsPerRead: (used.user + used.system) / 1000 / reads,
        bytes,
      });
    }
    console.error(`${database}: the article has ${article.sources.length} sources`);
    return rows;
  } finally {
    await env.close();
  }
}

const rows: Measured[] = [];
for (const database of databases) rows.push(...(await measure(database)));
console.log(
  `${reads} reads after 50 warm-up reads, node ${process.version}, load average at the end ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
console.log('| database | read | first read ms | p50 ms | p95 ms | CPU ms per read | response bytes |');
console.log('|---|---|---|---|---|---|---|');
const ms = (n: number) => n.toFixed(2);
for (const r of rows)
  console.log(
    `| ${r.database} | \`${r.target}\` | ${ms(r.firstMs)} | ${ms(r.p50)} | ${ms(r.p95)} | ${ms(r.cpuMsPerRead)} | ${r.bytes.toLocaleString('en')} |`,
  );
