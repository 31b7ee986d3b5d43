// Taking a response over from Fastify (an endless event stream) skips everything Fastify does when
// it sends a reply, and headers set on the reply — CORS, rate-limit, x-request-id, by hooks that ran
// before the handler — are only written then. They are written here instead, so a hijacked response
// carries what every other response of its route carries.
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';

/** Hijacks the reply and writes its head: the reply's headers so far, then `headers` over them. */
export function hijackReply(
  reply: FastifyReply,
  status: number,
  headers: OutgoingHttpHeaders,
): ServerResponse {
  const head: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) head[name] = value;
  reply.hijack();
  reply.raw.writeHead(status, { ...head, ...headers });
  return reply.raw;
}
