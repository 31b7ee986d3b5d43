// Every operation's error answers in the OpenAPI document: the one shape the error handler sends
// (error-handler.ts), for any 4xx and 5xx, so a client generated from the document has a type for
// them instead of nothing. Added to the document only (the handler, not a response schema, writes
// the bodies), once, as `#/components/schemas/ApiError`.
import { errorCodes } from '../errors.ts';

const apiError = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'requestId'],
      properties: {
        code: { type: 'string', enum: [...errorCodes] },
        message: { type: 'string' },
        details: { description: 'For validation errors: `[{ path, message }]`, one per problem' },
        requestId: { type: 'string', description: 'Also sent as `X-Request-Id`' },
      },
    },
  },
};

const answered = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' } } },
});

const errorResponses = {
  '4XX': answered(
    'The request cannot be answered as asked; `code` says why: `validation_error` (with `details`), `unauthenticated`, `forbidden`, `not_found`, `conflict`, `payload_too_large`, `storage_full`, `unsupported_media_type`, `rate_limited` and `budget_exceeded` (with `Retry-After`)',
  ),
  '5XX': answered(
    '`service_unavailable` or `unavailable` (503, with `Retry-After`: try again), or `internal_error` (500, logged under the request id)',
  ),
};

interface OpenApiObject {
  components?: { schemas?: Record<string, unknown> };
  paths?: Record<string, Record<string, { responses?: Record<string, unknown> }>>;
}

/** The document with the error shape as a component and each operation's error answers. */
export function withErrorResponses<T>({ openapiObject }: { openapiObject: T }): T {
  const doc = openapiObject as OpenApiObject;
  doc.components = { ...doc.components, schemas: { ...doc.components?.schemas, ApiError: apiError } };
  for (const operations of Object.values(doc.paths ?? {}))
    for (const operation of Object.values(operations)) {
      if (!operation || typeof operation !== 'object' || !operation.responses) continue;
      // After the operation's own answers; one it declares itself (a health check's 503) is kept.
      const responses = { ...operation.responses };
      for (const [status, answer] of Object.entries(errorResponses)) responses[status] ??= answer;
      operation.responses = responses;
    }
  return openapiObject;
}
