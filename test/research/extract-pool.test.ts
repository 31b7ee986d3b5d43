// Pages read in the extractor processes: the same text as on this thread (multi-byte characters
// included, decoded there from the fetched bytes), plain text read here, other types refused as
// before; a page past its time is refused and its process replaced, and the processes go on reading.
import { afterAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.ts';
import { extractReadable } from '../../src/research/extract.ts';
import { closeExtractors, extractPage, warmExtractors } from '../../src/research/extract-pool.ts';
import { articlePage, prose } from './article-page.ts';

afterAll(() => closeExtractors());

const page = articlePage({
  title: 'Wärmepumpen für Familienhäuser — ein Überblick',
  paragraphs: prose('Wärmepumpen', 'Nördliche'),
  canonical: '/energie/waermepumpen',
  published: '2026-03-04T08:00:00Z',
  lang: 'de-DE',
});

describe('extractPage', () => {
  it('reads an HTML page in an extractor process exactly as this thread would', async () => {
    warmExtractors();
    const bytes = Buffer.from(page);
    const url = 'https://news.example/amp/waerme';
    const pages = await Promise.all([0, 1, 2].map(() => extractPage(bytes, 'text/html; charset=utf-8', url)));
    const here = extractReadable(bytes, 'text/html; charset=utf-8', url);
    for (const read of pages) expect(read).toEqual(here);
    expect(here.title).toBe('Wärmepumpen für Familienhäuser — ein Überblick');
    expect(here.text).toContain('Nördliche');
    expect(here.language).toBe('de-DE');
  });

  it('reads plain text here and refuses what is not text', async () => {
    await expect(
      extractPage(Buffer.from('# Notes\n\nsome plain words here'), 'text/plain', 'https://a.example/n.txt'),
    ).resolves.toMatchObject({ title: 'Notes', wordCount: 6 });
    const refused = await extractPage(
      Buffer.from('%PDF-1.7'),
      'application/pdf',
      'https://a.example/f.pdf',
    ).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe('unsupported_media_type');
  });

  it('refuses a page that takes longer than its time, and the processes go on reading', async () => {
    // Thousands of paragraphs: far more than a millisecond of parsing anywhere.
    const huge = Buffer.from(
      articlePage({ title: 'Long', paragraphs: Array.from({ length: 400 }, () => prose('x', 'Y')).flat() }),
    );
    const late = await extractPage(huge, 'text/html', 'https://a.example/long', { timeoutMs: 1 }).catch(
      (e: unknown) => e,
    );
    expect(late).toBeInstanceOf(AppError);
    expect((late as AppError).code).toBe('unavailable');
    expect((late as AppError).message).toMatch(/could not be read within/);
    const after = await extractPage(Buffer.from(page), 'text/html', 'https://news.example/after');
    expect(after.title).toBe('Wärmepumpen für Familienhäuser — ein Überblick');
  });

  // 64 kB of unclosed `<div><p>`: linkedom and Readability ran for over 30 s on it (on the thread
  // that served every request, before the extractors). Now it costs its own process until its
  // time is up, and this thread answers throughout.
  // A page handed over beside it (queued behind it when there is one process) has its own time from
  // when a process takes it, so it is read, not refused for the hostile page's time.
  it('refuses a page crafted to hang the parser, and this thread stays free meanwhile', async () => {
    const hostile = Buffer.from(`<html><body>${'<div><p>a '.repeat(6000)}</body></html>`);
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 10);
    const started = Date.now();
    const [refused, beside] = await Promise.all([
      extractPage(hostile, 'text/html', 'https://evil.example/', { timeoutMs: 3000 }).catch(
        (e: unknown) => e,
      ),
      extractPage(Buffer.from(page), 'text/html', 'https://news.example/beside', { timeoutMs: 2500 }),
    ]);
    clearInterval(ticker);
    expect(beside.language).toBe('de-DE');
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).message).toBe('The page could not be read within 3 s');
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(ticks).toBeGreaterThan(20);
    const next = await extractPage(Buffer.from(page), 'text/html', 'https://news.example/next');
    expect(next.language).toBe('de-DE');
  });

  it('reads another workspace’s page before the rest of one workspace’s crafted pages', async () => {
    const hostile = Buffer.from(`<html><body>${'<div><p>a '.repeat(6000)}</body></html>`);
    const finished: string[] = [];
    const read = (name: string, bytes: Buffer, key: string) =>
      extractPage(bytes, 'text/html', `https://${key}.example/${name}`, { timeoutMs: 1_000, key }).then(
        () => finished.push(name),
        () => finished.push(name),
      );
    const pile = ['hostile1', 'hostile2', 'hostile3', 'hostile4', 'hostile5'].map((name) =>
      read(name, hostile, 'workspace-a'),
    );
    await new Promise((r) => setTimeout(r, 50));
    await read('other', Buffer.from(page), 'workspace-b');
    await Promise.all(pile);
    expect(finished.indexOf('other')).toBeLessThan(finished.indexOf('hostile5'));
  });

  it('stops reading when the caller gives up', async () => {
    const controller = new AbortController();
    controller.abort(new Error('the run was cancelled'));
    await expect(
      extractPage(Buffer.from(page), 'text/html', 'https://news.example/x', { signal: controller.signal }),
    ).rejects.toThrow();
  });
});
