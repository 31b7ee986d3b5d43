// Exports of a finished article: Markdown with YAML front matter (raw HTML and script links made
// text), a standalone HTML page (sanitized body, meta tags and JSON-LD), plain text, the whole record
// as JSON, and — from the same sanitized HTML — WordPress block markup, a Word document and a PDF
// (one module each in export/).
import { jsonLdScript } from '../seo/index.ts';
import { findInstructionLike } from '../writing/instruction-like.ts';
import { frontMatter, toPlainText } from '../writing/render.ts';
import { exportableMarkdown } from '../writing/safe-markdown.ts';
import type { ArticleRow } from './article-store.ts';
import { renderOffThread } from './export/render-pool.ts';
import type { ArticleView } from './types.ts';

export const exportFormats = ['md', 'html', 'txt', 'json', 'docx', 'pdf', 'wordpress'] as const;
export type ExportFormat = (typeof exportFormats)[number];

/** Each format's media type; the text formats are sent as UTF-8. */
export const exportMediaTypes = {
  md: 'text/markdown',
  html: 'text/html',
  txt: 'text/plain',
  json: 'application/json',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  pdf: 'application/pdf',
  wordpress: 'text/html',
} as const satisfies Record<ExportFormat, string>;

const binaryFormats = new Set<ExportFormat>(['docx', 'pdf']);

// WordPress block markup is HTML (WordPress stores a post's content so); its own name keeps it from
// overwriting the standalone page saved beside it.
const extensions: Record<ExportFormat, string> = {
  md: 'md',
  html: 'html',
  txt: 'txt',
  json: 'json',
  docx: 'docx',
  pdf: 'pdf',
  wordpress: 'wordpress.html',
};

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

/** What the text formats read: the stored row has it all. */
type Exported = Pick<
  ArticleRow,
  'workspaceId' | 'slug' | 'seo' | 'title' | 'brief' | 'updatedAt' | 'markdown' | 'html' | 'tags'
> & {
  sources: ReadonlyArray<Pick<ArticleRow['sources'][number], 'n' | 'title' | 'url' | 'documentId'>>;
};

/** The JSON export is the whole API view; the others need only the row (no steps read, no claims located). */
export type ExportRequest =
  | { format: 'json'; article: ArticleView }
  | { format: Exclude<ExportFormat, 'json'>; article: Exported };

export async function exportArticle({ format, article }: ExportRequest): Promise<{
  body: string | Buffer;
  contentType: string;
  filename: string;
  /** Passages of the article's text that read like instructions to a model. */
  instructionFlags: number;
}> {
  const name = article.slug || 'article';
  const description = article.seo?.metaDescription;
  const meta = {
    title: article.title,
    language: article.brief.language,
    ...(description ? { description } : {}),
  };
  let body: string | Buffer;
  switch (format) {
    case 'md':
      body = frontMatter(
        {
          title: article.title,
          ...(description ? { description } : {}),
          slug: article.slug,
          keywords: article.seo?.keywords ?? article.brief.keywords,
          // The library's tags, as static site generators (Jekyll, Hugo, Eleventy) read them.
          ...(article.tags.length ? { tags: article.tags } : {}),
          language: article.brief.language,
          date: article.updatedAt.toISOString().slice(0, 10),
          sources: article.sources.map((s) => ({
            n: s.n,
            title: s.title,
            ...(s.url ? { url: s.url } : {}),
            ...(s.documentId ? { documentId: s.documentId } : {}),
          })),
        },
        exportableMarkdown(article.markdown),
      );
      break;
    case 'html':
      body = `<!doctype html>
<html lang="${escapeHtml(article.brief.language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(article.seo?.metaTitle ?? article.title)}</title>
${description ? `<meta name="description" content="${escapeHtml(description)}">\n` : ''}${article.seo ? `${jsonLdScript(article.seo.jsonLd)}\n` : ''}</head>
<body>
<article>
${article.html}
</article>
</body>
</html>
`;
      break;
    case 'txt':
      body = `${toPlainText(article.markdown, { linkTargets: true })}\n`;
      break;
    case 'json':
      body = `${JSON.stringify(article, null, 2)}\n`;
      break;
    case 'wordpress':
    case 'docx':
    case 'pdf':
      body = await renderOffThread({ format, html: article.html, meta }, article.workspaceId);
      break;
  }
  return {
    body,
    contentType: binaryFormats.has(format)
      ? exportMediaTypes[format]
      : `${exportMediaTypes[format]}; charset=utf-8`,
    filename: `${name}.${extensions[format]}`,
    instructionFlags: findInstructionLike(article.markdown).length,
  };
}
