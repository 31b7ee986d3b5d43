// PDF through unpdf (bundled pdf.js): text per page, paragraphs split on blank lines, page numbers kept.
import { extractText, getDocumentProxy } from 'unpdf';
import { rejected } from '../errors.ts';
import type { Block, ParsedDocument } from '../types.ts';
import { collapseWhitespace, splitParagraphs } from './text.ts';

export async function parsePdf(bytes: Uint8Array): Promise<ParsedDocument> {
  let pages: string[];
  let title: string | undefined;
  try {
    // pdf.js may detach the buffer it is given; hand it a copy.
    const pdf = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0, isEvalSupported: false });
    try {
      pages = (await extractText(pdf, { mergePages: false })).text;
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
