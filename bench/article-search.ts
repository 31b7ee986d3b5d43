// The article list's full-text search (GET /articles?q=) at thousands of articles: one workspace's
// articles in English, another's in German, searched with words most articles contain, a word one
// article contains, and a word none does; and its tag filter (GET /articles?tag=) with a tag a tenth
// of the articles carry, a tag of one article, a tag of none; on the tables as written, and again once their statistics
// are taken (VACUUM ANALYZE: PostgreSQL's autovacuum, or on the embedded database, which has none, the
// app after a run once the table has grown by a tenth — src/db/embedded-autovacuum.ts).
//   npm run bench -- article-search [ARTICLES, default 6000] [QUERIES per kind, default 40]
//   (BENCH_DATABASE=pglite|postgres)
import { performance } from 'node:perf_hooks';
import { articleTextConfigs, type ListArticlesInput, listArticles } from '../src/articles/article-store.ts';
import { refreshStatsIfGrown } from '../src/db/embedded-autovacuum.ts';
import { backendNamed, insertWorkspace, openMigratedBenchDatabase } from './support/bench-database.ts';
import { sortedLatencies } from './support/latencies.ts';

const total = Number(process.argv[2] ?? 6000);
const queries = Number(process.argv[3] ?? 40);
const backend = backendNamed(process.env.BENCH_DATABASE ?? 'pglite');
const { database, drop } = await openMigratedBenchDatabase(backend);

const searched = await insertWorkspace(database, 'searched');
const other = await insertWorkspace(database, 'other');

// A fixed pseudo-random sequence, so every run writes the same articles.
let seed = 42;
const random = () => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
};
const common =
  'heat pump home energy boiler insulation radiator floor heating efficiency cost grant installer noise winter summer cooling solar panel battery electricity tariff carbon thermostat ventilation compressor refrigerant defrost cycle performance sizing survey window wall loft cavity brick'.split(
    ' ',
  );
const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
// ~1,500 words: the common vocabulary, and one word of its own per article ("rare0042").
const body = (i: number) =>
  `${Array.from({ length: 1500 }, () => pick(common)).join(' ')} rare${String(i).padStart(4, '0')}.`;

const t0 = performance.now();
for (let written = 0; written < total; written += 100) {
  const rows = Array.from({ length: Math.min(100, total - written) }, (_, k) => {
    const i = written + k;
    const german = i % 3 === 2;
    return {
      w: german ? other : searched,
      b: JSON.stringify({ topic: 'heat pumps', language: german ? 'de' : 'en', words: 1500 }),
      t: `${pick(common)} ${pick(common)} guide ${i}`,
      m: body(i),
      // A tag of ten, and one of its own ("tag0042").
      g: [`topic ${i % 10}`, `tag${String(i).padStart(4, '0')}`],
    };
  });
  await database.query(
    `INSERT INTO articles (workspace_id, brief, status, topic, title, markdown, tags)
     SELECT r.w::uuid, r.b::jsonb, 'completed', r.t, r.t, r.m, ARRAY(SELECT json_array_elements_text(r.g))
       FROM json_to_recordset($1::json) AS r(w text, b text, t text, m text, g json)`,
    [JSON.stringify(rows)],
  );
}
const inserted = performance.now() - t0;
const articlesSearched = total - Math.floor((total + 1) / 3);
console.log(
  `${total} articles (${articlesSearched} in the searched workspace, the rest German in another), ${backend}: inserted in ${(inserted / 1000).toFixed(1)} s`,
);

const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const oneArticle = () => String(Math.floor(random() * total)).padStart(4, '0');
const kinds: Record<string, () => Partial<ListArticlesInput>> = {
  'common words': () => ({ q: `${pick(common)} ${pick(common)}` }),
  'a word of one article': () => ({ q: `rare${oneArticle()}` }),
  'a word of none': () => ({ q: pick(['zebra', 'submarine', 'volcano', 'saxophone']) }),
  'tag of a tenth': () => ({ tags: [`topic ${Math.floor(random() * 10)}`] }),
  'tag of one article': () => ({ tags: [`tag${oneArticle()}`] }),
  'tag of none': () => ({ tags: ['no such tag'] }),
};
const report = async (when: string) => {
  const parts = [];
  for (const [kind, query] of Object.entries(kinds)) {
    const ms = await sortedLatencies(queries, () =>
      listArticles(database, { workspaceId: searched }, { ...query(), limit: 20 }),
    );
    parts.push(`${kind} p50 ${pct(ms, 50).toFixed(1)} / p95 ${pct(ms, 95).toFixed(1)} ms`);
  }
  console.log(`  ${when}: ${parts.join('; ')} (${queries} queries each)`);
};
await report('as written');
const t1 = performance.now();
if (!(await refreshStatsIfGrown(database, 'articles'))) await database.exec('VACUUM ANALYZE articles');
const upkeep = performance.now() - t1;
await report(`after VACUUM ANALYZE (${upkeep.toFixed(0)} ms)`);
const configs = await sortedLatencies(queries, () => articleTextConfigs(database, searched));
console.log(
  `  the workspace's configurations (${(await articleTextConfigs(database, searched)).join(', ')}): p50 ${pct(configs, 50).toFixed(2)} / p95 ${pct(configs, 95).toFixed(2)} ms`,
);
await database.close();
await drop();
