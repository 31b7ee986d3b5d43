// A fake web of 20 pages on one topic (heat pumps) for whole-job benchmarks, with the two search
// APIs research agents use in front of it: SearXNG's JSON search (Blogsmith's SEARXNG_URL, then it
// fetches each page's HTML itself) and Firecrawl's `/v1/search` with scraped markdown (what
// dzhng/deep-research calls). Every page carries one fact no other page has, tagged `HP-nn`, so a
// benchmark can tell which pages reached a model's prompt or a final report by scanning text.

import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { pageHtml } from '../articles/support.ts';
import { html, type LocalServer, startServer } from '../research/local-server.ts';

export interface WebPage {
  path: string;
  title: string;
  paragraphs: string[];
  /** The page's own fact marker, e.g. `HP-07`. */
  marker: string;
}

const aspects = [
  'air source units',
  'ground source loops',
  'cold winters',
  'noise and siting',
  'installation cost',
  'rebates and grants',
  'insulation first',
  'sizing the unit',
  'refrigerants',
  'maintenance',
  'hot water',
  'rooftop solar',
  'radiators and underfloor heating',
  'ductless mini splits',
  'efficiency ratings',
  'running costs',
  'carbon emissions',
  'the electricity grid',
  'choosing an installer',
  'lifespan and warranties',
];

function page(aspect: string, i: number): WebPage {
  const marker = `HP-${String(i + 1).padStart(2, '0')}`;
  // Numbers vary with the page so that no two pages say quite the same thing.
  const homes = 120 + i * 37;
  const saving = 18 + ((i * 7) % 40);
  const cop = (2.4 + ((i * 3) % 15) / 10).toFixed(1);
  return {
    path: `/pages/${aspect.replace(/[^a-z]+/g, '-')}`,
    title: `Heat pumps for family homes: ${aspect}`,
    marker,
    paragraphs: [
      `Heat pumps for family homes raise questions about ${aspect}, and installers answer them differently from one region to the next.`,
      `Field study ${marker} of ${homes} family homes found that ${aspect} changed yearly heating bills by ${saving} percent on average.`,
      `The same homes reached a seasonal coefficient of performance of ${cop} when ${aspect} were planned before the installation.`,
      `Homeowners who looked at ${aspect} early reported fewer call-backs from their installer in the first two winters.`,
      `Energy advisers recommend comparing at least three quotes that each spell out ${aspect} in writing.`,
    ],
  };
}

export const webPages: WebPage[] = aspects.map(page);

/** The markers of the pages whose fact appears in `text`. */
export function pagesMentioned(text: string): Set<string> {
  return new Set([...text.matchAll(/\bHP-\d\d\b/g)].map((m) => m[0]));
}

const words = (text: string) => new Set(text.toLowerCase().match(/[a-z]{4,}/g) ?? []);
const tieBreak = (query: string, p: WebPage) => createHash('sha1').update(`${query}\n${p.path}`).digest()[0]!;

/**
 * The `limit` pages a search engine would rank first: most query words in the title and text, ties
 * broken by a hash of query and page, so different queries on the same topic find different pages.
 */
export function searchPages(query: string, limit: number): WebPage[] {
  const asked = words(query);
  const scored = webPages.map((p) => {
    const have = words(`${p.title} ${p.paragraphs.join(' ')}`);
    let score = 0;
    for (const w of asked) if (have.has(w)) score++;
    return { p, score, tie: tieBreak(query, p) };
  });
  scored.sort((a, b) => b.score - a.score || a.tie - b.tie);
  return scored.slice(0, limit).map((s) => s.p);
}

export const pageMarkdown = (p: WebPage) => `# ${p.title}\n\n${p.paragraphs.join('\n\n')}\n`;

const sendJson = (res: ServerResponse, status: number, body: unknown) =>
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

/** Serves the pages, `GET /search?q=&format=json` (SearXNG) and `POST /v1/search` (Firecrawl v1). */
export async function startFakeWeb(): Promise<LocalServer> {
  let base = '';
  const routes: Parameters<typeof startServer>[0] = {
    '/search': (req, res) => {
      const q = req.url.searchParams.get('q') ?? '';
      sendJson(res, 200, {
        query: q,
        results: searchPages(q, 10).map((p) => ({
          url: `${base}${p.path}`,
          title: p.title,
          content: p.paragraphs[0],
          engine: 'fake',
        })),
      });
    },
    '/v1/search': (req, res) => {
      let body: { query?: unknown; limit?: unknown; scrapeOptions?: { formats?: unknown } };
      try {
        body = JSON.parse(req.body) as typeof body;
      } catch {
        return sendJson(res, 400, { success: false, error: 'body is not JSON' });
      }
      if (typeof body.query !== 'string')
        return sendJson(res, 400, { success: false, error: 'query is required' });
      const limit = typeof body.limit === 'number' && body.limit > 0 ? Math.min(body.limit, 20) : 5;
      const formats = Array.isArray(body.scrapeOptions?.formats) ? body.scrapeOptions.formats : [];
      sendJson(res, 200, {
        success: true,
        data: searchPages(body.query, limit).map((p) => ({
          url: `${base}${p.path}`,
          title: p.title,
          description: p.paragraphs[0],
          ...(formats.includes('markdown') ? { markdown: pageMarkdown(p) } : {}),
        })),
      });
    },
  };
  for (const p of webPages) routes[p.path] = (_req, res) => html(res, pageHtml(p));
  const server = await startServer(routes);
  base = server.url;
  return server;
}
