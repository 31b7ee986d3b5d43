// An OpenAPI 3.0/3.1 or Swagger 2.0 document read as an integration guide needs it: its operations
// (method, path, parameters, request bodies, security, success response), servers and security
// schemes, in one shape for both versions. Everything here is data from an uploaded file: it is
// quoted or escaped wherever it goes, never obeyed. Pure; run in a worker process (spec-pool.ts).
import { parseOpenApiText } from '../knowledge/detect.ts';
import { operationMethods, operationText, overview } from '../knowledge/parsers/openapi.ts';

export type Json = Record<string, unknown>;
export type HttpMethod = (typeof operationMethods)[number];

export const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const oneLine = (v: unknown) => (typeof v === 'string' ? v.replace(/\s+/g, ' ').trim() : '');

export interface SpecParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required: boolean;
  /** A JSON schema of the value (Swagger 2.0's inline type, format, enum… as one). */
  schema: unknown;
  /** The value the spec gives as its example, when it gives one. */
  example?: { value: unknown };
  style?: string;
  explode?: boolean;
}

export interface SpecBody {
  mediaType: string;
  schema: unknown;
  example?: { value: unknown };
}

export interface SpecOperation {
  /** How a brief names it: the operationId, or `METHOD /path` when it has none. */
  key: string;
  operationId?: string;
  method: HttpMethod;
  path: string;
  summary: string;
  tag: string;
  deprecated: boolean;
  parameters: SpecParameter[];
  /** The request body in each media type the operation accepts. */
  bodies: SpecBody[];
  /** Security requirements (alternatives) of the operation, or undefined to take the spec's. */
  security: Json[] | undefined;
  /** Server URLs declared on the operation or its path (3.x), which override the spec's. */
  servers: Json[];
  /** The success response: its media types ([] when it has no body, e.g. 204). */
  success: { status: string; mediaTypes: string[] } | undefined;
  /** The operation as a developer reads it (the knowledge base's operation text). */
  text: string;
}

export interface ApiSpec {
  /** `3.0.3`, `3.1.0`, `2.0`… as declared. */
  version: string;
  title: string;
  apiVersion: string;
  overview: string;
  /** 3.x server objects, or Swagger 2.0's scheme, host and base path as one. */
  servers: Json[];
  securitySchemes: Record<string, Json>;
  security: Json[];
  operations: SpecOperation[];
  /** The parsed document, for following `$ref`s. */
  root: Json;
}

export type SpecReading = { spec: ApiSpec } | { problem: string };

const refPath = (ref: string) =>
  ref
    .slice(2)
    .split('/')
    .map((p) => decodeURIComponent(p).replace(/~1/g, '/').replace(/~0/g, '~'));

/** The node a local `#/…` reference points at; undefined for another file's or a dangling one. */
export function resolveRef(root: Json, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  return refPath(ref).reduce<unknown>((node, key) => (isObj(node) ? node[key] : undefined), root);
}

/** Follows `$ref`s (a few hops, so a cycle ends); `unresolved` collects the ones that lead nowhere. */
export function follow(root: Json, value: unknown, unresolved?: Set<string>): unknown {
  let current = value;
  for (let hop = 0; hop < 8 && isObj(current) && typeof current.$ref === 'string'; hop++) {
    const target = resolveRef(root, current.$ref);
    if (target === undefined) {
      unresolved?.add(current.$ref);
      return undefined;
    }
    current = target;
  }
  return current;
}

const locations = ['path', 'query', 'header', 'cookie'] as const;

/** A 3.x parameter's example: `example`, or the first of `examples` (each `{value}`, maybe a $ref). */
function givenExample(root: Json, holder: Json): { value: unknown } | undefined {
  if (holder.example !== undefined) return { value: holder.example };
  if (isObj(holder.examples)) {
    for (const raw of Object.values(holder.examples)) {
      const example = follow(root, raw);
      if (isObj(example) && example.value !== undefined) return { value: example.value };
    }
  }
  if (holder['x-example'] !== undefined) return { value: holder['x-example'] };
  return undefined;
}

// Swagger 2.0 describes a non-body parameter's value on the parameter itself.
const swaggerValueKeys = [
  'type',
  'format',
  'items',
  'enum',
  'default',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minLength',
  'maxLength',
  'pattern',
];
const swaggerSchema = (p: Json) =>
  Object.fromEntries(swaggerValueKeys.filter((k) => p[k] !== undefined).map((k) => [k, p[k]]));

function parameterOf(root: Json, raw: unknown, swagger: boolean): SpecParameter | undefined {
  const p = follow(root, raw);
  if (!isObj(p) || typeof p.name !== 'string' || !locations.includes(p.in as never)) return undefined;
  // A 3.x parameter may describe its value by `content` (one media type) instead of `schema`.
  const media = isObj(p.content) ? Object.values(p.content).find(isObj) : undefined;
  const schema = swagger ? swaggerSchema(p) : (p.schema ?? media?.schema ?? {});
  const example = givenExample(root, p) ?? (media ? givenExample(root, media) : undefined);
  return {
    name: p.name,
    in: p.in as SpecParameter['in'],
    required: p.in === 'path' || p.required === true,
    schema,
    ...(example ? { example } : {}),
    ...(swagger && p.collectionFormat === 'multi' ? { explode: true } : {}),
    ...(swagger && p.type === 'array' && p.collectionFormat !== 'multi' ? { explode: false } : {}),
    ...(typeof p.style === 'string' ? { style: p.style } : {}),
    ...(typeof p.explode === 'boolean' ? { explode: p.explode } : {}),
  };
}

/** Path-level parameters, overridden by the operation's own of the same name and location. */
function parametersOf(root: Json, shared: unknown[], own: unknown[], swagger: boolean) {
  const byKey = new Map<string, SpecParameter>();
  for (const raw of [...shared, ...own]) {
    const p = parameterOf(root, raw, swagger);
    if (p) byKey.set(`${p.in}:${p.name}`, p);
  }
  return [...byKey.values()];
}

const stringList = (v: unknown) => (Array.isArray(v) ? v.filter((s) => typeof s === 'string') : []);

/** Swagger 2.0's body and formData parameters as 3.x request bodies. */
function swaggerBodies(root: Json, op: Json, rawParams: unknown[]): SpecBody[] {
  const params = rawParams.map((raw) => follow(root, raw)).filter(isObj);
  const consumes = stringList(op.consumes ?? root.consumes);
  const body = params.find((p) => p.in === 'body');
  if (body) {
    const types = consumes.length > 0 ? consumes : ['application/json'];
    const example = isObj(body.schema) ? givenExample(root, body.schema) : undefined;
    return types.map((mediaType) => ({
      mediaType,
      schema: body.schema ?? {},
      ...(example ? { example } : {}),
    }));
  }
  const fields = params.filter((p) => p.in === 'formData' && typeof p.name === 'string');
  if (fields.length === 0) return [];
  const schema = {
    type: 'object',
    properties: Object.fromEntries(fields.map((p) => [p.name, swaggerSchema(p)])),
    required: fields.filter((p) => p.required === true).map((p) => p.name),
  };
  const multipart = fields.some((p) => p.type === 'file') || consumes.includes('multipart/form-data');
  return [{ mediaType: multipart ? 'multipart/form-data' : 'application/x-www-form-urlencoded', schema }];
}

function openApiBodies(root: Json, op: Json): SpecBody[] {
  const body = follow(root, op.requestBody);
  if (!isObj(body) || !isObj(body.content)) return [];
  return Object.entries(body.content).flatMap(([mediaType, raw]) => {
    if (!isObj(raw)) return [];
    const example = givenExample(root, raw);
    return [{ mediaType, schema: raw.schema ?? {}, ...(example ? { example } : {}) }];
  });
}

// The first 2xx response (200 before 201…), else `default`.
function successOf(root: Json, op: Json, swagger: boolean): SpecOperation['success'] {
  const responses = isObj(op.responses) ? op.responses : {};
  const status =
    Object.keys(responses)
      .filter((s) => /^2(\d\d|XX)$/i.test(s))
      .sort()[0] ?? (responses.default !== undefined ? 'default' : undefined);
  if (status === undefined) return undefined;
  const response = follow(root, responses[status]);
  if (!isObj(response) || status === '204') return { status, mediaTypes: [] };
  if (swagger) {
    const produces = stringList(op.produces ?? root.produces);
    return {
      status,
      mediaTypes: response.schema === undefined ? [] : produces.length ? produces : ['application/json'],
    };
  }
  return { status, mediaTypes: isObj(response.content) ? Object.keys(response.content) : [] };
}

function swaggerServers(root: Json): Json[] {
  if (typeof root.host !== 'string' || !root.host) return [];
  const schemes = stringList(root.schemes);
  const scheme = schemes.includes('https') ? 'https' : (schemes[0] ?? 'https');
  const basePath = typeof root.basePath === 'string' ? root.basePath : '';
  return [{ url: `${scheme}://${root.host}${basePath}` }];
}

// Swagger 2.0's security definitions in 3.x terms (`basic` is HTTP basic).
function securitySchemes(root: Json, swagger: boolean): Record<string, Json> {
  const raw = swagger
    ? root.securityDefinitions
    : isObj(root.components)
      ? root.components.securitySchemes
      : undefined;
  if (!isObj(raw)) return {};
  const schemes: Record<string, Json> = {};
  for (const [name, value] of Object.entries(raw)) {
    const scheme = follow(root, value);
    if (!isObj(scheme)) continue;
    schemes[name] = swagger && scheme.type === 'basic' ? { type: 'http', scheme: 'basic' } : scheme;
  }
  return schemes;
}

/** The spec, or why it is not one a guide can be written from. */
export function readSpec(text: string): SpecReading {
  const root = parseOpenApiText(text);
  if (!root)
    return {
      problem:
        'it is not an OpenAPI document: it must be JSON or YAML that declares `openapi: 3.x` or `swagger: "2.0"`',
    };
  const swagger = root.swagger !== undefined && root.openapi === undefined;
  const version = String(root.openapi ?? root.swagger);
  if (!isObj(root.paths)) return { problem: 'the OpenAPI document has no `paths` object' };
  const info = isObj(root.info) ? root.info : {};
  const title = oneLine(info.title) || 'the API';
  const operations: SpecOperation[] = [];
  for (const [path, rawItem] of Object.entries(root.paths)) {
    const item = follow(root, rawItem);
    if (!isObj(item) || !path.startsWith('/')) continue;
    const shared = Array.isArray(item.parameters) ? item.parameters : [];
    for (const method of operationMethods) {
      const op = item[method];
      if (!isObj(op)) continue;
      const own = Array.isArray(op.parameters) ? op.parameters : [];
      const operationId = oneLine(op.operationId);
      const servers = [op.servers, item.servers].find((s) => Array.isArray(s) && s.length > 0);
      operations.push({
        key: operationId || `${method.toUpperCase()} ${path}`,
        ...(operationId ? { operationId } : {}),
        method,
        path,
        summary: oneLine(op.summary),
        tag: stringList(op.tags)[0] ?? 'default',
        deprecated: op.deprecated === true,
        parameters: parametersOf(root, shared, own, swagger),
        bodies: swagger ? swaggerBodies(root, op, [...shared, ...own]) : openApiBodies(root, op),
        security: Array.isArray(op.security) ? op.security.filter(isObj) : undefined,
        servers: (servers as unknown[] | undefined)?.filter(isObj) ?? [],
        success: successOf(root, op, swagger),
        text: operationText(root, method, path, op, shared),
      });
    }
  }
  if (operations.length === 0)
    return { problem: 'the OpenAPI document declares no operations under `paths`' };
  return {
    spec: {
      version,
      title,
      apiVersion: oneLine(info.version),
      overview: overview(root, title),
      servers: swagger ? swaggerServers(root) : Array.isArray(root.servers) ? root.servers.filter(isObj) : [],
      securitySchemes: securitySchemes(root, swagger),
      security: Array.isArray(root.security) ? root.security.filter(isObj) : [],
      operations,
      root,
    },
  };
}

/** The operation a brief names: by operationId, or as `METHOD /path` (the method in any case). */
export function findOperation(spec: ApiSpec, name: string): SpecOperation | undefined {
  const wanted = name.trim();
  const byId = spec.operations.find((o) => o.operationId === wanted);
  if (byId) return byId;
  const m = /^([A-Za-z]+)\s+(\/\S*)$/.exec(wanted);
  if (!m) return undefined;
  const method = m[1]!.toLowerCase();
  return spec.operations.find((o) => o.method === method && o.path === m[2]);
}
