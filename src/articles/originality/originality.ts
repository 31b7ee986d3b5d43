// The originality check of an article's saved text (hand edits included): the copied spans it shares
// with its sources (those it cites and the others its research gathered), with the workspace's other
// articles and with the knowledge library's passages, and its most similar articles. Computed on
// request: the database finds the candidates by the article's rarer words, a worker process compares.
import type { Database } from '../../db/client.ts';
import { AppError } from '../../errors.ts';
import { libraryTextConfigs } from '../../knowledge/document-store.ts';
import { passagesSharingWords } from '../../knowledge/passage-store.ts';
import { findArticle } from '../article-store.ts';
import { sourceKey } from '../sources.ts';
import { stepOutputSchemas, storedOutput } from '../step-outputs.ts';
import { finishedOutputs } from '../step-store.ts';
import { articleSearchWords, articlesSharingWords } from './candidate-store.ts';
import type { OriginalityReport, OriginalityTask } from './compare.ts';
import { compareOffThread } from './originality-pool.ts';

/** What the check compares with at most: its words find this many candidates of each kind. */
export const originalityBounds = {
  searchWords: 64,
  articles: 30,
  /** Of each candidate article, its Markdown's first characters. */
  articleChars: 100_000,
  passages: 50,
};

export async function checkOriginality(
  database: Database,
  scope: { workspaceId: string },
  id: string,
): Promise<OriginalityReport> {
  const article = await findArticle(database, scope, id);
  if (!article.markdown.trim())
    throw new AppError(
      'conflict',
      'The article has no text yet: its originality can be checked once it is written (or a text is saved)',
    );
  const outputs = await finishedOutputs(database, id);
  const gathered = storedOutput(outputs, 'gather', stepOutputSchemas.gather)?.sources ?? [];
  const cited = new Set(article.sources.map(sourceKey));
  const sources: OriginalityTask['sources'] = [
    ...article.sources.map((s) => ({ n: s.n, title: s.title, url: s.url, text: s.text })),
    ...gathered
      .filter((s) => !cited.has(sourceKey(s)))
      .map((s) => ({ n: null, title: s.title, url: s.url, text: s.text })),
  ];
  const words = await articleSearchWords(database, scope, id, originalityBounds.searchWords);
  const [articles, passages] = await Promise.all([
    articlesSharingWords(database, scope, {
      exceptId: id,
      words,
      limit: originalityBounds.articles,
      maxChars: originalityBounds.articleChars,
    }),
    words.length === 0
      ? []
      : libraryTextConfigs(database, scope.workspaceId).then((textConfigs) =>
          passagesSharingWords(database, {
            workspaceId: scope.workspaceId,
            anyWordQuery: words.join(' or '),
            limit: originalityBounds.passages,
            textConfigs,
          }),
        ),
  ]);
  return compareOffThread(
    {
      markdown: article.markdown,
      sources,
      articles,
      passages: passages.map((p) => ({
        documentId: p.documentId,
        documentTitle: p.documentTitle,
        text: p.text,
      })),
    },
    scope.workspaceId,
  );
}
