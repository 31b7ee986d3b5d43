// The originality check's candidates among the workspace's articles: the article's rarest words as
// its search vector holds them, and the other articles sharing most of them.
import type { Database } from '../../db/client.ts';

type Scope = { workspaceId: string };

// A word of the search vector that can be written into a tsquery as it is: letters, marks, digits.
const plainLexeme = /^[\p{L}\p{M}\p{N}]+$/u;

/**
 * The article's longest distinct words as its search vector holds them (stemmed in its language),
 * for finding the articles and passages that share its wording: a long word is a rare one, and the
 * vector has every word of the text without the text being read here. `[]` for another workspace's.
 */
export async function articleSearchWords(
  database: Database,
  scope: Scope,
  id: string,
  limit: number,
): Promise<string[]> {
  const { rows } = await database.query<{ lexeme: string }>(
    `SELECT u.lexeme FROM articles a, unnest(a.tsv) u WHERE a.id = $1 AND a.workspace_id = $2
     ORDER BY length(u.lexeme) DESC, u.lexeme LIMIT $3`,
    [id, scope.workspaceId, limit * 4],
  );
  return rows
    .map((r) => r.lexeme)
    .filter((word) => plainLexeme.test(word))
    .slice(0, limit);
}

// Matches are ranked among the first this many: "any of 64 words" can match most of a workspace.
const sharingWordsCandidateCap = 1000;

/**
 * The workspace's other articles with text that share the most of `words` (stems from
 * `articleSearchWords`, matched as they are), each with its title (the topic when it has none) and
 * its Markdown's first `maxChars` characters.
 */
export async function articlesSharingWords(
  database: Database,
  scope: Scope,
  input: { exceptId: string; words: readonly string[]; limit: number; maxChars: number },
): Promise<Array<{ id: string; title: string; markdown: string }>> {
  const words = input.words.filter((word) => plainLexeme.test(word));
  if (words.length === 0) return [];
  const query = words.map((word) => `'${word}'`).join(' | ');
  const { rows } = await database.queryPlannedPerCall<{ id: string; title: string; markdown: string }>(
    `SELECT a.id, coalesce(nullif(a.title, ''), a.topic) AS title, left(a.markdown, $4) AS markdown
     FROM (SELECT id, tsv FROM articles WHERE workspace_id = $1 AND id <> $2 AND markdown <> ''
           AND tsv @@ to_tsquery('simple', $3) LIMIT ${sharingWordsCandidateCap}) m
     JOIN articles a ON a.id = m.id
     ORDER BY ts_rank(m.tsv, to_tsquery('simple', $3)) DESC, a.id LIMIT $5`,
    [scope.workspaceId, input.exceptId, query, input.maxChars, input.limit],
  );
  return rows;
}
