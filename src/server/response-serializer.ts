// Fastify's response serializer for zod schemas. The response is checked (encoded) by its zod
// schema as before, then written by a fast-json-stringify function compiled from the JSON schema the
// OpenAPI document shows for that response, so the document stays the one description of the output.
// Compiling costs milliseconds per route, so it happens on a route's first response, not at start-up.
import fastJsonStringify from 'fast-json-stringify';
import type { FastifySerializerCompiler } from 'fastify/types/schema.js';
import { jsonSchemaTransform, ResponseSerializationError } from 'fastify-type-provider-zod';
import { type ZodType, z } from 'zod';

/** The OpenAPI version of the served document; the response JSON schemas follow its dialect. */
export const openApiVersion = '3.1.0';

type JsonSchema = Record<string, unknown>;

// fast-json-stringify picks between these at run time by validating the value with Ajv (slow), or
// cannot resolve them at all ($ref into the document's components); such responses keep
// JSON.stringify, which writes any value the zod check let through.
const unsupportedKeywords = new Set(['anyOf', 'oneOf', 'allOf', 'not', 'if', 'then', 'else', '$ref']);

const isSchema = (value: unknown): value is JsonSchema =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * `{anyOf: [S, {type: 'null'}]}`, zod's form of a nullable S, as `S` with `type: [S.type, 'null']`
 * (the same set of values, in a form fast-json-stringify writes without Ajv); otherwise undefined.
 */
function nullableAsType(schema: JsonSchema): JsonSchema | undefined {
  const { anyOf, ...rest } = schema;
  if (!Array.isArray(anyOf) || anyOf.length !== 2 || Object.keys(rest).length > 0) return undefined;
  const [value, nothing] = anyOf as unknown[];
  if (!isSchema(value) || !isSchema(nothing) || Object.keys(nothing).length !== 1 || nothing.type !== 'null')
    return undefined;
  return typeof value.type === 'string' && value.type !== 'null'
    ? { ...value, type: [value.type, 'null'] }
    : undefined;
}

/** `schema` in the form handed to fast-json-stringify, or undefined when it needs JSON.stringify. */
function forStringify(schema: unknown): unknown {
  if (Array.isArray(schema)) {
    const all = schema.map(forStringify);
    return all.includes(undefined) ? undefined : all;
  }
  if (!isSchema(schema)) return schema;
  const nullable = nullableAsType(schema);
  if (nullable) return forStringify(nullable);
  const out: JsonSchema = {};
  for (const [keyword, value] of Object.entries(schema)) {
    if (unsupportedKeywords.has(keyword)) return undefined;
    // Under `properties` the keys are property names, never keywords.
    const converted =
      keyword === 'properties' && isSchema(value) ? forStringifyEach(value) : forStringify(value);
    if (converted === undefined) return undefined;
    out[keyword] = converted;
  }
  return out;
}

function forStringifyEach(properties: JsonSchema): JsonSchema | undefined {
  const out: JsonSchema = {};
  for (const [name, schema] of Object.entries(properties)) {
    const converted = forStringify(schema);
    if (converted === undefined) return undefined;
    out[name] = converted;
  }
  return out;
}

/** The response's JSON schema exactly as the OpenAPI document gets it. */
export function documentedResponseSchema(schema: ZodType, url: string): JsonSchema {
  const transformed = jsonSchemaTransform({
    schema: { response: { default: schema } },
    url,
    openapiObject: { openapi: openApiVersion },
  } as unknown as Parameters<typeof jsonSchemaTransform>[0]) as {
    schema: { response: { default: JsonSchema } };
  };
  return transformed.schema.response.default;
}

/** A function writing values of `schema`'s output type as JSON. */
export function compileStringify(schema: ZodType, url: string): (value: unknown) => string {
  const json = forStringify(documentedResponseSchema(schema, url));
  return isSchema(json) ? fastJsonStringify(json) : JSON.stringify;
}

// A zod schema, or one wrapped as `{ properties: schema }`, as fastify-type-provider-zod accepts.
function zodSchemaOf(schema: unknown): ZodType | undefined {
  if (schema instanceof z.ZodType) return schema;
  const wrapped = (schema as { properties?: unknown } | null)?.properties;
  return wrapped instanceof z.ZodType ? wrapped : undefined;
}

export const serializerCompiler: FastifySerializerCompiler<unknown> = ({ schema: given, method, url }) => {
  const schema = zodSchemaOf(given);
  if (!schema) throw new Error(`The response schema of ${method} ${url} is not a zod schema`);
  let stringify: ((value: unknown) => string) | undefined;
  return (data) => {
    const checked = z.safeEncode(schema, data);
    if (!checked.success) throw new ResponseSerializationError(method, url, { cause: checked.error });
    stringify ??= compileStringify(schema, url);
    return stringify(checked.data);
  };
};
