// The knowledge library's documents: upload (multipart file or JSON {url}), list, status, tags, delete.
// Ingestion itself runs as the `document.ingest` job; uploads answer 202 with the queued document.
import multipart from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, notFound } from '../../errors.ts';
import { intString } from '../../input/integer.ts';
import { maxTags, tagList, tagsOfLists } from '../../input/tags.ts';
import { storableTextProblem, text } from '../../input/text.ts';
import {
  type DocumentRow,
  deleteDocument,
  getDocument,
  listDocumentPage,
} from '../../knowledge/document-store.ts';
import { setDocumentTags } from '../../knowledge/document-tag-store.ts';
import { DocumentRejectedError } from '../../knowledge/errors.ts';
import { fetchDocument } from '../../knowledge/fetch-document.ts';
import { documentLimits, megabytes } from '../../knowledge/ingest-document.ts';
import { ingestionDeps } from '../../knowledge/ingest-job.ts';
import { type SubmitInput, submitDocument } from '../../knowledge/ingestion.ts';
import { documentPassages } from '../../knowledge/passage-store.ts';
import { documentStatuses, documentTypes } from '../../knowledge/types.ts';
import { authOf, requireAuth, securedBy } from '../auth.ts';
import { decodeCursor, pageFrom, pageOf, pageQuery } from '../pagination.ts';
import { auditRequest } from '../request-audit.ts';
import { documentPassage } from './knowledge-schemas.ts';

/** The chunk index a passages cursor stands for (-1: from the start). */
function passageCursorIndex(cursor: string | undefined): number {
  if (!cursor) return -1;
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^\d{1,9}$/.test(decoded)) {
    throw new AppError('validation_error', 'Invalid cursor', [{ path: 'cursor', message: 'invalid cursor' }]);
  }
  return Number(decoded);
}

export const documentView = z.object({
  id: z.uuid(),
  title: z.string(),
  type: z.enum(documentTypes),
  sourceKind: z.enum(['upload', 'url']),
  sourceUrl: z.string().nullable(),
  filename: z.string().nullable(),
  contentHash: z.string(),
  byteSize: z.number().int(),
  status: z.enum(documentStatuses),
  progress: z.number().int().min(0).max(100),
  error: z.string().nullable(),
  note: z.string().nullable(),
  pageCount: z.number().int().nullable(),
  chunkCount: z.number().int(),
  language: z
    .string()
    .nullable()
    .describe(
      'Language of the text as a BCP 47 primary tag ("en", "de", "ja"…), detected at ingestion; its passages are searched with that language\'s stemming. null until the document is parsed; text too short to tell counts as "en".',
    ),
  tags: z.array(z.string()),
  createdAt: z.date(),
  updatedAt: z.date(),
});

const toView = (d: DocumentRow): z.infer<typeof documentView> => ({
  id: d.id,
  title: d.title,
  type: d.type,
  sourceKind: d.sourceKind,
  sourceUrl: d.sourceUrl,
  filename: d.filename,
  contentHash: d.contentHash,
  byteSize: d.byteSize,
  status: d.status,
  progress: d.progress,
  error: d.error,
  note: d.note,
  pageCount: d.pageCount,
  chunkCount: d.chunkCount,
  language: d.language,
  tags: d.tags,
  createdAt: new Date(d.createdAt),
  updatedAt: new Date(d.updatedAt),
});

const urlBody = z.object({
  url: text({ max: 2048, trim: false }).regex(/^https?:\/\//i, 'must be an http:// or https:// URL'),
  tags: tagList.optional(),
});

// Documents the multipart form in OpenAPI; the handler reads the parts itself (streamed, limited).
const fileForm = z.object({
  file: z.string().meta({ format: 'binary', description: 'the document (at most MAX_FILE_SIZE_MB)' }),
  tags: text({ max: 2000, trim: false }).optional().meta({ description: 'comma list (or repeat the field)' }),
});

const uploadBody = z
  .union([urlBody, fileForm])
  // Multipart requests reach validation without a parsed body (null): the handler reads the parts.
  .nullish()
  .describe(
    'Either `multipart/form-data` with a `file` part (and optional `tags`: repeated fields or a comma list), ' +
      'or JSON `{url, tags?}` to ingest a web page or file fetched by the server (SSRF-guarded).',
  );

interface UploadedFile {
  bytes: Buffer;
  filename?: string;
  declaredType?: string;
  tags: string[];
}

async function readUpload(request: FastifyRequest, maxBytes: number): Promise<UploadedFile> {
  const tooLarge = () =>
    new DocumentRejectedError(
      'too_large',
      `the file is larger than the limit of ${megabytes(maxBytes)}`,
    ).toAppError();
  // A declared length far over the limit is refused before reading a byte (form overhead allowed).
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes + 64 * 1024) throw tooLarge();
  let file: UploadedFile | undefined;
  const tags: string[] = [];
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        if (part.fieldname !== 'file' || file) {
          part.file.resume();
          throw new AppError('validation_error', 'send exactly one file, in the `file` field');
        }
        const bytes = await part.toBuffer();
        // Multipart fields follow the same text rule as JSON ones (the file name is stored).
        const filenameProblem = part.filename ? storableTextProblem(part.filename) : undefined;
        if (filenameProblem) {
          throw new AppError('validation_error', `filename: ${filenameProblem}`, [
            { path: 'file', message: filenameProblem },
          ]);
        }
        file = {
          bytes,
          ...(part.filename ? { filename: part.filename.slice(0, 255) } : {}),
          ...(part.mimetype ? { declaredType: part.mimetype.slice(0, 100) } : {}),
          tags: [],
        };
      } else if (part.fieldname === 'tags') {
        tags.push(String(part.value));
      }
    }
  } catch (err) {
    if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge();
    if (err instanceof AppError) throw err;
    const code = (err as { code?: string }).code;
    if (code === 'FST_PARTS_LIMIT' || code === 'FST_FILES_LIMIT' || code === 'FST_FIELDS_LIMIT') {
      throw new AppError('payload_too_large', 'too many form fields');
    }
    throw new AppError('validation_error', `malformed multipart body: ${(err as Error).message}`);
  }
  if (!file)
    throw new AppError('validation_error', 'the upload has no `file` field', [
      { path: 'file', message: 'required' },
    ]);
  return { ...file, tags: tagsOfLists(tags) };
}

export const documentRoutes: FastifyPluginAsyncZod = async (app) => {
  const { runtime } = app;
  const { database } = runtime;
  const limits = documentLimits(runtime.config);
  const deps = ingestionDeps(runtime);
  // Scoped to this plugin: only the upload route parses multipart bodies. MAX_FILE_SIZE_MB bounds
  // the file part (MAX_BODY_MB stays the limit of JSON bodies).
  await app.register(multipart, {
    limits: {
      fileSize: limits.maxBytes,
      files: 2,
      fields: 20,
      fieldSize: 8 * 1024,
      parts: 30,
      headerPairs: 100,
    },
    throwFileSizeLimit: true,
  });

  app.post(
    '',
    {
      preHandler: requireAuth({ role: 'editor', scope: 'documents:write' }),
      schema: {
        tags: ['knowledge'],
        summary:
          'Add a document to the knowledge library (file upload or URL); ingestion runs in the background',
        description:
          'Answers 202 with the queued document (poll `GET /api/v1/documents/{id}` for status and progress), or ' +
          "200 with the existing document when the same content is already in the workspace, the upload's tags " +
          `added to its own (past ${maxTags} in all → 400 at \`tags\`, nothing changed). The type is ` +
          'recognised by content; wrong type → 415, too large → 413, encrypted/corrupt/empty → 400, blocked URL → 400. ' +
          'A workspace stores at most WORKSPACE_STORAGE_MB in all (`GET /api/v1/usage/storage`): a file that ' +
          'does not fit → 413 `storage_full`. ' +
          'Documents are read as they arrive, taking turns across workspaces: one that would wait behind 4 of its ' +
          "workspace's → 429, behind 32 in all → 503 (both with Retry-After).",
        security: securedBy,
        consumes: ['multipart/form-data', 'application/json'],
        body: uploadBody,
        response: { 200: documentView, 202: documentView },
      },
    },
    async (request, reply) => {
      const auth = authOf(request);
      let input: SubmitInput;
      if (request.isMultipart()) {
        const file = await readUpload(request, limits.maxBytes);
        input = {
          workspaceId: auth.workspaceId,
          bytes: file.bytes,
          sourceKind: 'upload',
          tags: file.tags,
          ...(file.filename ? { filename: file.filename } : {}),
          ...(file.declaredType ? { declaredType: file.declaredType } : {}),
        };
      } else if (request.body && 'url' in request.body) {
        const fetched = await fetchDocument(request.body.url, runtime.config);
        input = {
          workspaceId: auth.workspaceId,
          bytes: fetched.bytes,
          sourceKind: 'url',
          sourceUrl: fetched.finalUrl,
          tags: request.body.tags ?? [],
          ...(fetched.filename ? { filename: fetched.filename } : {}),
          ...(fetched.declaredType ? { declaredType: fetched.declaredType } : {}),
        };
      } else {
        throw new AppError(
          'validation_error',
          'send multipart/form-data with a `file` field, or JSON {"url": "https://..."}',
        );
      }
      let result: Awaited<ReturnType<typeof submitDocument>>;
      try {
        result = await submitDocument(deps, input);
      } catch (err) {
        if (err instanceof DocumentRejectedError) throw err.toAppError();
        throw err;
      }
      if (result.created) {
        await auditRequest(request, 'document.created', result.document.id, {
          title: result.document.title,
          type: result.document.type,
          sourceKind: input.sourceKind,
        });
      } else if (result.tagsAdded) {
        await auditRequest(request, 'document.tags_changed', result.document.id, {
          tags: result.document.tags,
          by: 'upload',
        });
      }
      // 202: queued now; 200: the same content was already in the workspace (that document).
      return reply.status(result.created ? 202 : 200).send(toView(result.document));
    },
  );

  app.get(
    '',
    {
      preHandler: requireAuth({ scope: 'documents:read' }),
      schema: {
        tags: ['knowledge'],
        summary: "List the workspace's documents, newest first",
        security: securedBy,
        querystring: pageQuery.extend({
          status: z.enum(documentStatuses).optional(),
          type: z
            .enum(documentTypes)
            .optional()
            .describe(
              'Only documents of this type, e.g. `openapi` for the specs an integration guide can use.',
            ),
          q: text({ max: 200, min: 1 })
            .optional()
            .describe('Only documents whose title or file name contains this text, in any case.'),
        }),
        response: { 200: pageOf(documentView) },
      },
    },
    async (request) => {
      const { limit, cursor, status, type, q } = request.query;
      const rows = await listDocumentPage(database, authOf(request).workspaceId, {
        limit,
        after: decodeCursor(cursor),
        status,
        type,
        named: q,
      });
      const page = pageFrom(rows, limit);
      return { items: page.items.map(toView), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/:id',
    {
      preHandler: requireAuth({ scope: 'documents:read' }),
      schema: {
        tags: ['knowledge'],
        summary: 'One document: status, progress, error, page and chunk counts',
        security: securedBy,
        params: z.object({ id: z.uuid() }),
        response: { 200: documentView },
      },
    },
    async (request) => {
      const document = await getDocument(database, authOf(request).workspaceId, request.params.id);
      if (!document) throw notFound('Document');
      return toView(document);
    },
  );

  app.get(
    '/:id/passages',
    {
      preHandler: requireAuth({ scope: 'documents:read' }),
      schema: {
        tags: ['knowledge'],
        summary: "A document's passages in reading order, with their headings and pages",
        description:
          'Paged by `limit` (≤ 100, default 50) and the opaque `cursor` of the previous page. Empty until ' +
          'the document is ready.',
        security: securedBy,
        params: z.object({ id: z.uuid() }),
        querystring: z.object({
          limit: intString(z.number().int().min(1).max(100)).default(50),
          cursor: text({ max: 40, trim: false }).optional(),
        }),
        response: { 200: pageOf(documentPassage) },
      },
    },
    async (request) => {
      const { workspaceId } = authOf(request);
      const { limit, cursor } = request.query;
      if (!(await getDocument(database, workspaceId, request.params.id))) throw notFound('Document');
      const items = await documentPassages(database, {
        workspaceId,
        documentId: request.params.id,
        afterIndex: passageCursorIndex(cursor),
        limit,
      });
      const last = items.at(-1);
      return {
        items,
        nextCursor:
          items.length === limit && last ? Buffer.from(String(last.index)).toString('base64url') : null,
      };
    },
  );

  app.patch(
    '/:id',
    {
      preHandler: requireAuth({ role: 'editor', scope: 'documents:write' }),
      schema: {
        tags: ['knowledge'],
        summary: "Replace a document's tags",
        description:
          'The tags are folded and counted as at upload. Filters of `POST /api/v1/knowledge/search` see them at once.',
        security: securedBy,
        params: z.object({ id: z.uuid() }),
        body: z.strictObject({ tags: tagList }),
        response: { 200: documentView },
      },
    },
    async (request) => {
      const { workspaceId } = authOf(request);
      const document = await setDocumentTags(database, workspaceId, request.params.id, request.body.tags);
      if (!document) throw notFound('Document');
      await auditRequest(request, 'document.tags_changed', document.id, { tags: document.tags, by: 'edit' });
      return toView(document);
    },
  );

  app.delete(
    '/:id',
    {
      preHandler: requireAuth({ role: 'editor', scope: 'documents:write' }),
      schema: {
        tags: ['knowledge'],
        summary: 'Delete a document with its chunks, vectors and stored file',
        security: securedBy,
        params: z.object({ id: z.uuid() }),
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      const deleted = await deleteDocument(database, authOf(request).workspaceId, request.params.id);
      if (!deleted) throw notFound('Document');
      await auditRequest(request, 'document.deleted', request.params.id);
      return reply.status(204).send(null);
    },
  );
};
