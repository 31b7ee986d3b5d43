// The response cache's key: everything that shapes the answer, hashed.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { LlmTextCall, ModelRef } from './types.ts';

const schemaJson = new WeakMap<z.ZodType, Record<string, unknown>>();

/** A zod schema's JSON Schema, converted once per schema object. */
export function schemaJsonOf(schema: z.ZodType): Record<string, unknown> {
  let json = schemaJson.get(schema);
  if (json === undefined) {
    json = z.toJSONSchema(schema) as Record<string, unknown>;
    schemaJson.set(schema, json);
  }
  return json;
}

/**
 * Whose cached answers and vectors a call may use: its workspace's, under the credentials it calls
 * with. A member can point their workspace's provider at a server of their own: shared entries let
 * that server's answers reach other workspaces' articles (and told whether another workspace had
 * asked the same), so nothing is shared across workspaces or credentials.
 */
export const cacheOwner = (scope: string, workspaceId: string | undefined) =>
  `${scope}\n${workspaceId ?? ''}`;

export function responseCacheKey(
  owner: string,
  chain: ModelRef[],
  call: LlmTextCall,
  schema?: z.ZodType,
): string {
  const json = schema ? schemaJsonOf(schema) : undefined;
  // Fixed key order, so JSON.stringify is canonical.
  const parts = [
    owner,
    chain.map((m) => m.id),
    call.system ?? null,
    call.prompt ?? null,
    call.messages ?? null,
    call.temperature ?? null,
    call.maxOutputTokens ?? null,
    json ?? null,
  ];
  return `llm:${createHash('sha256').update(JSON.stringify(parts)).digest('base64url')}`;
}
