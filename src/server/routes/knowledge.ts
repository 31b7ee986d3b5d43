// Knowledge-base search (hybrid vector + full text, fused by reciprocal rank) and similar passages.
// Without pgvector or an embedding model, search is full-text only and the response says so.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { maxTags, oneTag } from '../../input/tags.ts';
import { text } from '../../input/text.ts';
import { queryEmbedding } from '../../knowledge/query-embedding.ts';
import { searchKnowledge } from '../../knowledge/search.ts';
import { findSimilar } from '../../knowledge/similar.ts';
import { authOf, requireAuth, securedBy } from '../auth.ts';
import { pageOf } from '../pagination.ts';
import { searchResult, similarPassage } from './knowledge-schemas.ts';

const searchBody = z.object({
  query: text({ max: 2000, min: 1 }),
  limit: z.number().int().min(1).max(50).default(10),
  documentIds: z.array(z.uuid()).max(100).optional(),
  // As given, not folded: the search looks for each folded and as the database folds it (searchedTags).
  tags: z.array(oneTag).max(maxTags).optional(),
  /** `fulltext` skips the query embedding; `hybrid` (default) uses vectors when they are available. */
  mode: z.enum(['hybrid', 'fulltext']).default('hybrid'),
});

const similarBody = z.object({
  text: text({ max: 20_000, min: 1 }),
  limit: z.number().int().min(1).max(50).default(10),
});

export const knowledgeRoutes: FastifyPluginAsyncZod = async (app) => {
  const { runtime } = app;
  const { database } = runtime;

  app.post(
    '/search',
    {
      preHandler: requireAuth({ scope: 'documents:read' }),
      schema: {
        tags: ['knowledge'],
        summary:
          "Search the workspace's documents: passages with scores and provenance (document, page, headings)",
        security: securedBy,
        body: searchBody,
        response: {
          200: pageOf(searchResult).extend({
            mode: z.enum(['hybrid', 'fulltext']),
            vectorAvailable: z.boolean(),
          }),
        },
      },
    },
    async (request) => {
      const { workspaceId } = authOf(request);
      const body = request.body;
      const embedding =
        body.mode === 'hybrid' ? await queryEmbedding(runtime, workspaceId, body.query) : undefined;
      const outcome = await searchKnowledge(database, {
        workspaceId,
        query: body.query,
        limit: body.limit,
        ...(embedding ? { queryEmbedding: embedding } : {}),
        // An empty list filters nothing, as no list does (it matched nothing).
        ...(body.documentIds?.length ? { documentIds: body.documentIds } : {}),
        ...(body.tags?.length ? { tags: body.tags } : {}),
      });
      return {
        mode: outcome.mode,
        vectorAvailable: database.vectorAvailable,
        items: outcome.results.map((r) => ({
          chunkId: r.chunkId,
          documentId: r.documentId,
          documentTitle: r.documentTitle,
          text: r.text,
          score: r.score,
          headingPath: r.headingPath,
          pageStart: r.pageStart,
          pageEnd: r.pageEnd,
        })),
        nextCursor: null,
      };
    },
  );

  app.post(
    '/similar',
    {
      preHandler: requireAuth({ scope: 'documents:read' }),
      schema: {
        tags: ['knowledge'],
        summary: 'Library passages most similar to a text (embeddings and shingles), for originality checks',
        security: securedBy,
        body: similarBody,
        response: {
          200: pageOf(similarPassage).extend({ vectorAvailable: z.boolean() }),
        },
      },
    },
    async (request) => {
      const { workspaceId } = authOf(request);
      const embedding = await queryEmbedding(runtime, workspaceId, request.body.text);
      const results = await findSimilar(database, {
        workspaceId,
        text: request.body.text,
        limit: request.body.limit,
        ...(embedding ? { embedding } : {}),
      });
      return { vectorAvailable: database.vectorAvailable, items: results, nextCursor: null };
    },
  );
};
