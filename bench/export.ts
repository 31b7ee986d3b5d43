// Exports of an article through the whole HTTP edge (`GET /api/v1/articles/:id/export`, `inject`),
// for a 3,000-word article and for the largest Markdown an edit allows (500,000 characters), both
// written as articles are (headings, links, lists, tables, code, quotes, images): per format the wall
// time, the CPU of this process and its worker processes, and the longest stall of the serving
// thread — DOCX, PDF and WordPress blocks are written in a worker process (render-pool.ts) so that
// the stall stays small while they run. Then the Markdown export of a paragraph of 32,000 distinct
// tag-like words, which the serving thread writes.
//   npm run bench -- export   (BENCH_ROUNDS, default 3; the first round, which starts the worker
//   process, is reported apart)
import { insertArticle } from '../src/articles/article-store.ts';
import { closeExportRenderers } from '../src/articles/export/render-pool.ts';
import { session, setupOwner } from '../test/support/accounts.ts';
import { createTestApp } from '../test/support/app.ts';
import { seededRandom } from '../test/support/seeded-random.ts';
import { storedBrief } from '../test/support/stored-brief.ts';
import { measured, type Round } from './support/thread-stall.ts';

const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const formats = ['md', 'html', 'txt', 'wordpress', 'docx', 'pdf'] as const;
const random = seededRandom(20);
const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
const words = 'the a of to and in that model source article writer check team data search page brand'
  .concat(' voice result draft citation claim section outline reader topic query answer library')
  .split(' ');
const sentence = () => {
  const n = 10 + Math.floor(random() * 14);
  const parts = Array.from({ length: n }, (_, i) => {
    const w = pick(words);
    if (i === 3 && random() < 0.3) return `[${w} guide](https://example.com/${w}/${i})`;
    if (i === 5 && random() < 0.2) return `**${w}**`;
    return w;
  });
  return `${parts.join(' ').replace(/^./, (c) => c.toUpperCase())}.`;
};
const paragraph = () => Array.from({ length: 3 + Math.floor(random() * 3) }, sentence).join(' ');
// One section as writers make them: prose with an occasional list, table, code, quote or image.
const section = (n: number) => {
  const blocks = [`## Section ${n}: ${pick(words)} ${pick(words)}`, paragraph(), paragraph()];
  const extra = n % 5;
  if (extra === 0) blocks.push(Array.from({ length: 5 }, () => `- ${sentence()}`).join('\n'));
  if (extra === 1)
    blocks.push(
      `| ${pick(words)} | ${pick(words)} | ${pick(words)} |\n|---|---|---|\n${Array.from(
        { length: 6 },
        () => `| ${pick(words)} | ${sentence()} | ${Math.floor(random() * 1000)} |`,
      ).join('\n')}`,
    );
  if (extra === 2)
    blocks.push(`\`\`\`ts\nconst ${pick(words)} = await fetch('/api/${n}');\nconsole.log(${n});\n\`\`\``);
  if (extra === 3) blocks.push(`> ${sentence()} ${sentence()}`);
  if (extra === 4) blocks.push(`![A chart of ${pick(words)}](https://example.com/chart-${n}.png)`);
  blocks.push(paragraph());
  return blocks.join('\n\n');
};
const articleOf = (characters: number) => {
  let text = `# An article of ${characters.toLocaleString('en')} characters\n\n${paragraph()}`;
  for (let n = 1; ; n++) {
    const next = `${text}\n\n${section(n)}`;
    if (next.length > characters) return text;
    text = next;
  }
};

const t = await createTestApp('pglite', { RATE_LIMIT_ENABLED: 'false' });
try {
  const owner = await setupOwner(t.app);
  const scope = { workspaceId: owner.body.workspace.id, userId: owner.body.id };
  const articleWith = async (markdown: string) => {
    const { row } = await insertArticle(t.runtime.database, { ...scope, brief: storedBrief('Exports') });
    await t.runtime.database.query(`UPDATE articles SET status = 'completed' WHERE id = $1`, [row.id]);
    // Through the edit, so the stored HTML is what an edit renders.
    const res = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/articles/${row.id}`,
      headers: session(owner.cookie),
      payload: { markdown },
    });
    if (res.statusCode !== 200) throw new Error(`${res.statusCode} ${res.body.slice(0, 300)}`);
    return row.id;
  };
  const typical = articleOf(20_000);
  const largest = articleOf(500_000);
  const articles = [
    { name: `${typical.split(/\s+/).length.toLocaleString('en')} words`, id: await articleWith(typical) },
    { name: `${largest.length.toLocaleString('en')} characters`, id: await articleWith(largest) },
  ];
  const exported = async (id: string, format: string) => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/articles/${id}/export?format=${format}`,
      headers: session(owner.cookie),
    });
    if (res.statusCode !== 200) throw new Error(`${format}: ${res.statusCode} ${res.body.slice(0, 300)}`);
    return res.rawPayload.length;
  };
  const span = (values: number[]) =>
    `${Math.min(...values).toFixed(0)}–${Math.max(...values).toFixed(0)}`.replace(/^(\d+)–\1$/, '$1');
  console.log(`${rounds} rounds after a first one; ms as min–max over the rounds`);
  for (const article of articles) {
    console.log(`\n${article.name}`);
    console.log('format     bytes      first wall   wall        cpu          stall');
    for (const format of formats) {
      let bytes = 0;
      const first = await measured(async () => {
        bytes = await exported(article.id, format);
      });
      const later: Round[] = [];
      for (let r = 0; r < rounds; r++) later.push(await measured(() => exported(article.id, format)));
      console.log(
        [
          format.padEnd(10),
          String(bytes).padEnd(10),
          first.wallMs.toFixed(0).padEnd(12),
          span(later.map((r) => r.wallMs)).padEnd(11),
          span(later.map((r) => r.cpuMs)).padEnd(12),
          span([first, ...later].map((r) => r.stallMs)),
        ].join(' '),
      );
    }
  }
  // The Markdown export makes each block safe in one pass: a paragraph of 32,000 distinct tag-like
  // words (245 KB), each escaped where it is, held the serving thread 35 s when every word was
  // replaced throughout the block in turn.
  const tagWords = Array.from({ length: 32_000 }, (_, i) => `<x${i}`).join(' ');
  const tagWordsId = await articleWith(`# Tag words\n\n${tagWords}\n`);
  const tagRounds: Round[] = [];
  for (let r = 0; r <= rounds; r++) tagRounds.push(await measured(() => exported(tagWordsId, 'md')));
  console.log(
    `\n32,000 distinct tag-like words, md: wall ${span(tagRounds.map((r) => r.wallMs))} ms, stall ${span(tagRounds.map((r) => r.stallMs))} ms`,
  );
} finally {
  await t.close();
  await closeExportRenderers();
}
