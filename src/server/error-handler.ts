// One error shape for every failure: {"error":{"code","message","details?","requestId"}}.
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { constraintRace } from '../db/constraint-race.ts';
import { isDatabaseUnavailable } from '../db/unavailable.ts';
import { AppError, type ErrorCode } from '../errors.ts';

// Long enough for a database restart or failover, short enough for clients to come back soon.
const databaseRetryAfterSeconds = 5;

const statusOf: Record<ErrorCode, number> = {
  validation_error: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  storage_full: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  budget_exceeded: 402,
  unavailable: 503,
  service_unavailable: 503,
  internal_error: 500,
};

// Fastify's own error codes that are the client's fault.
const fastifyCodes: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'validation_error',
  FST_ERR_CTP_INVALID_JSON_BODY: 'validation_error',
  FST_ERR_VALIDATION: 'validation_error',
  FST_REQ_FILE_TOO_LARGE: 'payload_too_large',
  FST_FILES_LIMIT: 'payload_too_large',
  FST_PARTS_LIMIT: 'payload_too_large',
  FST_INVALID_MULTIPART_CONTENT_TYPE: 'unsupported_media_type',
};

// Other 4xx statuses (plugins that set statusCode without a code we know); the rest are bad input.
const clientStatusCodes: Record<number, ErrorCode> = {
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
};

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown; requestId: string };
}

export function sendError(
  reply: FastifyReply,
  request: FastifyRequest,
  code: ErrorCode,
  message: string,
  details?: unknown,
) {
  const body: ErrorBody = {
    error: { code, message, ...(details === undefined ? {} : { details }), requestId: String(request.id) },
  };
  return reply.status(statusOf[code]).header('x-request-id', request.id).type('application/json').send(body);
}

export function installErrorHandling(app: FastifyInstance) {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (err instanceof AppError) {
      // Errors that know when to come back (a sign-in lock) say so the standard way.
      if (err.retryAfterSeconds !== undefined) reply.header('retry-after', String(err.retryAfterSeconds));
      return sendError(reply, request, err.code, err.message, err.details);
    }
    // An outage, not a bug: no 500, no stack in the log per request, and a hint when to retry.
    if (isDatabaseUnavailable(err)) {
      request.log.warn({ errCode: (err as { code?: string }).code }, 'database unavailable');
      reply.header('retry-after', String(databaseRetryAfterSeconds));
      return sendError(
        reply,
        request,
        'service_unavailable',
        'The database is unavailable at the moment; try again shortly',
      );
    }
    const race = constraintRace(err);
    if (race) {
      request.log.warn(race, 'a write lost a race with another request');
      return sendError(
        reply,
        request,
        'conflict',
        race.kind === 'deleted'
          ? 'Something this request refers to was deleted while it was being handled: look again'
          : 'Another request created the same thing at the same moment: look again',
      );
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const details = err.validation.map((v) => ({
        path: v.instancePath.replace(/^\//, '').replaceAll('/', '.'),
        location: err.validationContext,
        message: v.message,
      }));
      return sendError(reply, request, 'validation_error', 'Request validation failed', details);
    }
    if (isResponseSerializationError(err)) {
      request.log.error({ err }, 'response did not match its schema');
      return sendError(reply, request, 'internal_error', 'Internal server error');
    }
    const mapped = err.code ? fastifyCodes[err.code] : undefined;
    if (mapped) return sendError(reply, request, mapped, err.message);
    if (err.statusCode === 429) {
      return sendError(reply, request, 'rate_limited', err.message || 'Too many requests');
    }
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      const code = clientStatusCodes[err.statusCode] ?? 'validation_error';
      return sendError(reply, request, code, err.message);
    }
    request.log.error({ err }, 'unhandled error');
    return sendError(reply, request, 'internal_error', 'Internal server error');
  });

  app.setNotFoundHandler((request, reply) =>
    sendError(reply, request, 'not_found', `Route ${request.method} ${request.url.split('?')[0]} not found`),
  );
}

/** Answers a request the HTTP parser refused (no Fastify request exists yet) in the one error shape. */
export function answerClientError(err: Error & { code?: string }, socket: Socket) {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
  const status = tooLarge ? 431 : 400;
  const body = JSON.stringify({
    error: {
      code: 'validation_error',
      message: tooLarge ? 'Request header fields too large' : 'Malformed HTTP request',
      requestId: randomUUID(),
    },
  });
  socket.end(
    `HTTP/1.1 ${status} ${tooLarge ? 'Request Header Fields Too Large' : 'Bad Request'}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
