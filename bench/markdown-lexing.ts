// Markdown lexed with marked as it comes (as the server did until e20f803) against the server's
// lexer (src/writing/markdown-lexer.ts: emphasis, text and address searches bounded): an ordinary
// long article, and paragraphs of emphasis marks that never close, at sizes where the old lexer's
// time is still measurable (BENCH_HOSTILE_KB, default 30) and at the edit limit (500 kB, the new
// lexer only — the old one takes hours there). Also what markdown-limits decides for each.
//   npm run bench -- markdown-lexing
import { availableParallelism, loadavg } from 'node:os';
import { Marked } from 'marked';
import { lexMarkdown } from '../src/writing/markdown-lexer.ts';
import { markdownEmphasisProblem } from '../src/writing/markdown-limits.ts';

const hostileKb = Number(process.env.BENCH_HOSTILE_KB ?? 30);
const plainMarked = new Marked({ gfm: true });

const article = Array.from(
  { length: 250 },
  (_, i) =>
    `## Part ${i}\n\nThis is **paragraph ${i}** with _some_ emphasis, a \`snake_case_name\`, *italic words*, **bold** and __more__, see https://example.com/a_b. ${'Plain words that run on. '.repeat(70)}`,
).join('\n\n');
const fill = (unit: string, bytes: number) => unit.repeat(Math.ceil(bytes / unit.length)).slice(0, bytes);
const inputs: Array<[string, string, boolean]> = [
  ['article, 250 sections', article, true],
  [`"*_a" × ${hostileKb} kB, one paragraph`, fill('*_a', hostileKb * 1024), true],
  [`"_a" × ${hostileKb} kB, one paragraph`, fill('_a', hostileKb * 1024), true],
  [`"**_a" × ${hostileKb} kB, one paragraph`, fill('**_a', hostileKb * 1024), true],
  ['"*_a" × 500 kB, one paragraph', fill('*_a', 500 * 1024), false],
  ['"_a" × 500 kB, one paragraph', fill('_a', 500 * 1024), false],
];

const timed = (lex: () => unknown) => {
  const t = performance.now();
  lex();
  return performance.now() - t;
};
console.log(
  `${availableParallelism()} cores, node ${process.version}, load average at the start ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
console.log('| input | kB | marked as it comes, ms | bounded lexer, ms (median of 3) | markdown-limits |');
console.log('|---|---|---|---|---|');
for (const [name, text, withOld] of inputs) {
  const old = withOld ? timed(() => plainMarked.lexer(text)).toFixed(0) : 'not run';
  const bounded = [0, 1, 2].map(() => timed(() => lexMarkdown(text))).sort((a, b) => a - b)[1]!;
  const verdict = markdownEmphasisProblem(text) ? 'refused' : 'accepted';
  console.log(
    `| ${name} | ${(text.length / 1024).toFixed(0)} | ${old} | ${bounded.toFixed(0)} | ${verdict} |`,
  );
}
