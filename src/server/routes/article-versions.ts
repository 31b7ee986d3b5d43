// An article's earlier texts: list, read one, restore one (the current text kept as a version).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { findArticle } from '../../articles/article-store.ts';
import { articleView as viewOf } from '../../articles/article-view.ts';
import { restoreVersion } from '../../articles/service.ts';
import {
  findVersion,
  listVersions,
  versionMarkdownLength,
  versionsKept,
} from '../../articles/version-store.ts';
import { authOf, requireAuth, securedBy } from '../auth.ts';
import { editBudget } from '../edit-budget.ts';
import { pageOf } from '../pagination.ts';
import { articleIdParams, articleView, versionSummary } from './article-schemas.ts';

const read = requireAuth({ scope: 'articles:read' });
const write = requireAuth({ role: 'editor', scope: 'articles:write' });

export const articleVersionRoutes: FastifyPluginAsyncZod = async (app) => {
  const runtime = app.runtime;
  const { database } = runtime;
  const edits = editBudget(runtime);

  app.get(
    '/:id/versions',
    {
      preHandler: read,
      schema: {
        tags: ['articles'],
        summary: 'Earlier texts of the article, newest first',
        description: `The newest ${versionsKept} are kept: each edit, restore or regeneration past them drops the oldest.`,
        security: securedBy,
        params: articleIdParams,
        response: { 200: pageOf(versionSummary) },
      },
    },
    async (request) => {
      const auth = authOf(request);
      await findArticle(database, auth, request.params.id);
      return { items: await listVersions(database, auth, request.params.id), nextCursor: null };
    },
  );

  app.get(
    '/:id/versions/:versionId',
    {
      preHandler: read,
      schema: {
        tags: ['articles'],
        summary: 'One earlier text of the article',
        security: securedBy,
        params: articleIdParams.extend({ versionId: z.uuid() }),
        response: { 200: versionSummary.extend({ markdown: z.string() }) },
      },
    },
    async (request) => findVersion(database, authOf(request), request.params.id, request.params.versionId),
  );

  app.post(
    '/:id/versions/:versionId/restore',
    {
      preHandler: write,
      schema: {
        tags: ['articles'],
        summary: 'Bring back an earlier text (the current one is kept as a version)',
        security: securedBy,
        params: articleIdParams.extend({ versionId: z.uuid() }),
        response: { 200: articleView },
      },
    },
    async (request) => {
      const { id, versionId } = request.params;
      const row = await edits.spend(
        request,
        await versionMarkdownLength(database, authOf(request), id, versionId),
        () => restoreVersion(runtime, authOf(request), id, versionId),
      );
      return viewOf(database, row);
    },
  );
};
