// The quality lab's reports in the workspace: `blogsmith eval` stores each run here, the web app's
// Quality page lists them and charts the models side by side.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { evalReportSchema, modelSummarySchema } from '../../eval/report-schema.ts';
import {
  deleteEvalReport,
  evalReportById,
  type ListedEvalReport,
  listEvalReports,
  type StoredEvalReport,
  saveEvalReport,
} from '../../eval/report-store.ts';
import { insertWithinStorage } from '../../storage/workspace-storage.ts';
import { authOf, requireAuth, securedBy } from '../auth.ts';
import { decodeCursor, pageFrom, pageOf, pageQuery } from '../pagination.ts';

const storedFields = { id: z.uuid(), createdAt: z.date() };
const reportView = evalReportSchema.extend(storedFields);
const reportSummary = z.object({
  ...storedFields,
  startedAt: z.string(),
  finishedAt: z.string(),
  judge: z.string(),
  briefs: z.number().int().describe('How many briefs of the evaluation set each model wrote'),
  models: z.array(z.object({ model: z.string(), summary: modelSummarySchema })),
  readable: z
    .boolean()
    .describe(
      'False for a run another version of Blogsmith stored in a shape this one cannot read: listed (to be deleted) with no models, and GET answers 409',
    ),
});
const idParams = z.object({ id: z.uuid() });

const viewOf = ({ id, createdAt, report }: StoredEvalReport) => ({ id, createdAt, ...report });
function summaryOf({ id, createdAt, judge, report }: ListedEvalReport) {
  if (!report) {
    const at = createdAt.toISOString();
    return { id, createdAt, startedAt: at, finishedAt: at, judge, briefs: 0, models: [], readable: false };
  }
  return {
    id,
    createdAt,
    startedAt: report.startedAt,
    finishedAt: report.finishedAt,
    judge,
    briefs: report.cases.length,
    models: report.models.map(({ model, summary }) => ({ model, summary })),
    readable: true,
  };
}

export const evalReportRoutes: FastifyPluginAsyncZod = async (app) => {
  const { database } = app.runtime;
  // Reports are about which model to configure: read like settings, stored and removed by admins.
  const read = requireAuth({ scope: 'settings:read' });
  const write = requireAuth({ role: 'admin', scope: 'settings:write' });

  app.post(
    '',
    {
      preHandler: write,
      schema: {
        tags: ['eval'],
        summary: 'Store a `blogsmith eval` report (the eval-report.json it writes) in the workspace',
        description: 'Counts towards WORKSPACE_STORAGE_MB as its JSON: past it → 413 `storage_full`.',
        security: securedBy,
        body: evalReportSchema,
        response: { 201: reportView },
      },
    },
    async (request, reply) => {
      const auth = authOf(request);
      // Checked and stored under the workspace's storage lock: reports sent at once (each up to
      // MAX_BODY_MB) cannot pass the bound together.
      const stored = await insertWithinStorage(database, app.runtime.config, {
        workspaceId: auth.workspaceId,
        size: Buffer.byteLength(JSON.stringify(request.body)),
        insert: (tx) => saveEvalReport(tx, auth, request.body),
      });
      return reply.status(201).send(viewOf(stored));
    },
  );

  app.get(
    '',
    {
      preHandler: read,
      schema: {
        tags: ['eval'],
        summary: "The workspace's evaluation runs, newest first, with each model's summary",
        security: securedBy,
        querystring: pageQuery,
        response: { 200: pageOf(reportSummary) },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      const rows = await listEvalReports(database, authOf(request), { limit, after: decodeCursor(cursor) });
      const page = pageFrom(rows, limit);
      return { items: page.items.map(summaryOf), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/:id',
    {
      preHandler: read,
      schema: {
        tags: ['eval'],
        summary: 'One evaluation run: per model its summary and every article’s scores',
        security: securedBy,
        params: idParams,
        response: { 200: reportView },
      },
    },
    async (request) => viewOf(await evalReportById(database, authOf(request), request.params.id)),
  );

  app.delete(
    '/:id',
    {
      preHandler: write,
      schema: {
        tags: ['eval'],
        summary: 'Delete an evaluation run',
        security: securedBy,
        params: idParams,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await deleteEvalReport(database, authOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
};
