import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searxngProvider } from '../../src/research/providers/index.ts';
import type { LocalServer } from '../research/local-server.ts';
import { pagesMentioned, searchPages, startFakeWeb, webPages } from './fake-web.ts';

let web: LocalServer;
beforeAll(async () => {
  web = await startFakeWeb();
});
afterAll(() => web.close());

describe('fake web', () => {
  it('has 20 pages, each with a fact marker no other page has', () => {
    expect(webPages).toHaveLength(20);
    for (const p of webPages) expect([...pagesMentioned(p.paragraphs.join(' '))]).toEqual([p.marker]);
  });

  it('ranks pages sharing query words first and spreads similar queries over different pages', () => {
    expect(searchPages('heat pumps and rooftop solar panels', 1)[0]!.title).toMatch(/rooftop solar/);
    const found = new Set(
      ['heat pumps basics', 'heat pumps costs', 'heat pumps getting started'].flatMap((q) =>
        searchPages(q, 5).map((p) => p.path),
      ),
    );
    expect(found.size).toBeGreaterThan(5);
  });

  it("answers Blogsmith's SearXNG provider with pages it can fetch", async () => {
    const results = await searxngProvider(web.url, { allowHosts: ['127.0.0.1'] }).search('heat pump noise', {
      limit: 5,
    });
    expect(results).toHaveLength(5);
    const html = await (await fetch(results[0]!.url)).text();
    expect(pagesMentioned(html).size).toBe(1);
  });

  it("answers Firecrawl's search with scraped markdown when asked, and refuses a body without a query", async () => {
    const search = (body: unknown) =>
      fetch(`${web.url}/v1/search`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const res = await search({
      query: 'heat pump costs',
      limit: 3,
      scrapeOptions: { formats: ['markdown'] },
    });
    const { success, data } = (await res.json()) as {
      success: boolean;
      data: Array<{ url: string; markdown?: string }>;
    };
    expect(success).toBe(true);
    expect(data).toHaveLength(3);
    for (const d of data) expect(pagesMentioned(d.markdown ?? '').size).toBe(1);
    const bare = (await (await search({ query: 'heat pump costs' })).json()) as {
      data: Array<{ markdown?: string }>;
    };
    expect(bare.data[0]!.markdown).toBeUndefined();
    expect((await search({ limit: 3 })).status).toBe(400);
  });
});
