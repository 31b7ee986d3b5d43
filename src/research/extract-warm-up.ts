// A new extractor process reads a made-up page a few times before its first real one. The parser
// and Readability run unoptimized at first: 17 small pages took 111 ms in a fresh process and 25 ms
// once it had read them (bench/RESULTS.md), and a job's first pages are on its critical path, between
// the research plan and the outline. The page has the parts real pages have (head metadata, a
// navigation, an article of sections with links, lists, a table and a quote, a sidebar, scripts), so
// the code they run is the code compiled. Each read is its own turn of the event loop and a real page
// stops the rest: a page that arrives meanwhile waits for one read at most.
import type { ExtractedPage } from './extract.ts';

const vocabulary = (
  'heat pump energy house winter summer cost saving install system water radiator floor garden ' +
  'insulation window roof solar panel grid carbon ground loop air source efficiency rating noise ' +
  'warranty engineer survey grant rebate tariff meter thermostat boiler comfort family budget'
).split(' ');

/** Deterministic words: the same page in every process, sentences of varied length. */
function sentence(seed: number, length: number): string {
  const words: string[] = [];
  for (let i = 0; i < length; i++) words.push(vocabulary[(seed * 7 + i * 13) % vocabulary.length]!);
  const text = words.join(' ');
  return `${text[0]!.toUpperCase()}${text.slice(1)}, ${vocabulary[seed % vocabulary.length]} included.`;
}

const paragraph = (seed: number) =>
  `<p>${sentence(seed, 12)} <a href="/guide/${seed}">${sentence(seed + 1, 3)}</a> ${sentence(seed + 2, 18)} ` +
  `<em>${sentence(seed + 3, 4)}</em> <strong>${sentence(seed + 4, 5)}</strong> ${sentence(seed + 5, 9)}</p>`;

function section(n: number): string {
  const s = n * 10;
  return [
    `<section id="part-${n}"><h2>${sentence(s, 5)}</h2>`,
    paragraph(s + 1),
    paragraph(s + 2),
    `<ul>${[0, 1, 2, 3].map((i) => `<li>${sentence(s + i, 6)}</li>`).join('')}</ul>`,
    paragraph(s + 3),
    n % 2 === 0
      ? `<table><thead><tr><th>Option</th><th>Cost</th></tr></thead><tbody>${[0, 1, 2]
          .map((i) => `<tr><td>${sentence(s + i, 2)}</td><td>${1000 + i * 250}</td></tr>`)
          .join('')}</tbody></table>`
      : `<blockquote><p>${sentence(s + 4, 14)}</p></blockquote>`,
    `<figure><img src="/images/${n}.jpg" alt="${sentence(s, 3)}"><figcaption>${sentence(s + 5, 5)}</figcaption></figure>`,
    paragraph(s + 6),
    '</section>',
  ].join('\n');
}

/** Where the made-up page says it is (it is never fetched). */
export const warmUpUrl = 'https://guides.example/heat-pumps';

/** The made-up page (~11 kB of HTML). */
export function warmUpPage(): string {
  const links = [0, 1, 2, 3, 4, 5]
    .map((i) => `<li><a href="/topic/${i}">${sentence(i, 2)}</a></li>`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${sentence(1, 6)} | Example Guides</title>
<meta name="description" content="${sentence(2, 14)}">
<meta property="og:title" content="${sentence(1, 6)}">
<meta property="article:published_time" content="2024-03-01T08:00:00Z">
<meta name="author" content="A. Writer">
<link rel="canonical" href="${warmUpUrl}">
<style>body { font-family: sans-serif } .sidebar { float: right }</style>
<script>window.dataLayer = window.dataLayer || [];</script>
</head><body>
<header class="site-header"><a class="logo" href="/">Example Guides</a><nav><ul>${links}</ul></nav></header>
<main><article class="post">
<h1>${sentence(1, 6)}</h1><p class="byline">By <a rel="author" href="/people/a-writer">A. Writer</a>, <time datetime="2024-03-01">1 March 2024</time></p>
${[0, 1, 2].map(section).join('\n')}
</article>
<aside class="sidebar"><h3>Related</h3><ul>${links}</ul><div class="ad">Advertisement</div></aside></main>
<footer><p>© Example Guides</p><ul>${links}</ul></footer>
<script type="application/ld+json">{"@type":"Article","datePublished":"2024-03-01T08:00:00Z"}</script>
</body></html>`;
}

/**
 * Reads the made-up page `rounds` times, one read per turn of the event loop, until the returned
 * function is called (a real page has arrived).
 */
export function warmUp(read: (html: string) => ExtractedPage, rounds: number): () => void {
  const html = warmUpPage();
  let left = rounds;
  const next = () => {
    if (left-- <= 0) return;
    read(html);
    setImmediate(next);
  };
  setImmediate(next);
  return () => {
    left = 0;
  };
}
