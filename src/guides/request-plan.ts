// One operation as a concrete HTTP request, decided once for every language's sample: the URL (the
// server with its variables' defaults, the path with its parameters' examples, the query), the
// headers, the credentials the security scheme asks for (read from environment variables, never
// written into a sample) and the body with its media type. The renderers only spell it.
import { type ExampleContext, exampleOf, isBinary } from './example-value.ts';
import { encoded } from './sample-literals.ts';
import {
  type ApiSpec,
  follow,
  isObj,
  type Json,
  type SpecBody,
  type SpecOperation,
  type SpecParameter,
} from './spec.ts';

export type AuthPart =
  | { in: 'header'; name: string; prefix: string; env: string }
  | { in: 'query'; name: string; env: string }
  | { in: 'cookie'; name: string; env: string }
  | { in: 'basic'; userEnv: string; passwordEnv: string };

export type BodyPlan =
  | { kind: 'json'; contentType: string; value: unknown }
  | { kind: 'form'; fields: Array<[string, string]> }
  | { kind: 'multipart'; fields: Array<{ name: string; value: string } | { name: string; file: string }> }
  | { kind: 'text'; contentType: string; text: string }
  | { kind: 'file'; contentType: string; file: string };

export interface RequestPlan {
  method: string;
  /** The server URL without a trailing slash. */
  baseUrl: string;
  /** The path with its parameters filled in and percent-encoded. */
  path: string;
  query: Array<[string, string]>;
  headers: Array<[string, string]>;
  cookies: Array<[string, string]>;
  auth: AuthPart[];
  body?: BodyPlan;
  /** How the answer is read: as JSON, as text, or not at all (no content). */
  response: 'json' | 'text' | 'none';
  /** Environment variables the samples read, and local files they upload. */
  env: string[];
  files: string[];
}

export interface PlanOptions {
  /** Where the spec was downloaded from: a relative server URL is relative to it. */
  specUrl?: string | undefined;
}

/** The host samples use when the spec names none (a server URL of `/v1`, no `host`). */
export const placeholderHost = 'https://api.example.com';

/** A header or cookie name a sample may send: an HTTP token (RFC 9110). */
const tokenName = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;
/** Values from the spec go on one line: a line break in a header would start another header. */
const oneLine = (s: string) => s.replace(/[\r\n]+/g, ' ');

const isJson = (mediaType: string) =>
  /^application\/(?:[\w.+-]*\+)?json\b/i.test(mediaType) || mediaType === '*/*';

/** The server a request goes to: the first server, its variables at their defaults, made absolute. */
export function serverUrl(servers: readonly Json[], options: PlanOptions): { url: string; assumed: boolean } {
  const server = servers.find((s) => typeof s.url === 'string');
  const variables = isObj(server?.variables) ? server.variables : {};
  const template = typeof server?.url === 'string' ? server.url : '/';
  const filled = template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const variable = variables[name];
    if (!isObj(variable)) return name;
    const value = variable.default ?? (Array.isArray(variable.enum) ? variable.enum[0] : undefined);
    return value === undefined ? name : String(value);
  });
  const trimmed = (url: string) => url.replace(/\/+$/, '');
  if (/^https?:\/\//i.test(filled)) return { url: trimmed(filled), assumed: false };
  if (filled.startsWith('//')) return { url: trimmed(`https:${filled}`), assumed: false };
  // Relative: to the spec's own address when it came from one, else to a host the reader replaces.
  if (options.specUrl) {
    try {
      return { url: trimmed(new URL(filled, options.specUrl).href), assumed: false };
    } catch {
      // An address that does not parse falls through to the placeholder.
    }
  }
  return { url: trimmed(`${placeholderHost}/${filled.replace(/^\/+/, '')}`), assumed: true };
}

/** An environment variable's name from a security scheme's: `bearerAuth` → `BEARER_AUTH_TOKEN`. */
export function envName(schemeName: string, suffix: 'TOKEN' | 'KEY' | 'USERNAME' | 'PASSWORD'): string {
  const words = schemeName
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toUpperCase();
  const base = /^[A-Z]/.test(words) ? words : `API_${words}`.replace(/_+$/, '');
  if ((suffix === 'TOKEN' || suffix === 'KEY') && /(?:^|_)(?:TOKEN|KEY)$/.test(base)) return base;
  return `${base}_${suffix}`;
}

function authPart(name: string, scheme: Json): AuthPart | undefined {
  const type = String(scheme.type ?? '').toLowerCase();
  if (type === 'http') {
    const kind = String(scheme.scheme ?? '').toLowerCase();
    if (kind === 'basic')
      return { in: 'basic', userEnv: envName(name, 'USERNAME'), passwordEnv: envName(name, 'PASSWORD') };
    if (kind === 'bearer')
      return { in: 'header', name: 'Authorization', prefix: 'Bearer ', env: envName(name, 'TOKEN') };
    return undefined;
  }
  if (type === 'apikey') {
    const where = String(scheme.in ?? '');
    if (typeof scheme.name !== 'string' || !tokenName.test(scheme.name)) return undefined;
    if (where === 'header') return { in: 'header', name: scheme.name, prefix: '', env: envName(name, 'KEY') };
    if (where === 'query') return { in: 'query', name: scheme.name, env: envName(name, 'KEY') };
    if (where === 'cookie') return { in: 'cookie', name: scheme.name, env: envName(name, 'KEY') };
    return undefined;
  }
  // OAuth 2 and OpenID Connect end in an access token sent as a bearer token.
  if (type === 'oauth2' || type === 'openidconnect')
    return { in: 'header', name: 'Authorization', prefix: 'Bearer ', env: envName(name, 'TOKEN') };
  return undefined;
}

/**
 * The credentials of the first security requirement every scheme of which a sample can send (an
 * empty requirement — "no credentials" — only when no other can be met).
 */
function authFor(spec: ApiSpec, op: SpecOperation): AuthPart[] {
  const requirements = op.security ?? spec.security;
  for (const requirement of requirements) {
    const names = Object.keys(requirement);
    if (names.length === 0) continue;
    const parts = names.map((name) => {
      const scheme = spec.securitySchemes[name];
      return scheme ? authPart(name, scheme) : undefined;
    });
    if (parts.every((p) => p !== undefined)) return parts as AuthPart[];
  }
  return [];
}

function parameterValue(ctx: ExampleContext, p: SpecParameter): unknown {
  return p.example ? p.example.value : exampleOf(ctx, p.schema);
}

const scalar = (v: unknown) =>
  v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);

/** A query parameter's pairs: form style, arrays repeated unless `explode` is false, objects per property. */
function queryPairs(p: SpecParameter, value: unknown): Array<[string, string]> {
  const explode = p.explode ?? (p.style === undefined || p.style === 'form');
  if (Array.isArray(value))
    return explode ? value.map((v) => [p.name, scalar(v)]) : [[p.name, value.map(scalar).join(',')]];
  if (isObj(value)) {
    if (p.style === 'deepObject')
      return Object.entries(value).map(([k, v]) => [`${p.name}[${k}]`, scalar(v)]);
    return explode
      ? Object.entries(value).map(([k, v]) => [k, scalar(v)])
      : [[p.name, Object.entries(value).flat().map(scalar).join(',')]];
  }
  return [[p.name, scalar(value)]];
}

/** A path parameter's text (simple style: arrays and objects comma-separated), percent-encoded. */
function pathText(value: unknown): string {
  const text = Array.isArray(value)
    ? value.map(scalar).join(',')
    : isObj(value)
      ? Object.entries(value).flat().map(scalar).join(',')
      : scalar(value);
  return encoded(text);
}

// A request body's media type, in the order samples can send them.
const bodyPreference: Array<(mediaType: string) => boolean> = [
  isJson,
  (t) => /^application\/x-www-form-urlencoded\b/i.test(t),
  (t) => /^multipart\/form-data\b/i.test(t),
  (t) => /^(?:text\/|application\/(?:[\w.+-]*\+)?xml\b)/i.test(t),
  () => true,
];

const fileName = (mediaType: string, field = 'file') => {
  const ext = /^image\/(png|jpeg|gif|webp)/i.exec(mediaType)?.[1] ?? (/pdf/i.test(mediaType) ? 'pdf' : 'bin');
  return `${field.replace(/[^A-Za-z0-9_-]+/g, '_') || 'file'}.${ext.replace('jpeg', 'jpg')}`;
};

function bodyPlan(ctx: ExampleContext, bodies: readonly SpecBody[]): BodyPlan | undefined {
  const body = bodyPreference.map((fits) => bodies.find((b) => fits(b.mediaType))).find(Boolean);
  if (!body) return undefined;
  const mediaType = body.mediaType.split(';')[0]!.trim();
  const value = body.example ? body.example.value : exampleOf(ctx, body.schema);
  if (isJson(mediaType))
    return {
      kind: 'json',
      contentType: mediaType === '*/*' ? 'application/json' : mediaType,
      value: value ?? {},
    };
  const schema = follow(ctx.root, body.schema);
  const properties = isObj(schema) && isObj(schema.properties) ? schema.properties : {};
  const entries = isObj(value) ? Object.entries(value) : [];
  if (/^application\/x-www-form-urlencoded$/i.test(mediaType))
    return {
      kind: 'form',
      fields: entries.flatMap(([k, v]) =>
        Array.isArray(v) ? v.map((x) => [k, scalar(x)] as [string, string]) : [[k, scalar(v)]],
      ),
    };
  if (/^multipart\/form-data$/i.test(mediaType))
    return {
      kind: 'multipart',
      fields: entries.map(([name, v]) =>
        isBinary(ctx.root, properties[name])
          ? { name, file: fileName('', name) }
          : { name, value: scalar(v) },
      ),
    };
  if (
    typeof value === 'string' &&
    !isBinary(ctx.root, body.schema) &&
    /^(?:text\/|application\/(?:[\w.+-]*\+)?xml)/i.test(mediaType)
  )
    return { kind: 'text', contentType: mediaType, text: value };
  return { kind: 'file', contentType: mediaType, file: fileName(mediaType) };
}

// An operation that declares no success response is read as text: whatever it answers can be shown.
function responseKind(op: SpecOperation): RequestPlan['response'] {
  if (op.method === 'head') return 'none';
  if (!op.success) return 'text';
  const { mediaTypes } = op.success;
  return mediaTypes.length === 0 ? 'none' : mediaTypes.some(isJson) ? 'json' : 'text';
}

// Headers a sample sets itself, whatever parameters of those names say (the spec ignores them too).
const ownHeaders = new Set(['accept', 'content-type', 'authorization']);

/** The request a sample of `op` sends. `unresolved` collects `$ref`s that lead nowhere. */
export function planRequest(
  spec: ApiSpec,
  op: SpecOperation,
  options: PlanOptions = {},
): RequestPlan & { unresolved: string[] } {
  const ctx: ExampleContext = { root: spec.root, direction: 'request', unresolved: new Set() };
  const base = serverUrl(op.servers.length ? op.servers : spec.servers, options);
  const values = new Map(op.parameters.map((p) => [p, parameterValue(ctx, p)]));
  const path = op.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const p = op.parameters.find((q) => q.in === 'path' && q.name === name);
    return pathText(p ? values.get(p) : name);
  });
  // Optional parameters only where the spec gives an example: a value made up for them could change the answer.
  const sent = (p: SpecParameter) => p.required || p.example !== undefined;
  const query = op.parameters
    .filter((p) => p.in === 'query' && sent(p))
    .flatMap((p) => queryPairs(p, values.get(p)));
  const headers: Array<[string, string]> = [];
  const accept = op.success?.mediaTypes.find(isJson) ?? op.success?.mediaTypes[0];
  if (accept && accept !== '*/*') headers.push(['Accept', accept]);
  for (const p of op.parameters)
    if (p.in === 'header' && sent(p) && tokenName.test(p.name) && !ownHeaders.has(p.name.toLowerCase()))
      headers.push([p.name, oneLine(scalar(values.get(p)))]);
  const cookies = op.parameters
    .filter((p) => p.in === 'cookie' && sent(p) && tokenName.test(p.name))
    .map((p): [string, string] => [p.name, oneLine(scalar(values.get(p)))]);
  // fetch refuses a body on GET and HEAD; so does HTTP's meaning of them.
  const body = op.method === 'get' || op.method === 'head' ? undefined : bodyPlan(ctx, op.bodies);
  const auth = authFor(spec, op);
  const env = auth.flatMap((a) => (a.in === 'basic' ? [a.userEnv, a.passwordEnv] : [a.env]));
  const files =
    body?.kind === 'file'
      ? [body.file]
      : body?.kind === 'multipart'
        ? body.fields.flatMap((f) => ('file' in f ? [f.file] : []))
        : [];
  return {
    method: op.method.toUpperCase(),
    baseUrl: base.url,
    path,
    query,
    headers,
    cookies,
    auth,
    ...(body ? { body } : {}),
    response: responseKind(op),
    env: [...new Set(env)],
    files: [...new Set(files)],
    unresolved: [...ctx.unresolved],
  };
}
