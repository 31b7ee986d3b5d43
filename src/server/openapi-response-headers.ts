// fastify-type-provider-zod documents an answer given by media type (`{ description, headers,
// content }`) with its description and content only, so the headers a route declares on it were
// lost. They are put back here, as JSON schemas (a zod `.describe()` becoming the header's
// description), where @fastify/swagger documents them as the answer's headers.
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { z } from 'zod';

type Answers = Record<string, unknown>;

const declaredHeaders = (answer: unknown): Record<string, z.ZodType> | undefined =>
  answer !== null && typeof answer === 'object' && 'content' in answer && 'headers' in answer
    ? (answer.headers as Record<string, z.ZodType>)
    : undefined;

function headerSchema(schema: z.ZodType) {
  const { $schema: _, ...json } = z.toJSONSchema(schema, { io: 'output' });
  return json;
}

/** `jsonSchemaTransform`, keeping the response headers routes declare. */
export const transformRouteSchema: typeof jsonSchemaTransform = (route) => {
  const transformed = jsonSchemaTransform(route);
  const declared = (route.schema as { response?: Answers } | undefined)?.response ?? {};
  const documented = (transformed.schema as { response?: Record<string, Answers> } | undefined)?.response;
  for (const [status, answer] of Object.entries(declared)) {
    const headers = declaredHeaders(answer);
    const target = documented?.[status];
    if (!headers || !target) continue;
    target.headers = Object.fromEntries(
      Object.entries(headers).map(([name, schema]) => [name, headerSchema(schema)]),
    );
  }
  return transformed;
};
