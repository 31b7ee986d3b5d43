// Exports of a finished article: Markdown with YAML front matter, a standalone HTML page (sanitized
// body, meta tags and JSON-LD), plain text, or the whole record as JSON.
import { jsonLdScript } from '../seo/index.ts';
import { frontMatter, toPlainText } from '../writing/render.ts';
import type { ArticleView } from './types.ts';

export const exportFormats = ['md', 'html', 'txt', 'json'] as const;
export type ExportFormat = (typeof exportFormats)[number];

const mediaTypes: Record<ExportFormat, string> = {
  md: 'text/markdown; charset=utf-8',
  html: 'text/html; charset=utf-8',
  txt: 'text/plain; charset=utf-8',
  json: 'application/json; charset=utf-8',
};

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

export function exportArticle(
  article: ArticleView,
  format: ExportFormat,
): { body: string; contentType: string; filename: string } {
  const name = article.slug || 'article';
  const description = article.seo?.metaDescription;
  let body: string;
  switch (format) {
    case 'md':
      body = frontMatter(
        {
          title: article.title,
          ...(description ? { description } : {}),
          slug: article.slug,
          keywords: article.seo?.keywords ?? article.brief.keywords,
          language: article.brief.language,
          date: article.updatedAt.toISOString().slice(0, 10),
          sources: article.sources.map((s) => ({
            n: s.n,
            title: s.title,
            ...(s.url ? { url: s.url } : {}),
            ...(s.documentId ? { documentId: s.documentId } : {}),
          })),
        },
        article.markdown,
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
      body = `${toPlainText(article.markdown)}\n`;
      break;
    case 'json':
      body = `${JSON.stringify(article, null, 2)}\n`;
      break;
  }
  return { body, contentType: mediaTypes[format], filename: `${name}.${format}` };
}
