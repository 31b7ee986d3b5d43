// Text that members and model servers control, read by the server's text functions: each input is
// a shape that cost one of them time in its length squared, at a size where that was still
// measurable and at the size of an edit's limit (500 kB). Every cell is what one operation costs
// on the thread that serves everyone:
//   edit          an article's PATCH: renderHtml + analyzeSeo (the SEO reader lexes each block)
//   claims        locating a claim's sentence (every article read with claims, each claim action)
//   fact check    citedSentences (the sentences a source must support)
//   tokens        countTokens (prompts fitted to a context, answers of servers without usage)
//   JSON          extractJson (structured answers of servers without native JSON output)
//   think         splitThinkTags (answers of reasoning models served without a parser)
//   citations     refreshCitations against ten 12,000-character sources (every edit's citation scores)
//   flags         findInstructionLike (every read of an article)
// The functions exist under these names since before 70c9cd1, so the same file measures the code
// before (check out 6fb8782 and run it with BENCH_TEXT_KB=40) and after.
//   npm run bench -- text-reading                 (BENCH_TEXT_KB, default "40,500")
import { availableParallelism, loadavg } from 'node:os';
import { refreshCitations } from '../src/articles/checks.ts';
import type { ArticleSource } from '../src/articles/types.ts';
import { extractJson } from '../src/llm/json-extract.ts';
import { splitThinkTags } from '../src/llm/reasoning.ts';
import { countTokens } from '../src/llm/token-count.ts';
import { analyzeSeo } from '../src/seo/analyze.ts';
import { citedSentences } from '../src/writing/citations.ts';
import { findInstructionLike } from '../src/writing/instruction-like.ts';
import { renderHtml } from '../src/writing/render.ts';
import { sentenceLocator } from '../src/writing/sentence-location.ts';

const sizesKb = (process.env.BENCH_TEXT_KB ?? '40,500').split(',').map(Number);

const sourceText = 'Heat pumps move heat from outside air into the home and are efficient in mild climates. '
  .repeat(140)
  .slice(0, 12_000);
const sources = Array.from(
  { length: 10 },
  (_, i) => ({ n: i + 1, title: `S${i}`, url: `https://e.example/${i}`, text: sourceText }) as ArticleSource,
);

type Operation = 'edit' | 'claims' | 'fact check' | 'tokens' | 'JSON' | 'think' | 'citations' | 'flags';
const operations: Record<Operation, (text: string) => unknown> = {
  edit: (text) => [renderHtml(text), analyzeSeo(text, { keywords: ['heat pump'], language: 'en' })],
  claims: (text) => sentenceLocator(text)({ claim: 'heat pumps cut heating bills by half' }),
  'fact check': (text) => citedSentences(text),
  tokens: (text) => countTokens(text),
  JSON: (text) => extractJson(text),
  think: (text) => splitThinkTags(text),
  citations: (text) => refreshCitations(text, sources, 'en', []),
  flags: (text) => findInstructionLike(text),
};

const fill = (unit: string, bytes: number) => unit.repeat(Math.ceil(bytes / unit.length)).slice(0, bytes);
const shapes: Array<[string, (bytes: number) => string, Operation[]]> = [
  ['spaces between two words', (b) => `Heat ${' '.repeat(b)} pumps [1].`, ['edit', 'claims', 'fact check']],
  ['"a [" (brackets that never close)', (b) => `${fill('a [', b)} [1].`, ['claims', 'fact check']],
  ['"_a " (emphasis that never closes)', (b) => `${fill('_a ', b)} [1].`, ['claims', 'fact check']],
  ['"(Source 1) " (spelled-out citations)', (b) => fill('Pumps (Source 1) ', b), ['edit', 'fact check']],
  ['"—" (one run without spaces)', (b) => fill('—', b), ['tokens']],
  ['"{" (brackets that never close)', (b) => fill('{', b), ['JSON']],
  ['"<think>" after "</think>"', (b) => `</think>${fill('<think>a', b)}`, ['JSON', 'think']],
  ['"- " (lists nested thousands deep)', (b) => `${fill('- ', b)}x`, ['edit']],
  ['one word as long as the text', (b) => `Heat pumps. ${'m'.repeat(b)}.`, ['edit']],
  ['"<strong>" (raw HTML never closed)', (b) => fill('<strong>', b), ['edit']],
  ['"Ab [1-10]. " (each sentence cites every source)', (b) => fill('Ab [1-10]. ', b), ['citations']],
  ['"jailbreak" lines', (b) => fill('jailbreak\n\n', b), ['flags']],
  // A fenced block is masked to its closing fence or the text's end (src/writing/citations.ts maskCode).
  ['"```x" lines (fences never closed)', (b) => `${fill('```x\n', b)}a [1].`, ['edit', 'fact check']],
];

function timed(run: () => unknown): string {
  const t = performance.now();
  try {
    run();
  } catch (err) {
    return (err as Error).name;
  }
  return (performance.now() - t).toFixed(0);
}

// Modules and tables loaded (the tokenizer's, the lexers') before anything is timed.
for (const op of Object.values(operations)) op('Heat pumps cut bills [1]. {"a": 1}');

console.log(
  `${availableParallelism()} cores, node ${process.version}, load average at the start ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
console.log(`| input | operation | ${sizesKb.map((kb) => `${kb} kB, ms`).join(' | ')} |`);
console.log(`|---|---|${sizesKb.map(() => '---').join('|')}|`);
for (const [name, make, ops] of shapes) {
  for (const op of ops) {
    const cells = sizesKb.map((kb) => timed(() => operations[op](make(kb * 1024))));
    console.log(`| ${name} | ${op} | ${cells.join(' | ')} |`);
  }
}
