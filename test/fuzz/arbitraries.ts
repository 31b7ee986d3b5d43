// fast-check arbitraries for the API fuzzer: values shaped by a JSON Schema from the OpenAPI
// document (types, bounds, enums, patterns, formats), mixed with hostile values a schema-shaped
// generator would never produce (NUL, lone surrogates, out-of-range dates, tsquery syntax, deeply
// nested Markdown, numbers written oddly, wrong types, prototype keys).
import fc from 'fast-check';

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  $ref?: string;
}

/** Strings that broke (or could break) a layer below validation. */
export const hostileStrings = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '\u200b\u200d\ufeff',
  '\u0001\u0007\u001b',
  '\u3164',
  '> '.repeat(5000),
  '- '.repeat(3000),
  '*'.repeat(5000),
  `${'['.repeat(2000)}x`,
  'example.com:8080',
  "a:* & !b | 'c' <-> (d",
  '0000-01-01',
  '+010000-01-01T00:00:00Z',
  '-271821-04-20T00:00:00Z',
  '2024-02-30',
  '2024-13-01T00:00:00Z',
  '0x10',
  '1e2',
  '-1',
  'NaN',
  'Infinity',
  '9'.repeat(400),
  'en-US-US',
  '__proto__',
  'constructor',
  '../../../etc/passwd',
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  '%00',
  '%ff%fe',
  'javascript:alert(1)',
  'file:///etc/passwd',
  'http://127.0.0.1:0/',
  'http://169.254.169.254/latest/meta-data/',
  'gopher://x/',
  '\r\nx-injected: 1',
  '🙂'.repeat(300),
  'a'.repeat(70_000),
  'MDAwMC0wMS0wMQ',
  'KzI3NTc2MC0wOS0xM1QwMDowMDowMC4wMDBa',
];

const hostileScalars: unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  -0,
  3.5,
  1e308,
  -1e308,
  2 ** 53 + 1,
  [],
  {},
  [2025],
];

const deep = (levels: number): unknown => (levels === 0 ? 'x' : { a: [deep(levels - 1)] });

export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...hostileStrings) },
  { weight: 2, arbitrary: fc.constantFrom(...hostileScalars) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 400 }).map(deep) },
  {
    weight: 1,
    arbitrary: fc.constant(JSON.parse('{"__proto__":{"admin":true},"constructor":{"prototype":{}}}')),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

export interface Pools {
  /** Ids the server handed out (articles, documents, keys...), so paths reach real rows. */
  ids: string[];
}

const maxDepth = 6;

export class SchemaArbitraries {
  private readonly components: Record<string, JsonSchema>;
  private readonly pools: Pools;
  /** false: only schema-valid-looking values (no hostile values, no unknown keys), to get past validation. */
  private readonly hostile: boolean;
  constructor(components: Record<string, JsonSchema>, pools: Pools, hostile = true) {
    this.components = components;
    this.pools = pools;
    this.hostile = hostile;
  }

  private resolve(schema: JsonSchema): JsonSchema {
    let s = schema;
    for (let i = 0; s.$ref && i < 10; i++) {
      const name = s.$ref.split('/').at(-1) ?? '';
      s = this.components[name] ?? {};
    }
    return s;
  }

  /** Schema-shaped most of the time, hostile otherwise. */
  value(schema: JsonSchema, depth = 0): fc.Arbitrary<unknown> {
    if (!this.hostile) return this.shaped(schema, depth);
    return fc.oneof(
      { weight: 6, arbitrary: this.shaped(schema, depth) },
      { weight: 1, arbitrary: hostileValue },
    );
  }

  shaped(input: JsonSchema, depth = 0): fc.Arbitrary<unknown> {
    const schema = this.resolve(input);
    if (depth > maxDepth) return fc.constant(null);
    if (schema.const !== undefined) return fc.constant(schema.const);
    if (schema.enum && schema.enum.length > 0) return fc.constantFrom(...schema.enum);
    const alternatives = schema.anyOf ?? schema.oneOf;
    if (alternatives && alternatives.length > 0) {
      return fc.oneof(...alternatives.map((s) => this.shaped(s, depth + 1)));
    }
    if (schema.allOf && schema.allOf.length > 0) return this.shaped(schema.allOf[0]!, depth + 1);
    const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
    if (types.length > 1)
      return fc.oneof(...types.map((type) => this.shaped({ ...schema, type }, depth + 1)));
    switch (types[0]) {
      case 'string':
        return this.string(schema);
      case 'integer':
        return fc.integer({
          min: Math.max(schema.minimum ?? -(2 ** 31), -(2 ** 31)),
          max: Math.min(schema.maximum ?? 2 ** 31, 2 ** 31),
        });
      case 'number':
        return fc.double({
          noNaN: true,
          noDefaultInfinity: true,
          min: schema.minimum ?? schema.exclusiveMinimum ?? -1e9,
          max: schema.maximum ?? schema.exclusiveMaximum ?? 1e9,
        });
      case 'boolean':
        return fc.boolean();
      case 'null':
        return fc.constant(null);
      case 'array':
        return fc.array(this.value(schema.items ?? {}, depth + 1), {
          minLength: Math.min(schema.minItems ?? 0, 5),
          maxLength: Math.min(schema.maxItems ?? 5, 5),
        });
      case 'object':
        return this.object(schema, depth);
      default:
        return fc.jsonValue({ maxDepth: 2 });
    }
  }

  private object(schema: JsonSchema, depth: number): fc.Arbitrary<unknown> {
    const properties = schema.properties ?? {};
    const required = schema.required ?? [];
    const record = fc.record(
      Object.fromEntries(Object.entries(properties).map(([k, s]) => [k, this.value(s, depth + 1)])),
      { requiredKeys: required.filter((k) => k in properties) },
    );
    if (!this.hostile) return record;
    // Now and then a key the schema does not know.
    return fc
      .tuple(record, fc.option(fc.tuple(fc.constantFrom('extra', '__proto__', ''), hostileValue)))
      .map(([value, extra]) => (extra ? { ...value, [extra[0]]: extra[1] } : value));
  }

  /** An id the server handed out (read from the pool when drawn, as it grows), or a random one. */
  knownId(): fc.Arbitrary<string> {
    return fc
      .tuple(fc.nat(), fc.uuid(), fc.boolean())
      .map(([n, random, fresh]) =>
        fresh || this.pools.ids.length === 0 ? random : this.pools.ids[n % this.pools.ids.length]!,
      );
  }

  string(schema: JsonSchema): fc.Arbitrary<string> {
    const maxLength = Math.min(schema.maxLength ?? 60, 300);
    const minLength = Math.min(schema.minLength ?? 0, maxLength);
    switch (schema.format) {
      case 'uuid':
        return this.knownId();
      case 'email':
        return fc.emailAddress();
      case 'date-time':
      case 'date':
        return fc
          .date({
            min: new Date('0001-01-01T00:00:00Z'),
            max: new Date('9999-12-31T00:00:00Z'),
            noInvalidDate: true,
          })
          .map((d) => (schema.format === 'date' ? d.toISOString().slice(0, 10) : d.toISOString()));
      case 'uri':
        return fc.webUrl();
      default:
        break;
    }
    if (schema.pattern) {
      try {
        const matching = fc.stringMatching(new RegExp(schema.pattern));
        // Bounded only by the schema's own maximum: the default one of plain strings would filter a
        // pattern whose strings are all longer (a 64-digit hash) for ever.
        return schema.maxLength === undefined ? matching : matching.filter((s) => s.length <= maxLength);
      } catch {
        // a pattern JavaScript cannot compile: plain strings
      }
    }
    return fc.oneof(
      fc.string({ minLength, maxLength, unit: 'grapheme' }),
      fc.string({ minLength, maxLength, unit: 'binary' }),
    );
  }
}
