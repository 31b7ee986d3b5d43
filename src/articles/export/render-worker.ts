// An export-rendering process (render-pool.ts): writes one article as WordPress blocks, DOCX or PDF.
// A refusal (a PDF's text its fonts cannot draw) crosses back as data: a thrown error loses its class.
import { enablePrivateCompileCache } from '../../compile-cache.ts';
import type { DocumentMeta } from './article-blocks.ts';

enablePrivateCompileCache();
const { AppError } = await import('../../errors.ts');
const { renderExport } = await import('./render.ts');

export interface RenderTask {
  format: 'wordpress' | 'docx' | 'pdf';
  html: string;
  meta: DocumentMeta;
}

export type RenderAnswer = { body: string | Uint8Array } | { refusal: string };

/** A task of `null` does nothing (the process has started). */
export default async function render(task: RenderTask | null): Promise<RenderAnswer | null> {
  if (!task) return null;
  try {
    return { body: await renderExport(task) };
  } catch (err) {
    if (err instanceof AppError && err.code === 'validation_error') return { refusal: err.message };
    throw err;
  }
}
