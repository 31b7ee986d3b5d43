// A property-based fuzzer over the OpenAPI document a server serves at /docs/json: every operation,
// with path, query, header and body values drawn from its schemas (and hostile ones), sent over
// real HTTP authenticated as the owner (API key or session), with a bogus key, or with nothing.
// The property: no answer is a 5xx, every 4xx has the one error shape, no request takes longer
// than `slowMs`, and /health keeps answering. Each failure comes with a curl line to reproduce it.
import fc from 'fast-check';
import { hostileStrings, hostileValue, type JsonSchema, SchemaArbitraries } from './arbitraries.ts';

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: JsonSchema;
}

interface Operation {
  method: string;
  path: string;
  parameters: Parameter[];
  bodyTypes: string[];
  bodySchema?: JsonSchema;
  eventStream: boolean;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, Record<string, unknown>>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

export interface FuzzOptions {
  baseUrl: string;
  doc: OpenApiDocument;
  seed: number;
  /** Stop drawing new requests after this long. */
  budgetMs: number;
  /** A request taking longer than this is a failure. */
  slowMs?: number;
  credentials: { apiKey: string; cookie: string };
  /** Ids never to put in a path (the fuzzer's own key and user: revoking them ends the run's auth). */
  protectedIds?: string[];
  /** Ids of existing rows to start the pool of path ids with. */
  knownIds?: string[];
  /** Called for each failure as it is found. */
  onFailure?: (failure: Failure) => void;
}

export interface Failure {
  reason: string;
  status: number;
  ms: number;
  curl: string;
  body: string;
}

export interface FuzzReport {
  seed: number;
  operations: number;
  operationsHit: number;
  requests: number;
  statuses: Record<string, number>;
  serverErrors: number;
  slowest: { ms: number; what: string };
  failures: Failure[];
  durationMs: number;
}

interface Draw {
  operation: Operation;
  auth: 'key' | 'cookie' | 'none' | 'bogus';
  path: Record<string, unknown>;
  query: Record<string, unknown>;
  headers: Record<string, unknown>;
  body: unknown;
  encoding: 'json' | 'text' | 'form' | 'multipart' | 'none' | 'raw';
  raw: string;
}

const methodsWithBody = new Set(['POST', 'PUT', 'PATCH']);

export function operationsOf(doc: OpenApiDocument): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => {
      const content = (op.requestBody as { content?: Record<string, { schema?: JsonSchema }> } | undefined)
        ?.content;
      const bodyTypes = Object.keys(content ?? {});
      return {
        method: method.toUpperCase(),
        path,
        parameters: (op.parameters as Parameter[] | undefined) ?? [],
        bodyTypes,
        ...(content
          ? { bodySchema: content['application/json']?.schema ?? Object.values(content)[0]?.schema }
          : {}),
        eventStream:
          ((op.produces as string[] | undefined) ?? []).includes('text/event-stream') ||
          String(op.summary ?? '').includes('Server-Sent Events'),
      };
    }),
  );
}

/** A path segment as a client could send it (lone surrogates are not encodable: sent as bytes). */
function segment(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
  try {
    return encodeURIComponent(text);
  } catch {
    return encodeURIComponent(text.toWellFormed()).replaceAll('%EF%BF%BD', '%ED%A0%80');
  }
}

const asText = (value: unknown) =>
  typeof value === 'string' ? value : value === undefined ? '' : (JSON.stringify(value) ?? '');

function urlOf(draw: Draw): string {
  const path = draw.operation.path.replace(/\{([^}]+)\}/g, (_, name: string) => segment(draw.path[name]));
  const query = Object.entries(draw.query)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${segment(k)}=${segment(asText(v))}`)
    .join('&');
  return query ? `${path}?${query}` : path;
}

function multipart(fields: Record<string, unknown>, boundary: string): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    const file = name === 'file';
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"${file ? '; filename="fuzz.md"' : ''}\r\n` +
          `${file ? 'Content-Type: text/markdown\r\n' : ''}\r\n`,
      ),
      Buffer.from(asText(value).toWellFormed()),
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(parts);
}

interface Built {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: Buffer;
}

function build(draw: Draw, credentials: FuzzOptions['credentials']): Built {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(draw.headers)) {
    if (v === undefined) continue;
    // Header values must be Latin-1 without CR/LF; others are not sendable by any client.
    const text = asText(v).replace(/[^\x20-\x7e]/g, '');
    headers[k] = text;
  }
  if (draw.auth === 'key') headers.authorization = `Bearer ${credentials.apiKey}`;
  if (draw.auth === 'bogus') headers.authorization = 'Bearer bsk_0000000000000000000000000000000000';
  // As a browser page of the app sends it: the CSRF check wants proof the request is same-site.
  if (draw.auth === 'cookie') {
    headers.cookie = credentials.cookie;
    headers['sec-fetch-site'] = 'same-origin';
  }
  let body: Buffer | undefined;
  if (methodsWithBody.has(draw.operation.method)) {
    switch (draw.encoding) {
      case 'json':
        headers['content-type'] = 'application/json';
        body = Buffer.from(JSON.stringify(draw.body) ?? 'null');
        break;
      case 'text':
        headers['content-type'] = 'text/plain';
        body = Buffer.from(asText(draw.body).toWellFormed());
        break;
      case 'form':
        headers['content-type'] = 'application/x-www-form-urlencoded';
        body = Buffer.from(
          new URLSearchParams(
            Object.entries(typeof draw.body === 'object' && draw.body ? draw.body : { v: draw.body }).map(
              ([k, v]) => [k, asText(v).toWellFormed()],
            ),
          ).toString(),
        );
        break;
      case 'multipart': {
        const boundary = 'fuzzboundary7d1f';
        headers['content-type'] = `multipart/form-data; boundary=${boundary}`;
        const fields =
          typeof draw.body === 'object' && draw.body && !Array.isArray(draw.body) ? draw.body : {};
        body = multipart(fields as Record<string, unknown>, boundary);
        break;
      }
      case 'raw':
        headers['content-type'] = 'application/json';
        body = Buffer.from(draw.raw);
        break;
      case 'none':
        break;
    }
  }
  return { url: urlOf(draw), method: draw.operation.method, headers, ...(body ? { body } : {}) };
}

const shellQuote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/** A curl command that sends the same request (the key and cookie as shell variables). */
export function curlOf(built: Built, baseUrl: string, credentials: FuzzOptions['credentials']): string {
  const headers = Object.entries(built.headers).map(([k, v]) => {
    const value = v
      .replace(credentials.apiKey, '$BLOGSMITH_KEY')
      .replace(credentials.cookie, 'blogsmith_session=$BLOGSMITH_SESSION');
    return value.includes('$BLOGSMITH') ? `-H "${k}: ${value}"` : `-H ${shellQuote(`${k}: ${value}`)}`;
  });
  const parts = ['curl -sS -i', '-X', built.method, shellQuote(`${baseUrl}${built.url}`), ...headers];
  if (!built.body) return parts.join(' ');
  const text = built.body.toString('utf8');
  const printable = /^[\x20-\x7e]*$/.test(text) && Buffer.from(text).equals(built.body) && text.length < 2000;
  return printable
    ? `${parts.join(' ')} --data-binary ${shellQuote(text)}`
    : `printf %s ${built.body.toString('base64')} | base64 -d | ${parts.join(' ')} --data-binary @-`;
}

function collectIds(value: unknown, into: Set<string>, protectedIds: Set<string>, depth = 0) {
  if (depth > 5 || !value || typeof value !== 'object') return;
  for (const [k, v] of Object.entries(value)) {
    if (typeof v === 'string' && /id$/i.test(k) && /^[0-9a-f-]{36}$/i.test(v) && !protectedIds.has(v)) {
      if (into.size < 500) into.add(v);
    } else collectIds(v, into, protectedIds, depth + 1);
  }
}

export async function fuzzApi(options: FuzzOptions): Promise<FuzzReport> {
  const started = Date.now();
  const slowMs = options.slowMs ?? 5000;
  const operations = operationsOf(options.doc);
  const pool = new Set<string>(options.knownIds ?? []);
  const pools = { ids: [...pool] };
  const protectedIds = new Set(options.protectedIds ?? []);
  const arbitraries = new SchemaArbitraries(options.doc.components?.schemas ?? {}, pools);
  const wellFormed = new SchemaArbitraries(options.doc.components?.schemas ?? {}, pools, false);
  const report: FuzzReport = {
    seed: options.seed,
    operations: operations.length,
    operationsHit: 0,
    requests: 0,
    statuses: {},
    serverErrors: 0,
    slowest: { ms: 0, what: '' },
    failures: [],
    durationMs: 0,
  };
  const hit = new Set<Operation>();

  const drawOf = (operation: Operation): fc.Arbitrary<Draw> => {
    const values = (location: Parameter['in']) => {
      const params = operation.parameters.filter((p) => p.in === location);
      return fc.record(
        Object.fromEntries(
          params.map((p) => [
            p.name,
            location === 'path'
              ? fc.oneof(
                  { weight: 8, arbitrary: arbitraries.shaped(p.schema ?? {}) },
                  { weight: 2, arbitrary: fc.constantFrom(...hostileStrings) },
                )
              : arbitraries.value(p.schema ?? {}),
          ]),
        ),
        { requiredKeys: params.filter((p) => p.required || location === 'path').map((p) => p.name) },
      );
    };
    const encodings: Array<Draw['encoding']> = operation.bodyTypes.includes('multipart/form-data')
      ? ['json', 'multipart', 'multipart', 'text', 'none', 'raw']
      : ['json', 'json', 'json', 'json', 'text', 'form', 'none', 'raw'];
    return fc.record({
      operation: fc.constant(operation),
      auth: fc.constantFrom<Draw['auth']>('key', 'key', 'key', 'cookie', 'none', 'bogus'),
      path: values('path'),
      query: values('query'),
      headers: values('header'),
      // A quarter of the bodies are well-formed, so requests also get past validation to the services.
      body: operation.bodySchema
        ? fc.oneof(
            { weight: 3, arbitrary: arbitraries.value(operation.bodySchema) },
            { weight: 1, arbitrary: wellFormed.shaped(operation.bodySchema) },
          )
        : hostileValue,
      encoding: fc.constantFrom(...encodings),
      raw: fc.constantFrom(
        '{"a":',
        '[',
        '{"topic":"x"}{',
        '\u0000',
        '{"a":"\\u0000"}',
        '{"a":"\\ud800"}',
        '1e99999',
      ),
    });
  };
  const anyDraw = fc.oneof(...operations.map(drawOf));

  const send = async (built: Built, eventStream: boolean) => {
    const t0 = performance.now();
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), slowMs * 3);
    try {
      const res = await fetch(`${options.baseUrl}${built.url}`, {
        method: built.method,
        headers: built.headers,
        ...(built.body ? { body: new Uint8Array(built.body) } : {}),
        signal: controller.signal,
        redirect: 'manual',
      });
      let text = '';
      if (eventStream && res.headers.get('content-type')?.includes('text/event-stream')) {
        controller.abort(); // a live stream: its headers are the answer
      } else {
        text = await res.text();
      }
      return {
        status: res.status,
        text,
        ms: performance.now() - t0,
        type: res.headers.get('content-type') ?? '',
      };
    } catch (err) {
      const ms = performance.now() - t0;
      return { status: 0, text: String((err as Error).message), ms, type: '' };
    } finally {
      clearTimeout(timer);
    }
  };

  const fail = (reason: string, built: Built, result: { status: number; ms: number; text: string }) => {
    const failure = {
      reason,
      status: result.status,
      ms: Math.round(result.ms),
      curl: curlOf(built, options.baseUrl, options.credentials),
      body: result.text.slice(0, 300),
    };
    report.failures.push(failure);
    options.onFailure?.(failure);
  };

  const health = async () => {
    const built: Built = { url: '/health', method: 'GET', headers: {} };
    const result = await send(built, false);
    report.requests += 1;
    if (result.status !== 200 || result.ms > slowMs)
      fail('/health did not answer 200 in time', built, result);
  };

  await fc.assert(
    fc.asyncProperty(anyDraw, async (draw) => {
      const built = build(draw, options.credentials);
      const result = await send(built, draw.operation.eventStream);
      report.requests += 1;
      hit.add(draw.operation);
      report.statuses[result.status] = (report.statuses[result.status] ?? 0) + 1;
      const what = `${built.method} ${draw.operation.path}`;
      if (result.ms > report.slowest.ms) report.slowest = { ms: Math.round(result.ms), what };
      if (result.status >= 500 || result.status === 0) {
        report.serverErrors += 1;
        fail(result.status === 0 ? 'no answer' : `server error ${result.status}`, built, result);
      } else if (result.ms > slowMs) {
        fail(`slow: ${Math.round(result.ms)} ms`, built, result);
      } else if (result.status >= 400) {
        let shaped = false;
        try {
          shaped = typeof JSON.parse(result.text)?.error?.code === 'string';
        } catch {
          shaped = false;
        }
        if (!shaped) fail(`${result.status} without the error shape`, built, result);
      } else if (result.type.includes('json')) {
        try {
          collectIds(JSON.parse(result.text), pool, protectedIds);
          pools.ids = [...pool];
        } catch {
          // not JSON after all
        }
      }
      if (report.requests % 250 === 0) await health();
      return true;
    }),
    {
      seed: options.seed,
      numRuns: Number.MAX_SAFE_INTEGER,
      interruptAfterTimeLimit: options.budgetMs,
      markInterruptAsFailure: false,
      endOnFailure: true,
    },
  );
  await health();
  report.operationsHit = hit.size;
  report.durationMs = Date.now() - started;
  return report;
}
