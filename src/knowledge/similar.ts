// Library passages most similar to a text, for the originality check: embedding cosine (when
// pgvector and an embedding are available) combined with 5-word-shingle Jaccard over candidates
// prefiltered by full-text search.
import type { z } from 'zod';
import type { Database } from '../db/client.ts';
import { isUnspacedCharacter, searchWords } from '../db/text-search.ts';
import type { similarPassage } from '../server/routes/knowledge-schemas.ts';
import { englishStopWords } from '../writing/words.ts';
import { libraryTextConfigs } from './document-store.ts';
import { type CandidatePassageRow, passagesNearVector, passagesSharingWords } from './passage-store.ts';
import { jaccard, shingles } from './shingles.ts';

export { jaccard, shingles };

/** A passage like the text: `cosine` is absent without vectors, `shingleJaccard` is 0..1. */
export type SimilarPassage = z.infer<typeof similarPassage>;

const maxQueryWords = 64;

/**
 * The text's distinct content words as a websearch_to_tsquery "a or b or c" ("or" is a stop word);
 * in a script written without spaces each pair of neighbouring characters is a "word" (one
 * character alone would match nearly every passage in that script).
 */
export function anyWordQuery(text: string): string {
  const words = new Set<string>();
  let previous = '';
  for (const word of searchWords(text)) {
    if (!isUnspacedCharacter(word)) {
      if (!englishStopWords.has(word)) words.add(word);
      previous = '';
    } else {
      if (previous) words.add(`"${previous} ${word}"`);
      previous = word;
    }
  }
  return [...words].slice(0, maxQueryWords).join(' or ');
}

export async function findSimilar(
  database: Database,
  input: { workspaceId: string; text: string; embedding?: number[]; limit: number },
): Promise<SimilarPassage[]> {
  const candidates = Math.max(input.limit * 10, 50);
  // Full-text prefilter: any of the text's words (OR), so paraphrased overlap still qualifies.
  const byWords = await passagesSharingWords(database, {
    workspaceId: input.workspaceId,
    anyWordQuery: anyWordQuery(input.text),
    limit: candidates,
    textConfigs: await libraryTextConfigs(database, input.workspaceId),
  });
  const byId = new Map<string, CandidatePassageRow>(byWords.map((r) => [r.chunkId, r]));
  if (database.vectorAvailable && input.embedding && input.embedding.length > 0) {
    const byMeaning = await passagesNearVector(database, {
      workspaceId: input.workspaceId,
      embedding: input.embedding,
      limit: candidates,
    });
    for (const r of byMeaning) byId.set(r.chunkId, r);
  }
  const mine = shingles(input.text);
  return [...byId.values()]
    .map((r) => {
      const shingleJaccard = jaccard(mine, shingles(r.text));
      const cosine = r.cosine == null ? undefined : Number(r.cosine);
      return {
        chunkId: r.chunkId,
        documentId: r.documentId,
        documentTitle: r.documentTitle,
        text: r.text,
        pageStart: r.pageStart,
        pageEnd: r.pageEnd,
        ...(cosine === undefined ? {} : { cosine }),
        shingleJaccard,
        // Copied wording (shingles) dominates; meaning (cosine) breaks ties and finds paraphrase.
        score: cosine === undefined ? shingleJaccard : Math.max(shingleJaccard, cosine * 0.9),
      };
    })
    .sort((a, b) => b.score - a.score)
    .slice(0, input.limit);
}
