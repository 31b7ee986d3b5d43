// OpenAPI 3.x / Swagger 2.0: one block per operation (what a developer searches for) and an
// overview block with title, version, servers and authentication schemes.

import { parseOpenApiText } from '../detect.ts';
import { rejected } from '../errors.ts';
import type { Block, ParsedDocument } from '../types.ts';
import { collapseWhitespace } from './text.ts';

type Obj = Record<string, unknown>;
/** The HTTP methods a path item may hold, in the order the spec lists them. */
export const operationMethods = [
  'get',
  'put',
  'post',
  'delete',
  'options',
  'head',
  'patch',
  'trace',
] as const;
const methods = operationMethods;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown) => (typeof v === 'string' ? collapseWhitespace(v) : '');

/** Follows a local `#/...` reference (a few hops at most, so cycles end). */
export function deref(spec: Obj, value: unknown, hops = 5): unknown {
  let current = value;
  for (let i = 0; i < hops && isObj(current) && typeof current.$ref === 'string'; i++) {
    const ref = current.$ref;
    if (!ref.startsWith('#/')) return current;
    current = ref
      .slice(2)
      .split('/')
      .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce<unknown>((node, key) => (isObj(node) ? node[key] : undefined), spec);
  }
  return current;
}

const refName = (v: unknown) =>
  isObj(v) && typeof v.$ref === 'string' ? v.$ref.split('/').pop() : undefined;

/** A short outline of a schema: type, and for objects their properties two levels deep. */
function outline(spec: Obj, schema: unknown, depth = 0): string {
  const name = refName(schema);
  const s = deref(spec, schema);
  if (!isObj(s)) return name ?? 'any';
  const label = name ? `${name} ` : '';
  if (s.type === 'array' || isObj(s.items)) return `${label}array of ${outline(spec, s.items, depth)}`;
  const props = isObj(s.properties) ? s.properties : undefined;
  if (props && depth < 2) {
    const required = new Set(Array.isArray(s.required) ? s.required : []);
    const fields = Object.entries(props).map(
      ([key, value]) => `${key}${required.has(key) ? '*' : ''}: ${outline(spec, value, depth + 1)}`,
    );
    return `${label}{ ${fields.join(', ')} }`;
  }
  const enumValues = Array.isArray(s.enum) ? ` (${s.enum.join('|')})` : '';
  return `${label}${typeof s.type === 'string' ? s.type : props ? 'object' : 'any'}${enumValues}`.trim();
}

/** An operation as a developer reads it: method, path, summary, parameters, body and responses. */
export function operationText(spec: Obj, method: string, path: string, op: Obj, shared: unknown[]): string {
  const lines = [`${method.toUpperCase()} ${path}${str(op.summary) ? ` — ${str(op.summary)}` : ''}`];
  if (str(op.description)) lines.push(str(op.description));
  if (op.deprecated === true) lines.push('Deprecated.');

  const params = [...shared, ...(Array.isArray(op.parameters) ? op.parameters : [])]
    .map((p) => deref(spec, p))
    .filter(isObj);
  const bodyParam = params.find((p) => p.in === 'body');
  const plain = params.filter((p) => p.in !== 'body');
  if (plain.length > 0) {
    lines.push('Parameters:');
    for (const p of plain) {
      const type = outline(spec, p.schema ?? { type: p.type });
      const desc = str(p.description);
      lines.push(
        `- ${str(p.name)} (${str(p.in)}, ${type}${p.required === true ? ', required' : ''})${desc ? `: ${desc}` : ''}`,
      );
    }
  }
  const body = deref(spec, op.requestBody);
  if (isObj(body) && isObj(body.content)) {
    for (const [mediaType, media] of Object.entries(body.content))
      lines.push(
        `Request body (${mediaType}${body.required === true ? ', required' : ''}): ${outline(spec, isObj(media) ? media.schema : undefined)}`,
      );
  } else if (bodyParam) {
    lines.push(`Request body: ${outline(spec, bodyParam.schema)}`);
  }
  if (isObj(op.responses)) {
    lines.push('Responses:');
    for (const [status, raw] of Object.entries(op.responses)) {
      const response = deref(spec, raw);
      if (!isObj(response)) continue;
      const schemas = isObj(response.content)
        ? Object.values(response.content).map((m) => (isObj(m) ? m.schema : undefined))
        : [response.schema];
      const schema = schemas.find((s) => s !== undefined);
      const desc = str(response.description);
      lines.push(
        `- ${status}${desc ? `: ${desc}` : ''}${schema === undefined ? '' : ` → ${outline(spec, schema)}`}`,
      );
    }
  }
  return lines.join('\n');
}

/** The API as a whole: title, version, description, servers and authentication schemes. */
export function overview(spec: Obj, title: string): string {
  const info = isObj(spec.info) ? spec.info : {};
  const lines = [`${title}${str(info.version) ? ` (version ${str(info.version)})` : ''}`];
  if (str(info.description)) lines.push(str(info.description));
  const servers = Array.isArray(spec.servers)
    ? spec.servers
        .filter(isObj)
        .map((s) => `${str(s.url)}${str(s.description) ? ` (${str(s.description)})` : ''}`)
    : typeof spec.host === 'string'
      ? (Array.isArray(spec.schemes) ? spec.schemes : ['https']).map(
          (scheme) => `${scheme}://${spec.host}${str(spec.basePath)}`,
        )
      : [];
  if (servers.length > 0) lines.push(`Servers: ${servers.join(', ')}`);
  const schemes =
    isObj(spec.components) && isObj(spec.components.securitySchemes)
      ? spec.components.securitySchemes
      : isObj(spec.securityDefinitions)
        ? spec.securityDefinitions
        : {};
  const auth = Object.entries(schemes).map(([name, raw]) => {
    const s = deref(spec, raw);
    if (!isObj(s)) return name;
    const detail = [str(s.type), str(s.scheme), s.in ? `in ${str(s.in)} ${str(s.name)}` : '']
      .filter(Boolean)
      .join(' ');
    return `${name} (${detail})`;
  });
  if (auth.length > 0) lines.push(`Authentication: ${auth.join(', ')}`);
  return lines.join('\n');
}

export function parseOpenApi(text: string): ParsedDocument {
  const spec = parseOpenApiText(text);
  if (!spec) throw rejected('corrupt', 'corrupt OpenAPI document: it does not parse as JSON or YAML');
  const info = isObj(spec.info) ? spec.info : {};
  const title = str(info.title) || 'API';
  const blocks: Block[] = [{ kind: 'paragraph', text: overview(spec, title), headingPath: [title] }];
  const paths = isObj(spec.paths) ? spec.paths : {};
  for (const [path, rawItem] of Object.entries(paths)) {
    const item = deref(spec, rawItem);
    if (!isObj(item)) continue;
    const shared = Array.isArray(item.parameters) ? item.parameters : [];
    for (const method of methods) {
      const op = item[method];
      if (!isObj(op)) continue;
      const tag = Array.isArray(op.tags) && typeof op.tags[0] === 'string' ? op.tags[0] : 'default';
      const id = str(op.operationId) || `${method.toUpperCase()} ${path}`;
      blocks.push({
        kind: 'operation',
        text: operationText(spec, method, path, op, shared),
        headingPath: [tag, id],
      });
    }
  }
  return { type: 'openapi', title, blocks };
}
