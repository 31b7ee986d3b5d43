// A fake API that implements an OpenAPI document's operations over real HTTP, strictly: a request
// reaches an operation only by its method and path template, with path parameters of the declared
// type, every required query, header and cookie parameter, the credentials of one of its security
// requirements (the values the test hands out), and a body of a declared media type that its
// schema accepts (types, required properties, enums, nested objects and arrays by `$ref`). Anything
// else is answered 4xx saying why. A match answers the success response's example.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exampleOf } from '../../src/guides/example-value.ts';
import { serverUrl } from '../../src/guides/request-plan.ts';
import {
  type ApiSpec,
  follow,
  isObj,
  type Json,
  readSpec,
  type SpecOperation,
} from '../../src/guides/spec.ts';

export interface Handled {
  operation: string;
  method: string;
  url: URL;
  headers: IncomingMessage['headers'];
  /** The body as the operation read it: JSON, form fields, or multipart fields (a file as its text). */
  body: unknown;
}

export interface SpecApiServer {
  url: string;
  port: number;
  handled: Handled[];
  refused: Array<{ method: string; url: string; reason: string }>;
  /** What the success response of `operation` answers. */
  answerOf(operation: string): unknown;
  close(): Promise<void>;
}

/** Why `value` does not fit `schema` (empty: it fits). */
export function schemaProblems(root: Json, schema: unknown, value: unknown, at = 'body'): string[] {
  const s = follow(root, schema);
  if (!isObj(s)) return [];
  if (Array.isArray(s.allOf)) return s.allOf.flatMap((part) => schemaProblems(root, part, value, at));
  const choices = Array.isArray(s.oneOf) ? s.oneOf : Array.isArray(s.anyOf) ? s.anyOf : undefined;
  if (choices && !choices.some((c) => schemaProblems(root, c, value, at).length === 0))
    return [`${at} fits none of its schemas`];
  if (Array.isArray(s.enum) && !s.enum.some((e) => JSON.stringify(e) === JSON.stringify(value)))
    return [`${at} is not one of ${JSON.stringify(s.enum)}`];
  if (s.const !== undefined && JSON.stringify(s.const) !== JSON.stringify(value))
    return [`${at} is not ${s.const}`];
  const types = (Array.isArray(s.type) ? s.type : s.type ? [s.type] : []) as string[];
  const typeOf = (v: unknown) =>
    v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v;
  if (
    types.length > 0 &&
    !types.some((t) => t === typeOf(value) || (t === 'number' && typeOf(value) === 'integer'))
  )
    return [`${at} is ${typeOf(value)}, not ${types.join(' or ')}`];
  if (typeof value === 'string' && s.format === 'email' && !/^[^@\s]+@[^@\s]+$/.test(value))
    return [`${at} is not an email address`];
  if (typeof value === 'string' && s.format === 'date' && !/^\d{4}-\d{2}-\d{2}$/.test(value))
    return [`${at} is not a date`];
  if (typeof value === 'number' && typeof s.minimum === 'number' && value < s.minimum)
    return [`${at} is below ${s.minimum}`];
  if (typeof value === 'number' && typeof s.maximum === 'number' && value > s.maximum)
    return [`${at} is above ${s.maximum}`];
  if (Array.isArray(value)) return value.flatMap((v, i) => schemaProblems(root, s.items, v, `${at}[${i}]`));
  if (isObj(value)) {
    const required = Array.isArray(s.required) ? (s.required as string[]) : [];
    const properties = isObj(s.properties) ? s.properties : {};
    return [
      ...required.filter((k) => !(k in value)).map((k) => `${at}.${k} is missing`),
      ...Object.entries(value).flatMap(([k, v]) =>
        k in properties ? schemaProblems(root, properties[k], v, `${at}.${k}`) : [],
      ),
    ];
  }
  return [];
}

/** A path parameter's or query value's text read as its schema's type. */
function typedValue(root: Json, schema: unknown, text: string): unknown {
  const s = follow(root, schema);
  const type = isObj(s) ? (Array.isArray(s.type) ? s.type[0] : s.type) : undefined;
  if (type === 'integer' && /^-?\d+$/.test(text)) return Number(text);
  if (type === 'number' && text !== '' && Number.isFinite(Number(text))) return Number(text);
  if (type === 'boolean' && (text === 'true' || text === 'false')) return text === 'true';
  return text;
}

function matchPath(template: string, path: string): Record<string, string> | undefined {
  const names: string[] = [];
  const pattern = template
    .replace(/[.*+?^$()|[\]\\]/g, '\\$&')
    .replace(/\\?\{([^}]+)\\?\}/g, (_, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
  const m = new RegExp(`^${pattern}$`).exec(path);
  if (!m) return undefined;
  return Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1]!)]));
}

const cookiesOf = (header: string | undefined) =>
  Object.fromEntries(
    (header ?? '')
      .split(';')
      .map((c) => c.trim().split('='))
      .filter((p) => p.length >= 2)
      .map(([k, ...v]) => [k, v.join('=')]),
  );

/** Whether the request carries the credentials of `op`'s security (the scheme name → its secret). */
function authorised(
  spec: ApiSpec,
  op: SpecOperation,
  req: IncomingMessage,
  url: URL,
  secrets: Record<string, string>,
): boolean {
  const requirements = op.security ?? spec.security;
  if (requirements.length === 0) return true;
  return requirements.some((requirement) =>
    Object.keys(requirement).every((name) => {
      const scheme = spec.securitySchemes[name];
      const secret = secrets[name];
      if (!scheme || secret === undefined) return false;
      if (scheme.type === 'http' && scheme.scheme === 'bearer')
        return req.headers.authorization === `Bearer ${secret}`;
      if (scheme.type === 'http' && scheme.scheme === 'basic')
        return req.headers.authorization === `Basic ${Buffer.from(secret).toString('base64')}`;
      const keyName = String(scheme.name);
      if (scheme.in === 'header') return req.headers[keyName.toLowerCase()] === secret;
      if (scheme.in === 'query') return url.searchParams.get(keyName) === secret;
      if (scheme.in === 'cookie') return cookiesOf(req.headers.cookie)[keyName] === secret;
      return false;
    }),
  );
}

async function readBody(
  spec: ApiSpec,
  op: SpecOperation,
  req: IncomingMessage,
  raw: Buffer,
): Promise<{ body: unknown } | { problem: string }> {
  if (op.bodies.length === 0) return raw.length === 0 ? { body: undefined } : { problem: 'no body expected' };
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const declared = op.bodies.find((b) => b.mediaType.toLowerCase() === type);
  if (!declared)
    return { problem: `Content-Type ${type || '(none)'} is not one of ${op.bodies.map((b) => b.mediaType)}` };
  let body: unknown;
  if (type.endsWith('json')) {
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return { problem: 'the body is not JSON' };
    }
  } else if (type === 'application/x-www-form-urlencoded') {
    const form = new URLSearchParams(raw.toString('utf8'));
    const schema = follow(spec.root, declared.schema);
    const properties = isObj(schema) && isObj(schema.properties) ? schema.properties : {};
    body = Object.fromEntries([...form].map(([k, v]) => [k, typedValue(spec.root, properties[k], v)]));
  } else if (type === 'multipart/form-data') {
    const form = await new Response(new Uint8Array(raw), {
      headers: { 'content-type': String(req.headers['content-type']) },
    }).formData();
    body = Object.fromEntries(
      await Promise.all(
        [...form].map(async ([k, v]) => [k, typeof v === 'string' ? v : await v.text()] as const),
      ),
    );
    // A file part is a binary string in the schema.
    return { body };
  } else body = raw.toString('utf8');
  const problems = schemaProblems(spec.root, declared.schema, body);
  return problems.length > 0 ? { problem: problems.join('; ') } : { body };
}

/**
 * Serves `specText` (JSON or YAML). `secrets`: each security scheme's credential (basic:
 * `user:password`). `port`: to serve where the spec's servers say.
 */
export async function startSpecApi(
  specText: string | ((port: number) => string),
  secrets: Record<string, string>,
): Promise<SpecApiServer> {
  const handled: Handled[] = [];
  const refused: SpecApiServer['refused'] = [];
  let spec: ApiSpec | undefined;
  let basePath = '';
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const refuse = (status: number, reason: string) => {
      refused.push({ method: req.method ?? '', url: url.href, reason });
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: reason }));
    };
    if (!spec || !url.pathname.startsWith(basePath)) return refuse(404, 'no such path');
    const path = url.pathname.slice(basePath.length);
    const method = (req.method ?? '').toLowerCase();
    const op = spec.operations.find((o) => o.method === method && matchPath(o.path, path));
    if (!op) return refuse(404, `no operation ${method.toUpperCase()} ${path}`);
    const params = matchPath(op.path, path)!;
    for (const p of op.parameters) {
      const text =
        p.in === 'path'
          ? params[p.name]
          : p.in === 'query'
            ? (url.searchParams.get(p.name) ?? undefined)
            : p.in === 'header'
              ? (req.headers[p.name.toLowerCase()] as string | undefined)
              : cookiesOf(req.headers.cookie)[p.name];
      if (text === undefined) {
        if (p.required) return refuse(400, `${p.in} parameter ${p.name} is missing`);
        continue;
      }
      const problems = schemaProblems(spec.root, p.schema, typedValue(spec.root, p.schema, text), p.name);
      if (problems.length > 0) return refuse(400, problems.join('; '));
    }
    if (!authorised(spec, op, req, url, secrets)) return refuse(401, 'missing or wrong credentials');
    const read = await readBody(spec, op, req, Buffer.concat(chunks));
    if ('problem' in read) return refuse(422, read.problem);
    handled.push({
      operation: op.key,
      method: method.toUpperCase(),
      url,
      headers: req.headers,
      body: read.body,
    });
    const status = Number(op.success?.status) || 200;
    if (!op.success?.mediaTypes.length) return res.writeHead(status).end();
    const type = op.success.mediaTypes[0]!;
    const answer = answerOf(op.key);
    res
      .writeHead(status, { 'content-type': type })
      .end(type.includes('json') ? JSON.stringify(answer) : String(answer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const read = readSpec(typeof specText === 'string' ? specText : specText(port));
  if ('problem' in read) throw new Error(read.problem);
  spec = read.spec;
  basePath = new URL(serverUrl(spec.servers, {}).url).pathname.replace(/\/$/, '');
  const answerOf = (key: string) => {
    const op = spec!.operations.find((o) => o.key === key);
    const type = op?.success?.mediaTypes[0];
    if (!op?.success || !type) return undefined;
    const { root } = spec!;
    // paths → path item → operation → responses → the success response (each maybe a $ref).
    const at = (node: unknown, key: string) => {
      const n = follow(root, node);
      return isObj(n) ? n[key] : undefined;
    };
    const response = follow(root, at(at(at(at(root, 'paths'), op.path), op.method), 'responses'));
    const entry = follow(root, isObj(response) ? response[op.success.status] : undefined);
    const schema = isObj(entry)
      ? isObj(entry.content)
        ? at(entry.content[type], 'schema')
        : entry.schema
      : undefined;
    return exampleOf({ root, direction: 'response', unresolved: new Set() }, schema ?? { type: 'string' });
  };
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    handled,
    refused,
    answerOf,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
