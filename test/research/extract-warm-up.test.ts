// An extractor process reads a made-up page before its first real one (src/research/extract-warm-up.ts):
// the page must take the path real articles take through the parser and Readability, and the reads
// must give way to a real page.
import { describe, expect, it } from 'vitest';
import { extractReadable } from '../../src/research/extract.ts';
import { warmUp, warmUpPage, warmUpUrl } from '../../src/research/extract-warm-up.ts';

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('the warm-up page', () => {
  it('reads as an article: its metadata, its sections, and none of the page around them', () => {
    const page = extractReadable(Buffer.from(warmUpPage()), 'text/html', warmUpUrl);
    expect(page.title).toMatch(/\w+ \w+/);
    expect(page.publishedAt).toBe('2024-03-01T08:00:00.000Z');
    expect(page.language).toBe('en');
    expect(page.canonicalUrl).toBe(warmUpUrl);
    expect(page.byline).toContain('A. Writer');
    expect(page.wordCount).toBeGreaterThan(600);
    // Found by Readability, not the whole body's text: the sidebar, navigation and footer are left out.
    expect(page.text).not.toContain('Advertisement');
    expect(page.text).not.toContain('Example Guides');
  });
});

describe('warmUp', () => {
  it('reads the page once per turn of the event loop, as many times as asked', async () => {
    const reads: string[] = [];
    warmUp((html) => {
      reads.push(html);
      return extractReadable(html, 'text/html', warmUpUrl);
    }, 3);
    expect(reads).toHaveLength(0);
    await turn();
    expect(reads).toHaveLength(1);
    for (let i = 0; i < 5; i++) await turn();
    expect(reads).toHaveLength(3);
    expect(new Set(reads).size).toBe(1);
  });

  it('stops when told (a real page has come)', async () => {
    let reads = 0;
    const stop = warmUp((html) => {
      reads++;
      return extractReadable(html, 'text/html', warmUpUrl);
    }, 10);
    await turn();
    await turn();
    stop();
    for (let i = 0; i < 5; i++) await turn();
    expect(reads).toBe(2);
  });
});
