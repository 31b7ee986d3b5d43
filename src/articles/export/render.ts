// The exports built from the article's sanitized HTML, in whichever process runs them (render-pool.ts).
import { articleBlocks, type DocumentMeta } from './article-blocks.ts';
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
  if (task.format === 'docx') return docxFile(blocks, task.meta);
  assertPdfCanDraw(task.meta.title, blocks);
  return pdfFile(blocks, task.meta);
}
