// Pages are parsed on a worker thread: the same result as on this thread, errors with their codes,
// and the HTML parser never loaded here.
import { createRequire } from 'node:module';
import { expect, it } from 'vitest';
import { extractReadable } from '../../src/research/extract.ts';
import { extractReadableOffThread } from '../../src/research/extract-thread.ts';

const html = `<html><head><title>Heat pumps</title></head><body><article><h1>Heat pumps</h1>
<p>${'Heat pumps move warmth from the outside air into a family home. '.repeat(20)}</p>
<p>${'They cost less to run than a gas boiler in most climates. '.repeat(10)}</p></article></body></html>`;

const parserLoadedHere = () =>
  Object.keys(createRequire(import.meta.url).cache).some((f) => f.includes('/node_modules/linkedom/'));

it('parses a page on the extraction thread as this thread would, and reports what it cannot parse', async () => {
  const url = 'https://example.com/heat-pumps';
  const page = await extractReadableOffThread(Buffer.from(html), 'text/html; charset=utf-8', url);
  expect(page.title).toBe('Heat pumps');
  expect(page.wordCount).toBeGreaterThan(200);
  expect(parserLoadedHere()).toBe(false);
  await expect(
    extractReadableOffThread(Buffer.from('%PDF-1.7'), 'application/pdf', `${url}.pdf`),
  ).rejects.toMatchObject({ name: 'AppError', code: 'unsupported_media_type' });
  // Last: this loads the parser on this thread.
  expect(page).toEqual(extractReadable(html, 'text/html; charset=utf-8', url));
});
