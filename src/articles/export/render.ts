// The exports built from the article's sanitized HTML, in whichever process runs them (render-pool.ts).
import { articleBlocks, type DocumentMeta, withoutControls } from './article-blocks.ts';
import { docxFile } from './docx.ts';
import { assertPdfCanDraw, pdfFile } from './pdf.ts';
import { wordpressBlocks } from './wordpress.ts';

export async function renderExport(task: {
  format: 'wordpress' | 'docx' | 'pdf';
  html: string;
  meta: DocumentMeta;
}): Promise<string | Buffer> {
  if (task.format === 'wordpress') return wordpressBlocks(task.html);
  const blocks = articleBlocks(task.html);
  // The title and description are the document's too, held to what it can hold and draw.
  const { title, description } = task.meta;
  const meta = {
    ...task.meta,
    title: withoutControls(title),
    ...(description === undefined ? {} : { description: withoutControls(description) }),
  };
  if (task.format === 'docx') return docxFile(blocks, meta);
  assertPdfCanDraw(meta.title, blocks);
  return pdfFile(blocks, meta);
}
