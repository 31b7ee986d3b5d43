// The articles API: start a run, list and read articles, cancel, edit, duplicate, delete. Export is
// in article-export.ts, versions in article-versions.ts, regenerating a part in
// article-regeneration.ts, events (SSE and WebSocket) in article-events.ts.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { articleTagCounts, findArticle, listArticles, markdownLength } from '../../articles/article-store.ts';
import { articleStepView, articleView as viewOf } from '../../articles/article-view.ts';
import { duplicateArticle } from '../../articles/duplicate.ts';
import { cancelArticle, createArticle, editArticle, removeArticle } from '../../articles/service.ts';
import { articleStatuses, editorialStatuses } from '../../db/schema/articles.ts';
import { isoDate } from '../../input/date.ts';
import { markdownText } from '../../input/markdown.ts';
import { tagList, tagQuery } from '../../input/tags.ts';
import { text, visibleText } from '../../input/text.ts';
import { articleBriefSchema } from '../../writing/brief.ts';
import { authOf, requireAuth, securedBy } from '../auth.ts';
import { editBudget } from '../edit-budget.ts';
import { decodeCursor, pageFrom, pageOf, pageQuery } from '../pagination.ts';
import { auditRequest } from '../request-audit.ts';
import {
  articleIdParams,
  articleSummary,
  articleView,
  runAccepted,
  stepDetailView,
  stepName,
} from './article-schemas.ts';

export const links = (id: string) => ({
  self: `/api/v1/articles/${id}`,
  events: `/api/v1/articles/${id}/events`,
});
const read = requireAuth({ scope: 'articles:read' });
/** Tags GET /tags lists at most: a filter's choices, not an index of every tag ever typed. */
const tagsListed = 500;
const write = requireAuth({ role: 'editor', scope: 'articles:write' });

export const articleRoutes: FastifyPluginAsyncZod = async (app) => {
  const runtime = app.runtime;
  const { database } = runtime;
  const edits = editBudget(runtime);

  app.post(
    '',
    {
      preHandler: write,
      config: { rateLimitClass: 'generation' },
      schema: {
        tags: ['articles'],
        summary: 'Start generating an article from a brief',
        description:
          'Validates the brief (field paths in `details` on 400) before anything is spent, then queues the run. ' +
          'Send `Idempotency-Key` to make retries safe: the same key returns the same article.',
        security: securedBy,
        headers: z.object({
          'idempotency-key': z
            .string()
            .regex(/^[\w.:-]{1,200}$/, 'Must be 1–200 characters of letters, digits, _ . : -')
            .optional(),
        }),
        body: articleBriefSchema,
        response: { 202: runAccepted },
      },
    },
    async (request, reply) => {
      const auth = authOf(request);
      const { article, created } = await createArticle(
        runtime,
        { ...auth, requestId: String(request.id) },
        request.body,
        request.headers['idempotency-key'],
      );
      if (!created) reply.header('idempotent-replayed', 'true');
      return reply
        .status(202)
        .header('location', links(article.id).self)
        .send({ id: article.id, status: article.status, links: links(article.id) });
    },
  );

  app.get(
    '',
    {
      preHandler: read,
      schema: {
        tags: ['articles'],
        summary: 'List articles, newest first; `q` searches titles and text',
        security: securedBy,
        querystring: pageQuery.extend({
          status: z.enum(articleStatuses).optional(),
          q: text({ max: 200, min: 1 }).optional(),
          favorite: z
            .enum(['true', 'false'])
            .transform((v) => v === 'true')
            .optional(),
          tag: tagQuery
            .optional()
            .describe(`Only articles carrying every one of these tags. ${tagQuery.description}`),
          editorialStatus: z.enum(editorialStatuses).optional(),
        }),
        response: { 200: pageOf(articleSummary) },
      },
    },
    async (request) => {
      const { limit, cursor, status, q, favorite, tag, editorialStatus } = request.query;
      const rows = await listArticles(database, authOf(request), {
        limit,
        after: decodeCursor(cursor),
        ...(status ? { status } : {}),
        ...(q ? { q } : {}),
        ...(favorite !== undefined ? { favorite } : {}),
        ...(tag?.length ? { tags: tag } : {}),
        ...(editorialStatus ? { editorialStatus } : {}),
      });
      return pageFrom(rows, limit);
    },
  );

  app.get(
    '/tags',
    {
      preHandler: read,
      schema: {
        tags: ['articles'],
        summary: "The tags of the workspace's articles, most used first, with how many articles carry each",
        description: `The ${tagsListed} most used; what the list's \`tag\` filter offers (not a tag stored with a comma, which it cannot find).`,
        security: securedBy,
        response: {
          200: pageOf(z.object({ tag: z.string(), count: z.number().int().min(1) })),
        },
      },
    },
    async (request) => ({
      items: await articleTagCounts(database, authOf(request), tagsListed),
      nextCursor: null,
    }),
  );

  app.get(
    '/:id',
    {
      preHandler: read,
      schema: {
        tags: ['articles'],
        summary: 'An article: brief, status, text, sources, citations, fact check, SEO, usage and steps',
        security: securedBy,
        params: articleIdParams,
        response: { 200: articleView },
      },
    },
    async (request) => viewOf(database, await findArticle(database, authOf(request), request.params.id)),
  );

  app.get(
    '/:id/steps/:step',
    {
      preHandler: read,
      schema: {
        tags: ['articles'],
        summary: "One step of the article's run: what it was given, what it stored, its spend and timings",
        description:
          'The step names are those of `steps` in the article (`#` written `%23` in the path: ' +
          '`intro%23r1`). 404 when the article has no step of that name.',
        security: securedBy,
        params: articleIdParams.extend({ step: stepName }),
        response: { 200: stepDetailView },
      },
    },
    async (request) => articleStepView(database, authOf(request), request.params.id, request.params.step),
  );

  app.post(
    '/:id/cancel',
    {
      preHandler: write,
      schema: {
        tags: ['articles'],
        summary: 'Cancel a queued or running article; no model call is made after a few seconds',
        security: securedBy,
        params: articleIdParams,
        response: { 202: z.object({ id: z.uuid(), status: z.enum(articleStatuses) }) },
      },
    },
    async (request, reply) =>
      reply.status(202).send(await cancelArticle(runtime, authOf(request), request.params.id)),
  );

  app.patch(
    '/:id',
    {
      preHandler: write,
      schema: {
        tags: ['articles'],
        summary:
          'Edit the title or Markdown (the previous text is kept as a version), or mark a favorite, tags or the editorial status',
        description:
          'Markdown written by edits, copies and restores counts against RATE_LIMIT_EDIT_MB a minute per caller; ' +
          'past it → 429 with Retry-After until the minute ends. An edit, copy or restore whose text would take the ' +
          'workspace past WORKSPACE_STORAGE_MB (`GET /api/v1/usage/storage`) → 413 `storage_full`. ' +
          '`favorite`, `tags`, `editorialStatus` and `scheduledFor` are marks, not edits: no version, nothing of ' +
          "the budget, and `updatedAt` (an editor's expectation) stays as it was.",
        security: securedBy,
        params: articleIdParams,
        body: z
          .strictObject({
            title: visibleText(200).optional(),
            markdown: markdownText(500_000).optional(),
            favorite: z.boolean().optional(),
            tags: tagList.optional().describe(`Replaces the article's tags. ${tagList.description}`),
            editorialStatus: z.enum(editorialStatuses).optional(),
            scheduledFor: isoDate
              .nullable()
              .optional()
              .describe(
                'The planned publication date: required with `editorialStatus: scheduled`, and only with it (another status clears the date)',
              ),
            expectedUpdatedAt: z.iso
              .datetime({ offset: true })
              .optional()
              .describe(
                "The article's `updatedAt` as the editor read it: a title or Markdown change is refused with 409 " +
                  '`conflict` when the article changed since (another editor saved), and nothing is saved. Without it ' +
                  'the edit replaces whatever is there (the text it replaces is kept as a version).',
              ),
          })
          .refine(
            (b) =>
              b.title !== undefined ||
              b.markdown !== undefined ||
              b.favorite !== undefined ||
              b.tags !== undefined ||
              b.editorialStatus !== undefined ||
              // Refused at its own field below.
              b.scheduledFor !== undefined,
            'Send at least one of title, markdown, favorite, tags, editorialStatus',
          )
          .superRefine((b, ctx) => {
            const message =
              b.editorialStatus === 'scheduled'
                ? !b.scheduledFor && 'A scheduled article needs the date it is planned for'
                : b.scheduledFor !== undefined &&
                  (b.editorialStatus === undefined
                    ? 'Send it with editorialStatus "scheduled" (both, to move the date)'
                    : b.scheduledFor !== null && 'Only with editorialStatus "scheduled"');
            if (message) ctx.addIssue({ code: 'custom', path: ['scheduledFor'], message });
          }),
        response: { 200: articleView },
      },
    },
    async (request) => {
      const { markdown, expectedUpdatedAt, editorialStatus, scheduledFor, ...rest } = request.body;
      const edit = () =>
        editArticle(runtime, authOf(request), request.params.id, {
          ...rest,
          ...(markdown !== undefined ? { markdown } : {}),
          ...(expectedUpdatedAt ? { expectedUpdatedAt: new Date(expectedUpdatedAt) } : {}),
          ...(editorialStatus
            ? { editorial: { status: editorialStatus, scheduledFor: scheduledFor ?? null } }
            : {}),
        });
      // An edit that writes no Markdown (a title, a mark) costs nothing of the budget.
      const row = markdown === undefined ? await edit() : await edits.spend(request, markdown.length, edit);
      return viewOf(database, row);
    },
  );

  app.delete(
    '/:id',
    {
      preHandler: write,
      schema: {
        tags: ['articles'],
        summary: 'Delete an article (a running one stops)',
        security: securedBy,
        params: articleIdParams,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await removeArticle(runtime, authOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/:id/duplicate',
    {
      preHandler: write,
      schema: {
        tags: ['articles'],
        summary: 'Copy an article: a new one with the same brief, text and findings, titled "Copy of …"',
        description:
          'The copy has no run history (steps, events, versions) of its own yet. 409 while the article ' +
          'is queued or running.',
        security: securedBy,
        params: articleIdParams,
        response: { 201: articleView },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const copy = await edits.spend(request, await markdownLength(database, authOf(request), id), () =>
        duplicateArticle(database, app.runtime.config, authOf(request), id),
      );
      await auditRequest(request, 'article.duplicated', copy.id, { from: request.params.id });
      return reply
        .status(201)
        .header('location', links(copy.id).self)
        .send(await viewOf(database, copy));
    },
  );
};
