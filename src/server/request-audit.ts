// Audit entries written by routes: who (the request's user or API key), from where, which request.
import type { FastifyRequest } from 'fastify';
import { audit } from '../accounts/audit.ts';
import { authOf } from './auth.ts';

export function auditRequest(
  request: FastifyRequest,
  action: string,
  target: string,
  details?: Record<string, unknown>,
) {
  const auth = authOf(request);
  return audit(request.server.runtime.database, {
    workspaceId: auth.workspaceId,
    actorUserId: auth.userId,
    actorApiKeyId: auth.apiKeyId,
    action,
    target,
    ip: request.ip,
    requestId: request.id,
    details,
  });
}
