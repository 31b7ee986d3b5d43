// Duplicating an article: a new article with the same brief, text and findings under "Copy of …",
// to rework without touching the original. The run's history (steps, events, versions) stays with
// the original: the copy starts its own.
import type { Database } from '../db/client.ts';
import { AppError } from '../errors.ts';
import { renderHtml } from '../writing/render.ts';
import { type ArticleRow, findArticle, insertCopy } from './article-store.ts';
import { isActive } from './statuses.ts';

const h1 = /^#[ \t]+(.*?)[ \t#]*$/m;
const maxTitle = 200;

/** "Copy of <title>", within the title length the API accepts. */
export function copyTitle(title: string): string {
  return `Copy of ${title}`.slice(0, maxTitle).trim();
}

/** The Markdown with its first `# ` heading set to `title`, so the title and the heading stay one. */
function retitled(markdown: string, title: string): string {
  return h1.test(markdown) ? markdown.replace(h1, `# ${title}`) : markdown;
}

export async function duplicateArticle(
  database: Database,
  caller: { workspaceId: string; userId: string },
  id: string,
): Promise<ArticleRow> {
  const source = await findArticle(database, caller, id);
  if (isActive(source.status)) {
    throw new AppError('conflict', `The article is ${source.status}; duplicate it once it has finished`);
  }
  const title = copyTitle(source.title || source.topic);
  const markdown = retitled(source.markdown, title);
  return insertCopy(database, source, {
    userId: caller.userId,
    title,
    markdown,
    html: markdown === source.markdown ? source.html : renderHtml(markdown),
  });
}
