// What the fake CMS servers (ghost-admin.ts, wordpress-rest.ts) record of each request they get:
// the tests read back what the publisher sent.
import type { IncomingMessage } from 'node:http';

export interface CmsRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** The JSON body parsed, or the text when it is not JSON; undefined when empty. */
  body: unknown;
}

/** Reads the request's body and what it asked for. */
export async function readCmsRequest(req: IncomingMessage, origin: string): Promise<CmsRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  const url = new URL(req.url ?? '/', origin);
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  return { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, body };
}
