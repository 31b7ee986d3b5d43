// The originality check (`GET /api/v1/articles/:id/originality`) of a 5,000-word article with 20
// sources of 12,000 characters and 200 other articles in its workspace (each ~1,500 words), on the
// embedded database, through the whole HTTP edge (`inject`): wall time of the first check (its worker
// process starts) and of the next ones (p50 / p95); then the comparison alone in this process, for
// that article and for the largest Markdown an edit allows (500,000 characters), which is why it runs
// in a worker process.
//   npm run bench -- originality   (BENCH_CHECKS, default 20)
import { performance } from 'node:perf_hooks';
import { insertArticle } from '../src/articles/article-store.ts';
import { compareOriginality, type OriginalityTask } from '../src/articles/originality/compare.ts';
import { closeOriginalityCheckers } from '../src/articles/originality/originality-pool.ts';
import { session, setupOwner } from '../test/support/accounts.ts';
import { createTestApp } from '../test/support/app.ts';
import { seededRandom } from '../test/support/seeded-random.ts';
import { storedBrief } from '../test/support/stored-brief.ts';

const checks = Number(process.env.BENCH_CHECKS ?? 20);
const random = seededRandom(13);
// A vocabulary used as prose is: a few words often, most rarely (Zipf-like).
const vocabulary = Array.from({ length: 6000 }, (_, i) => `w${i.toString(36)}${'aeiou'[i % 5]}n`);
const word = () => vocabulary[Math.floor(vocabulary.length * random() ** 3)]!;
const sentence = (n = 12 + Math.floor(random() * 12)) => {
  const words = Array.from({ length: n }, word);
  return `${words.join(' ')}.`.replace(/^./, (c) => c.toUpperCase());
};
const paragraph = (sentences = 4) => Array.from({ length: sentences }, () => sentence()).join(' ');
const wordsOf = (text: string) => text.split(/\s+/).length;
const textOf = (words: number) => {
  const out: string[] = [];
  let n = 0;
  while (n < words) {
    const p = paragraph();
    out.push(p);
    n += wordsOf(p);
  }
  return out;
};

const sources = Array.from({ length: 20 }, (_, i) => {
  let text = '';
  while (text.length < 12_000) text += `${paragraph()} `;
  return {
    n: i + 1,
    kind: 'url',
    title: `Source ${i + 1}`,
    url: `https://example.com/${i}`,
    excerpt: '',
    text: text.slice(0, 12_000),
  };
});
// The article: its own paragraphs, one in ten copied from a source.
const paragraphs = textOf(5000).map((p, i) =>
  i % 10 === 0 ? sources[i % 20]!.text.slice(0, 600).replace(/\S*$/, '') : p,
);
const markdown = `# A long article\n\n${paragraphs.map((p, i) => (i % 6 === 0 ? `## Part ${i}\n\n${p}` : p)).join('\n\n')}`;

const t = await createTestApp('pglite', { RATE_LIMIT_ENABLED: 'false' });
try {
  const owner = await setupOwner(t.app);
  const scope = { workspaceId: owner.body.workspace.id, userId: owner.body.id };
  const insert = async (topic: string, text: string, withSources: unknown[] = []) => {
    const { row } = await insertArticle(t.runtime.database, { ...scope, brief: storedBrief(topic) });
    await t.runtime.database.query(
      `UPDATE articles SET markdown = $2, title = $3, sources = $4::jsonb, status = 'completed' WHERE id = $1`,
      [row.id, text, topic, JSON.stringify(withSources)],
    );
    return row.id;
  };
  const id = await insert('A long article', markdown, sources);
  for (let i = 0; i < 200; i++) {
    // Every tenth shares a paragraph with the article.
    const own = textOf(1500);
    if (i % 10 === 0) own.splice(3, 0, paragraphs[(i * 7) % paragraphs.length]!);
    await insert(`Library article ${i}`, `# Library article ${i}\n\n${own.join('\n\n')}`);
  }
  const times: number[] = [];
  let report: { spans: unknown[]; score: number; compared: unknown } | undefined;
  for (let i = 0; i <= checks; i++) {
    const started = performance.now();
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/articles/${id}/originality`,
      headers: session(owner.cookie),
    });
    if (res.statusCode !== 200) throw new Error(`${res.statusCode} ${res.body}`);
    times.push(performance.now() - started);
    report = res.json();
  }
  const [first, ...rest] = times;
  rest.sort((a, b) => a - b);
  const at = (q: number) => rest[Math.min(rest.length - 1, Math.floor(q * rest.length))]!.toFixed(0);
  console.log(
    `article: ${wordsOf(markdown)} words; compared ${JSON.stringify(report?.compared)}; ${report?.spans.length} spans; score ${report?.score.toFixed(3)}`,
  );
  console.log(
    `endpoint: first ${first!.toFixed(0)} ms (worker start), then p50 ${at(0.5)} ms, p95 ${at(0.95)} ms`,
  );

  const task = (text: string, articles: OriginalityTask['articles']): OriginalityTask => ({
    markdown: text,
    sources,
    articles,
    passages: [],
  });
  const library = Array.from({ length: 30 }, (_, i) => ({
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    title: `Library ${i}`,
    markdown: textOf(1500).join('\n\n'),
  }));
  const timed = (what: string, run: () => void) => {
    run(); // compiled first
    const ms: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      run();
      ms.push(performance.now() - started);
    }
    console.log(`${what}: ${Math.min(...ms).toFixed(0)}–${Math.max(...ms).toFixed(0)} ms`);
  };
  timed('compare alone, the 5,000-word article, 20 sources, 30 candidate articles', () =>
    compareOriginality(task(markdown, library)),
  );
  let largest = markdown;
  while (largest.length < 500_000) largest += `\n\n${paragraph()}`;
  timed(`compare alone, ${largest.length.toLocaleString('en')} characters, same candidates`, () =>
    compareOriginality(task(largest.slice(0, 500_000), library)),
  );
} finally {
  await t.close();
  await closeOriginalityCheckers();
}
