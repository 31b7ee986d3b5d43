// PDF through unpdf (bundled pdf.js): text per page, paragraphs split on blank lines, page numbers kept.
import { getDocumentProxy } from 'unpdf';
import { rejected } from '../errors.ts';
import type { Block, ParsedDocument } from '../types.ts';
import { collapseWhitespace, splitParagraphs } from './text.ts';

type PdfDocument = Awaited<ReturnType<typeof getDocumentProxy>>;

/**
 * Each page's text, as unpdf's extractText joins it, but one page at a time with its parsed
 * resources released after: extractText reads every page at once and keeps them, which for a 24 MB,
 * 7,000-page PDF needed more than 512 MB of heap.
 */
async function pageTexts(pdf: PdfDocument): Promise<string[]> {
  const pages: string[] = [];
  for (let number = 1; number <= pdf.numPages; number++) {
    const page = await pdf.getPage(number);
    const { items } = await page.getTextContent();
    pages.push(items.map((item) => ('str' in item ? item.str + (item.hasEOL ? '\n' : '') : '')).join(''));
    page.cleanup();
  }
  return pages;
}

export async function parsePdf(bytes: Uint8Array): Promise<ParsedDocument> {
  let pages: string[];
  let title: string | undefined;
  try {
    // pdf.js may detach the buffer it is given; hand it a copy.
    const pdf = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0, isEvalSupported: false });
    try {
      pages = await pageTexts(pdf);
      const meta = await pdf.getMetadata().catch(() => undefined);
      const info = meta?.info as { Title?: unknown } | undefined;
      title = typeof info?.Title === 'string' ? collapseWhitespace(info.Title) || undefined : undefined;
    } finally {
      await pdf.destroy();
    }
  } catch (err) {
    const name = (err as { name?: string }).name;
    if (name === 'PasswordException')
      throw rejected('encrypted', 'encrypted PDF: remove the password and upload again');
    throw rejected('corrupt', `corrupt PDF: ${(err as Error).message || 'unreadable'}`);
  }
  const blocks: Block[] = pages.flatMap((text, i) =>
    splitParagraphs(text).map((p): Block => ({ kind: 'paragraph', text: p, page: i + 1, headingPath: [] })),
  );
  if (blocks.length === 0)
    throw rejected('empty', 'PDF has no extractable text (scanned?): run OCR on it and upload again');
  return { type: 'pdf', ...(title === undefined ? {} : { title }), blocks, pageCount: pages.length };
}
