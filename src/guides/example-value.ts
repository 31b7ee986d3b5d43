// A value that fits a JSON schema, for a code sample: the spec's own example where it gives one
// (`example`, `examples`, `const`, `default`, the first `enum` value), else one built from the type
// and format — what Swagger UI shows as "Example Value". Cycles and depth are bounded.
import { follow, isObj, type Json } from './spec.ts';

export interface ExampleContext {
  root: Json;
  /** A request body leaves out `readOnly` properties; a response, `writeOnly` ones. */
  direction: 'request' | 'response';
  /** References that lead to no node (another file, a typo): the sample would be wrong. */
  unresolved: Set<string>;
  /**
   * Values still to be made: objects of 40 properties nested 8 deep are 40^8 of them. Once spent,
   * the rest are left out.
   */
  budget?: { values: number };
}

const maxDepth = 8;
const maxProperties = 40;
/** Values one example holds at most (a body of this many fields is already longer than any sample should be). */
export const maxExampleValues = 2000;

const spend = (ctx: ExampleContext) => {
  ctx.budget ??= { values: maxExampleValues };
  return ctx.budget.values-- > 0;
};

const stringByFormat: Record<string, string> = {
  'date-time': '2024-01-15T09:30:00Z',
  date: '2024-01-15',
  time: '09:30:00',
  email: 'user@example.com',
  uuid: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
  uri: 'https://example.com',
  url: 'https://example.com',
  'uri-reference': 'https://example.com',
  hostname: 'example.com',
  ipv4: '192.0.2.1',
  ipv6: '2001:db8::1',
  byte: 'aGVsbG8=',
  password: 'a-secret-password',
};

/** The schema's type: 3.1 allows a list (`["string", "null"]`); implied by `properties` or `items`. */
function typeOf(s: Json): string | undefined {
  const types = Array.isArray(s.type) ? s.type.filter((t) => t !== 'null') : [s.type];
  const type = types.find((t) => typeof t === 'string') as string | undefined;
  if (type) return type;
  if (s.type === 'null' || (Array.isArray(s.type) && s.type.includes('null'))) return 'null';
  if (isObj(s.properties) || isObj(s.additionalProperties)) return 'object';
  if (s.items !== undefined || Array.isArray(s.prefixItems)) return 'array';
  return undefined;
}

function stringExample(s: Json): string {
  const format = typeof s.format === 'string' ? s.format : '';
  let value = stringByFormat[format] ?? 'string';
  const min = typeof s.minLength === 'number' ? s.minLength : 0;
  const max = typeof s.maxLength === 'number' ? s.maxLength : Number.POSITIVE_INFINITY;
  while (value.length < Math.min(min, 1000)) value += value;
  return value.slice(0, Math.max(min, Math.min(max, value.length)));
}

function numberExample(s: Json, integer: boolean): number {
  const exclusiveMin = typeof s.exclusiveMinimum === 'number' ? s.exclusiveMinimum : undefined;
  const exclusiveMax = typeof s.exclusiveMaximum === 'number' ? s.exclusiveMaximum : undefined;
  // 3.0 writes exclusiveMinimum as a flag beside minimum; 3.1 as the bound itself.
  const step = integer ? 1 : 0.5;
  const min =
    exclusiveMin !== undefined
      ? exclusiveMin + step
      : typeof s.minimum === 'number'
        ? s.minimum + (s.exclusiveMinimum === true ? step : 0)
        : undefined;
  const max =
    exclusiveMax !== undefined
      ? exclusiveMax - step
      : typeof s.maximum === 'number'
        ? s.maximum - (s.exclusiveMaximum === true ? step : 0)
        : undefined;
  let value = min ?? (integer ? 1 : 1.5);
  if (max !== undefined && value > max) value = max;
  return integer ? Math.ceil(value) : value;
}

function merged(parts: unknown[]): unknown {
  const objects = parts.filter(isObj);
  if (objects.length > 0 && objects.length === parts.filter((p) => p !== undefined).length)
    return Object.assign({}, ...objects);
  return parts.findLast((p) => p !== undefined);
}

/** An example value for `schema`; `undefined` only for a property that should be left out. */
export function exampleOf(ctx: ExampleContext, schema: unknown, depth = 0, refs: string[] = []): unknown {
  if (isObj(schema) && typeof schema.$ref === 'string') {
    const ref = schema.$ref;
    // A schema that contains itself (a tree's children) stops at the second visit.
    if (refs.includes(ref) || depth > maxDepth) return undefined;
    const target = follow(ctx.root, schema, ctx.unresolved);
    return target === undefined ? null : exampleOf(ctx, target, depth, [...refs, ref]);
  }
  if (!isObj(schema)) return 'string';
  const s = schema;
  // Past the budget a value is left out (a property omitted, an array empty).
  if (!spend(ctx)) return undefined;
  if (s.example !== undefined) return s.example;
  if (Array.isArray(s.examples) && s.examples.length > 0) return s.examples[0];
  if (s.const !== undefined) return s.const;
  if (s.default !== undefined) return s.default;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum.find((v) => v !== null) ?? s.enum[0];
  if (Array.isArray(s.allOf))
    return merged(
      s.allOf.map((part) => exampleOf(ctx, part, depth + 1, refs)).concat(ownPart(ctx, s, depth, refs)),
    );
  const choices = (Array.isArray(s.oneOf) ? s.oneOf : Array.isArray(s.anyOf) ? s.anyOf : undefined)?.filter(
    (c) => !(isObj(c) && c.type === 'null'),
  );
  if (choices?.length) return exampleOf(ctx, choices[0], depth + 1, refs);
  return ownPart(ctx, s, depth, refs) ?? 'string';
}

/** The example of the schema's own keywords (its type), beside any `allOf`. */
function ownPart(ctx: ExampleContext, s: Json, depth: number, refs: string[]): unknown {
  switch (typeOf(s)) {
    case 'object':
      return objectExample(ctx, s, depth, refs);
    case 'array': {
      if (depth >= maxDepth) return [];
      if (Array.isArray(s.prefixItems))
        return s.prefixItems.map((item) => exampleOf(ctx, item, depth + 1, refs));
      const item = exampleOf(ctx, s.items ?? {}, depth + 1, refs);
      return item === undefined ? [] : [item];
    }
    case 'string':
      return s.format === 'binary' ? '' : stringExample(s);
    case 'file':
      return '';
    case 'integer':
      return numberExample(s, true);
    case 'number':
      return numberExample(s, false);
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return undefined;
  }
}

function objectExample(ctx: ExampleContext, s: Json, depth: number, refs: string[]): Json {
  if (depth >= maxDepth) return {};
  const skipped = ctx.direction === 'request' ? 'readOnly' : 'writeOnly';
  const out: Json = {};
  const properties = isObj(s.properties) ? Object.entries(s.properties).slice(0, maxProperties) : [];
  for (const [name, raw] of properties) {
    const property = follow(ctx.root, raw);
    if (isObj(property) && property[skipped] === true) continue;
    const value = exampleOf(ctx, raw, depth + 1, refs);
    if (value !== undefined) out[name] = value;
  }
  if (properties.length === 0 && isObj(s.additionalProperties)) {
    const value = exampleOf(ctx, s.additionalProperties, depth + 1, refs);
    if (value !== undefined) out.key = value;
  }
  return out;
}

/** Whether the schema describes a file's bytes (`format: binary`, Swagger 2.0's `type: file`). */
export function isBinary(root: Json, schema: unknown): boolean {
  const s = follow(root, schema);
  return isObj(s) && (s.type === 'file' || (s.type === 'string' && s.format === 'binary'));
}
