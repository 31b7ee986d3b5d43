// The one way the app talks to the server: same-origin fetch with the session cookie, JSON in and
// out, and the server's single error shape turned into an ApiError with per-field details. Paths,
// parameters, bodies and responses are typed by web/src/api/schema.d.ts, generated from the server's
// OpenAPI document (`npm run gen:api`).
import type { components, paths } from './api/schema.d.ts';
import { plainMessage } from './plain-errors.ts';

export interface ErrorDetail {
  path: string;
  message: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: ErrorDetail[];
  readonly requestId: string | undefined;
  constructor(
    status: number,
    code: string,
    message: string,
    details: ErrorDetail[] = [],
    requestId?: string,
  ) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
    this.requestId = requestId;
  }
}

/** Fired when any call answers 401, so the shell can send the user to the sign-in page. */
export const unauthenticatedEvent = 'blogsmith:unauthenticated';

/** Tells the shell a call answered 401 (the session ended): it asks to sign in again over the page. */
export const announceUnauthenticated = () => window.dispatchEvent(new Event(unauthenticatedEvent));

async function errorOf(res: Response): Promise<ApiError> {
  try {
    // The server's error shape (`ApiError` in the document); a proxy in front may answer another.
    const body = (await res.json()) as { error?: Partial<components['schemas']['ApiError']['error']> };
    const e = body.error ?? {};
    return new ApiError(
      res.status,
      e.code ?? 'error',
      e.message ?? res.statusText,
      Array.isArray(e.details) ? (e.details as ErrorDetail[]) : [],
      e.requestId,
    );
  } catch {
    return new ApiError(res.status, 'error', `${res.status} ${res.statusText}`);
  }
}

// ---- The typed client: paths, methods, parameters and bodies come from the generated schema ----

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type PathWith<M extends Method> = {
  [P in keyof paths]: paths[P] extends Record<Lowercase<M>, unknown> ? P : never;
}[keyof paths];
type Operation<P extends keyof paths, M extends Method> = paths[P][Lowercase<M> & keyof paths[P]];

/** The JSON body of an operation's success (undefined for 204). */
type Success<O> = O extends { responses: infer R }
  ? {
      [S in keyof R]: S extends 200 | 201 | 202
        ? R[S] extends { content: { 'application/json': infer B } }
          ? B
          : string
        : S extends 204
          ? undefined
          : never;
    }[keyof R]
  : never;
type PathParams<O> = O extends { parameters: { path: infer P } } ? P : never;
type QueryParams<O> = O extends { parameters: { query?: infer Q } } ? Q : never;
type JsonBody<O> = O extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;

export interface CallOptions<O> {
  params?: PathParams<O>;
  query?: QueryParams<O>;
  body?: JsonBody<O>;
  headers?: Record<string, string>;
}

/** A response body of the API, e.g. `Json<'/api/v1/articles/{id}', 'GET'>`. */
export type Json<P extends keyof paths, M extends Method> = Success<Operation<P, M>>;

function urlOf(path: string, params?: object, query?: object): string {
  const filled = path.replace(/\{(\w+)\}/g, (_, name: string) =>
    encodeURIComponent(String((params as Record<string, unknown> | undefined)?.[name] ?? '')),
  );
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {}))
    if (v !== undefined && v !== null) search.set(k, String(v));
  const qs = search.toString();
  return qs ? `${filled}?${qs}` : filled;
}

/**
 * A same-origin request with the app's answers to failure: an ApiError for a server that cannot be
 * reached or a refusal (its message and details), and a 401 outside sign-in announced (the
 * "session has ended" dialog). Every call goes through here: the API's and a file download's.
 */
export async function send(url: string, init: RequestInit = {}): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, { credentials: 'same-origin', ...init });
  } catch {
    throw new ApiError(
      0,
      'network_error',
      'The server could not be reached. Check your connection and try again.',
    );
  }
  if (!res.ok) {
    const error = await errorOf(res);
    if (res.status === 401 && !url.startsWith('/api/v1/auth/')) announceUnauthenticated();
    throw error;
  }
  return res;
}

export async function api<M extends Method, P extends PathWith<M>>(
  method: M,
  path: P,
  options: CallOptions<Operation<P, M>> = {},
): Promise<Json<P, M>> {
  const { body, headers = {} } = options;
  const res = await send(urlOf(path, options.params as object, options.query as object), {
    method,
    headers: {
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 204) return undefined as Json<P, M>;
  const type = res.headers.get('content-type') ?? '';
  return (type.includes('json') ? await res.json() : await res.text()) as Json<P, M>;
}

/** Field path → first message in plain words, for showing API validation errors next to their inputs. */
export function fieldErrors(error: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (error instanceof ApiError)
    for (const d of error.details) out[d.path] ??= plainMessage(d.message, d.path);
  return out;
}

// Codes whose server message is about the server, not the request: said the same way everywhere.
const codeMessages: Partial<Record<string, string>> = {
  service_unavailable: 'The server is busy or restarting. Try again in a moment.',
  rate_limited: 'Too many requests in a short time. Wait a moment and try again.',
  internal_error: 'Something went wrong on the server. Try again; if it keeps happening, tell an admin.',
};

export function messageOf(error: unknown): string {
  if (error instanceof ApiError) return codeMessages[error.code] ?? plainMessage(error.message);
  return error instanceof Error ? error.message : typeof error === 'string' ? error : 'Something went wrong';
}

// ---- Names for the API's shapes the pages use (all derived from the generated schema) ----

export { editorialStatuses, llmRoles, providerNames, roles, scopes, webhookEvents } from './api/values.ts';

type Item<L> = L extends { items: Array<infer T> } ? T : never;
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export type Me = Json<'/api/v1/me', 'GET'>;
export type Role = Me['workspace']['role'];
export type Article = Json<'/api/v1/articles/{id}', 'GET'>;
export type ArticleSummary = Item<Json<'/api/v1/articles', 'GET'>>;
export type ArticleStatus = Article['status'];
export type EditorialStatus = Article['editorialStatus'];
export type Source = Article['sources'][number];
export type Citation = Article['citations'][number];
export type Step = Article['steps'][number];
export type StepDetail = Json<'/api/v1/articles/{id}/steps/{step}', 'GET'>;
export type StepStatus = Step['status'];
export type VersionSummary = Item<Json<'/api/v1/articles/{id}/versions', 'GET'>>;
export type Version = Json<'/api/v1/articles/{id}/versions/{versionId}', 'GET'>;
export type DocumentInfo = Json<'/api/v1/documents/{id}', 'GET'>;
export type Passage = Item<Json<'/api/v1/knowledge/search', 'POST'>>;
export type LlmSettings = Json<'/api/v1/llm/settings', 'GET'>;
export type LlmSettingsUpdate = JsonBody<Operation<'/api/v1/llm/settings', 'PUT'>>;
export type LlmProviders = Json<'/api/v1/llm/providers', 'GET'>;
export type ProviderName = LlmProviders['providers'][number]['name'];
export type LlmRole = keyof LlmProviders['roles'];
export type ModelCheck = Item<Json<'/api/v1/llm/check', 'POST'>>;
export type ApiKey = Item<Json<'/api/v1/api-keys', 'GET'>>;
export type OwnSession = Item<Json<'/api/v1/auth/sessions', 'GET'>>;
export type Webhook = Item<Json<'/api/v1/webhooks', 'GET'>>;
export type WebhookDelivery = Item<Json<'/api/v1/webhooks/{id}/deliveries', 'GET'>>;
export type Destination = Item<Json<'/api/v1/publishing/destinations', 'GET'>>;
export type DestinationKind = Destination['kind'];
export type DestinationCheck = Json<'/api/v1/publishing/destinations/{id}/test', 'POST'>;
export type Publication = Item<Json<'/api/v1/articles/{id}/publications', 'GET'>>;
export type Scope = NonNullable<JsonBody<Operation<'/api/v1/api-keys', 'POST'>>['scopes']>[number];
export type Member = Item<Json<'/api/v1/members', 'GET'>>;
export type BrandVoice = Item<Json<'/api/v1/brand-voices', 'GET'>>;
export type UsageRow = Item<Json<'/api/v1/usage', 'GET'>>;
export type UsageSummary = Json<'/api/v1/usage/summary', 'GET'>;

export const usd = (n: number) => (n === 0 ? '$0.00' : n < 0.01 ? `$${n.toFixed(4)}` : `$${n.toFixed(2)}`);

export const when = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : '—');
