// Duplicating an article: a new article with the same brief, text and findings under "Copy of …",
// to rework without touching the original. The run's history (steps, events, versions) stays with
// the original: the copy starts its own.
import type { Config } from '../config.ts';
import type { Database } from '../db/client.ts';
import { AppError } from '../errors.ts';
import { assertStorageRoom } from '../storage/workspace-storage.ts';
import { renderHtml } from '../writing/render.ts';
import { type ArticleRow, findArticle, insertCopy } from './article-store.ts';
import { isActive } from './statuses.ts';

const h1Start = /^#[ \t]/m;
const lineEnd = /[\n\r\u2028\u2029]/g;
const maxTitle = 200;

/** "Copy of <title>", within the title length the API accepts. */
export function copyTitle(title: string): string {
  return `Copy of ${title}`.slice(0, maxTitle).trim();
}

/**
 * The Markdown with its first `# ` heading line set to `title`, so the title and the heading stay
 * one. Found by its start and its line's end: `/^#[ \t]+(.*?)[ \t#]*$/m` read the trailing run of
 * spaces again for each character of the heading (40 kB of spaces after `# a`: 5 s, an edit's
 * 500 kB minutes), and a title with `$1` in it was expanded as a replacement pattern.
 */
function retitled(markdown: string, title: string): string {
  const start = h1Start.exec(markdown);
  if (!start) return markdown;
  lineEnd.lastIndex = start.index;
  const end = lineEnd.exec(markdown)?.index ?? markdown.length;
  return `${markdown.slice(0, start.index)}# ${title}${markdown.slice(end)}`;
}

export async function duplicateArticle(
  database: Database,
  config: Pick<Config, 'WORKSPACE_STORAGE_MB'>,
  caller: { workspaceId: string; userId: string },
  id: string,
): Promise<ArticleRow> {
  const source = await findArticle(database, caller, id);
  if (isActive(source.status)) {
    throw new AppError('conflict', `The article is ${source.status}; duplicate it once it has finished`);
  }
  const title = copyTitle(source.title || source.topic);
  const markdown = retitled(source.markdown, title);
  await assertStorageRoom(database, config, caller.workspaceId, Buffer.byteLength(markdown));
  return insertCopy(database, source, {
    userId: caller.userId,
    title,
    markdown,
    html: markdown === source.markdown ? source.html : renderHtml(markdown),
  });
}
