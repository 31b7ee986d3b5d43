// Uploaded documents recognised, parsed and chunked on this thread (as every upload was until
// 65cd4dc, in its own request) against in the document-reading process (src/knowledge/parse-pool.ts):
// for documents near MAX_FILE_SIZE_MB's default of 25 MB — a 7,000-page PDF, Markdown, HTML, plain
// text, an OpenAPI spec of 100,000 operations — and a crafted 2 kB PDF of nested forms, each way in
// alternating rounds (BENCH_ROUNDS, default 3), then a 20 MB PDF that inflates to 20 GB on the
// reading process (with the peak RSS of this process and its children). Reports wall time, the longest
// stall of this thread's event loop (what every other request and live stream waits) and the CPU of
// this process and its reading processes.
//   npm run bench -- document-reading
import { availableParallelism, loadavg } from 'node:os';
import { parseAndChunk } from '../src/knowledge/ingest-document.ts';
import { closeDocumentReaders, parseAndChunkOffThread } from '../src/knowledge/parse-pool.ts';
import { documentTypes } from '../src/knowledge/types.ts';
import { writeInflatingPdf, writeNestedFormsPdf, writePdf } from '../test/support/pdf-writer.ts';
import { treeUsage } from './support/process-tree.ts';
import { alternatingRounds, measured, type Round } from './support/thread-stall.ts';

const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const limits = { maxBytes: 25 * 1024 * 1024, allowedTypes: documentTypes };
const words = (n: number) => 'heat pumps move heat rather than making it '.repeat(n / 8);

const documents: Array<{ name: string; bytes: Buffer; filename: string }> = [
  {
    name: 'PDF, 7,000 pages',
    filename: 'manual.pdf',
    bytes: writePdf(
      Array.from({ length: 7_000 }, (_, p) =>
        Array.from(
          { length: 45 },
          (_, l) => `Page ${p} line ${l} with some ordinary words to read and index`,
        ),
      ),
    ),
  },
  {
    name: 'Markdown',
    filename: 'guide.md',
    bytes: Buffer.from(
      Array.from({ length: 24_000 }, (_, i) => `## Part ${i}\n\n${words(160)}\n\n- ${words(16)}\n`).join(
        '\n',
      ),
    ),
  },
  {
    name: 'HTML',
    filename: 'page.html',
    bytes: Buffer.from(
      `<html><body>${Array.from({ length: 23_000 }, (_, i) => `<h2>Part ${i}</h2><p>${words(160)}</p>`).join('')}`,
    ),
  },
  {
    name: 'plain text',
    filename: 'notes.txt',
    bytes: Buffer.from(Array.from({ length: 24_000 }, () => words(160)).join('\n\n')),
  },
  {
    name: 'OpenAPI JSON, 100,000 operations',
    filename: 'api.json',
    bytes: Buffer.from(
      JSON.stringify({
        openapi: '3.0.0',
        info: { title: 'Big API', version: '1' },
        paths: Object.fromEntries(
          Array.from({ length: 100_000 }, (_, i) => [
            `/things/${i}`,
            { get: { summary: `Read thing ${i}`, description: words(24) } },
          ]),
        ),
      }),
    ),
  },
];

const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
console.log(
  `${rounds} rounds, ${availableParallelism()} cores, node ${process.version}, load average at the start ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
console.log(
  '| document | MB | chunks | read on | wall ms (median, min–max) | longest event-loop stall ms (median) | CPU ms of this process (median) |',
);
console.log('|---|---|---|---|---|---|---|');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const row = (doc: string, size: string, chunks: string, way: string, rs: Round[]) => {
  const walls = rs.map((r) => r.wallMs);
  console.log(
    `| ${doc} | ${size} | ${chunks} | ${way} | ${median(walls).toFixed(0)} (${Math.min(...walls).toFixed(0)}–${Math.max(...walls).toFixed(0)}) | ${median(rs.map((r) => r.stallMs)).toFixed(0)} | ${median(rs.map((r) => r.cpuMs)).toFixed(0)} |`,
  );
};

for (const { name, bytes, filename } of documents) {
  let chunks = 0;
  const results = await alternatingRounds(rounds, {
    'this thread': async () => {
      chunks = (await parseAndChunk(bytes, { ...limits, filename })).chunks.length;
    },
    'reading process': async () => {
      chunks = (await parseAndChunkOffThread(bytes, { ...limits, filename })).chunks.length;
    },
  });
  for (const [way, rs] of Object.entries(results)) row(name, mb(bytes.length), String(chunks), way, rs);
}

// The crafted PDF would run for many minutes either way: on this thread it is stopped by nothing,
// so it is given 10^6 text runs there (seconds) and the full 10^8 in the reading process, which
// refuses it at its time.
const crafted = writeNestedFormsPdf(6);
row('crafted PDF, 6 levels of nested forms', mb(crafted.length), '—', 'this thread', [
  await measured(() => parseAndChunk(crafted, { ...limits, filename: 'forms.pdf' })),
]);
const hostile = writeNestedFormsPdf(8);
let refusal = '';
const onThread = await measured(() =>
  parseAndChunkOffThread(hostile, { ...limits, filename: 'forms.pdf' }).catch((e: Error) => {
    refusal = e.message;
  }),
);
row('crafted PDF, 8 levels of nested forms', mb(hostile.length), '—', 'reading process', [onThread]);
console.log(`the 8-level PDF in the reading process: ${refusal}`);

// A 20 MB PDF whose one stream inflates to 20 GB: pdf.js keeps a stream's decoded bytes in one
// buffer, outside the heap the reading process is limited to, so its RSS is what it costs.
const inflating = writeInflatingPdf(20_000);
const treeRss = () => treeUsage(process.pid).rssKb * 1024;
const rssBefore = treeRss();
let rssPeak = rssBefore;
const sampler = setInterval(() => {
  rssPeak = Math.max(rssPeak, treeRss());
}, 20);
const inflated = await measured(() =>
  parseAndChunkOffThread(inflating, { ...limits, filename: 'inflating.pdf' }).catch((e: Error) => {
    refusal = e.message;
  }),
);
clearInterval(sampler);
row('crafted PDF, one stream inflating to 20 GB', mb(inflating.length), '—', 'reading process', [inflated]);
console.log(
  `the inflating PDF in the reading process: ${refusal}; RSS of this process and its children ${mb(rssBefore)} MB before it, ${mb(rssPeak)} MB at most while it was read`,
);
await closeDocumentReaders();
