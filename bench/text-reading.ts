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
// The functions exist under these names since before 70c9cd1, so the same file measures the code
// before (check out 6fb8782 and run it with BENCH_TEXT_KB=40) and after.
//   npm run bench -- text-reading                 (BENCH_TEXT_KB, default "40,500")
import { availableParallelism, loadavg } from 'node:os';
import { extractJson } from '../src/llm/json-extract.ts';
import { splitThinkTags } from '../src/llm/reasoning.ts';
import { countTokens } from '../src/llm/token-count.ts';
import { analyzeSeo } from '../src/seo/analyze.ts';
import { citedSentences } from '../src/writing/citations.ts';
import { renderHtml } from '../src/writing/render.ts';
import { sentenceLocator } from '../src/writing/sentence-location.ts';

const sizesKb = (process.env.BENCH_TEXT_KB ?? '40,500').split(',').map(Number);

type Operation = 'edit' | 'claims' | 'fact check' | 'tokens' | 'JSON' | 'think';
const operations: Record<Operation, (text: string) => unknown> = {
  edit: (text) => [renderHtml(text), analyzeSeo(text, { keywords: ['heat pump'], language: 'en' })],
  claims: (text) => sentenceLocator(text)({ claim: 'heat pumps cut heating bills by half' }),
  'fact check': (text) => citedSentences(text),
  tokens: (text) => countTokens(text),
  JSON: (text) => extractJson(text),
  think: (text) => splitThinkTags(text),
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
