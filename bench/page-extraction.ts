// Web pages reduced to text on this thread against in the extractor processes (src/research/
// extract-pool.ts): BENCH_PAGES pages (default 17, what the item-8 job reads) of a realistic size —
// ~190 kB of HTML each: navigation, scripts, a 2,000-word article, related links — read at once, as
// the research step hands them over, in alternating rounds (BENCH_ROUNDS, default 5). Reports each
// way's wall time for all pages, the longest stall of this thread's event loop meanwhile (what every
// other request and live stream waits), and the CPU of this process and its extractors; plus what
// the extractor processes cost to start, and the wall of the same pages as a fresh process's first.
//   npm run bench -- page-extraction
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { extractReadable, loadExtractor } from '../src/research/extract.ts';
import { closeExtractors, extractPage, warmExtractors } from '../src/research/extract-pool.ts';
import { treeUsage } from './support/process-tree.ts';
import { alternatingRounds } from './support/thread-stall.ts';

const pages = Number(process.env.BENCH_PAGES ?? 17);
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);

function realisticPage(i: number): Buffer {
  const nav = Array.from(
    { length: 120 },
    (_, n) => `<li class="menu-item"><a href="/section/${n}" class="nav-link">Section ${n}</a></li>`,
  ).join('');
  const paragraph = (n: number) =>
    `<p>Paragraph ${n} of page ${i}: heat pumps move heat rather than generating it, which is why their seasonal efficiency reaches ${200 + n + i} percent; installers size units by the heat loss of the house, measured room by room, and <a href="/x/${n}">compare quotes</a> carefully before the work.</p>`;
  const body = Array.from(
    { length: 60 },
    (_, n) =>
      paragraph(n) +
      (n % 8 === 0
        ? `<h2>Heading ${n}</h2><figure><img src="/i/${n}.jpg"><figcaption>Caption ${n}</figcaption></figure>`
        : ''),
  ).join('');
  const aside = Array.from(
    { length: 40 },
    (_, n) =>
      `<div class="card"><div class="card-body"><h4><a href="/r/${n}">Related story ${n} about energy</a></h4><span class="meta">3 min read</span></div></div>`,
  ).join('');
  const scripts = `<script>${'var analytics = window.analytics || [];'.repeat(800)}</script>`.repeat(5);
  return Buffer.from(
    `<!doctype html><html lang="en"><head><title>Heat pumps, part ${i}</title>${'<meta name="x" content="y">'.repeat(40)}${scripts}</head><body><header><nav><ul>${nav}</ul></nav></header><main><article><h1>Heat pumps, part ${i}</h1>${body}</article><aside>${aside}</aside></main><footer>${nav}</footer></body></html>`,
  );
}

const html = Array.from({ length: pages }, (_, i) => realisticPage(i));
const contentType = 'text/html; charset=utf-8';

// The old way: each page reduced on this thread as its body arrives — here one after another with
// a turn of the event loop between them, its best case: other work waits one page at a time.
const readOnThisThread = async () => {
  for (const [i, body] of html.entries()) {
    await new Promise((r) => setTimeout(r, 0));
    extractReadable(body, contentType, `https://pages.example/${i}`);
  }
};
const readOnExtractors = () =>
  Promise.all(html.map((body, i) => extractPage(body, contentType, `https://pages.example/${i}`)));

// This process and its extractor processes.
const rss = () => treeUsage(process.pid).rssKb / 1024;
const rssBefore = rss();
const startT = performance.now();
warmExtractors();
// A process is ready once it has answered: the warm-up's own tasks are queued first.
await extractPage(html[0]!, contentType, 'https://pages.example/warm');
const extractorsReadyMs = performance.now() - startT;
const rssWithExtractors = rss();
loadExtractor();
for (const body of html.slice(0, 3)) extractReadable(body, contentType, 'https://pages.example/warm');

const results = await alternatingRounds(rounds, {
  'this thread': readOnThisThread,
  'extractor processes': readOnExtractors,
});
const rssAfterRounds = rss();
await closeExtractors();

// The first pages of a fresh extractor process, as a job meets them: the process started
// BENCH_FRESH_LEAD_MS before them (default 1,000: a one-shot `generate` starts it as it starts, ~2 s
// ahead; a server, as the research plan is asked for), the pages handed over at once.
const freshLeadMs = Number(process.env.BENCH_FRESH_LEAD_MS ?? 1000);
const fresh: number[] = [];
for (let round = 0; round < rounds; round++) {
  warmExtractors();
  await new Promise((r) => setTimeout(r, freshLeadMs));
  const t = performance.now();
  await readOnExtractors();
  fresh.push(performance.now() - t);
  await closeExtractors();
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(
  `${pages} pages of ${Math.round(html[0]!.length / 1024)} kB, ${rounds} rounds, ${availableParallelism()} cores, node ${process.version}, load average at the end ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
console.log(
  `extractor processes: ready (started, parser loaded, first page read) after ${extractorsReadyMs.toFixed(0)} ms; RSS of this process and its children ${rssBefore.toFixed(0)} → ${rssWithExtractors.toFixed(0)} MB (${rssAfterRounds.toFixed(0)} MB after the rounds, this thread's parser loaded too)`,
);
console.log(
  '| pages read on | wall ms (median, min–max) | longest event-loop stall ms (median) | CPU ms of this process and its extractors (median) |',
);
console.log('|---|---|---|---|');
for (const [way, rs] of Object.entries(results)) {
  const walls = rs.map((r) => r.wallMs);
  console.log(
    `| ${way} | ${median(walls).toFixed(0)} (${Math.min(...walls).toFixed(0)}–${Math.max(...walls).toFixed(0)}) | ${median(rs.map((r) => r.stallMs)).toFixed(1)} | ${median(rs.map((r) => r.cpuMs)).toFixed(0)} |`,
  );
}
console.log(
  `| extractor processes started ${freshLeadMs} ms before the pages | ${median(fresh).toFixed(0)} (${Math.min(...fresh).toFixed(0)}–${Math.max(...fresh).toFixed(0)}) | — | — |`,
);
