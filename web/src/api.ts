// The one way the app talks to the server: same-origin fetch with the session cookie, JSON in and
// out, and the server's single error shape turned into an ApiError with per-field details.

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

async function errorOf(res: Response): Promise<ApiError> {
  try {
    const body = (await res.json()) as {
      error?: { code?: string; message?: string; details?: ErrorDetail[]; requestId?: string };
    };
    const e = body.error ?? {};
    return new ApiError(
      res.status,
      e.code ?? 'error',
      e.message ?? res.statusText,
      e.details ?? [],
      e.requestId,
    );
  } catch {
    return new ApiError(res.status, 'error', `${res.status} ${res.statusText}`);
  }
}

export async function api<T>(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: {
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(
      0,
      'network_error',
      'The server could not be reached. Check your connection and try again.',
    );
  }
  if (!res.ok) {
    const error = await errorOf(res);
    if (res.status === 401 && !path.startsWith('/api/v1/auth/'))
      window.dispatchEvent(new Event(unauthenticatedEvent));
    throw error;
  }
  if (res.status === 204) return undefined as T;
  const type = res.headers.get('content-type') ?? '';
  return (type.includes('json') ? await res.json() : await res.text()) as T;
}

/** Field path → first message, for showing API validation errors next to their inputs. */
export function fieldErrors(error: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (error instanceof ApiError) for (const d of error.details) out[d.path] ??= d.message;
  return out;
}

export const messageOf = (error: unknown) =>
  error instanceof Error ? error.message : typeof error === 'string' ? error : 'Something went wrong';

// ---- Types of the API (what the app reads) ----

export type Role = 'viewer' | 'editor' | 'admin' | 'owner';

export interface Me {
  user: { id: string; email: string; name: string | null };
  workspace: { id: string; role: Role };
  via: 'session' | 'api_key';
  scopes: string[];
  workspaces: Array<{ id: string; name: string; role: Role }>;
}

export type ArticleStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';

export interface ArticleSummary {
  id: string;
  title: string;
  topic: string;
  status: ArticleStatus;
  slug: string;
  wordCount: number;
  favorite: boolean;
  grounded: boolean;
  costUsd: number;
  createdAt: string;
  updatedAt: string;
}

export interface Source {
  n: number;
  title: string;
  url?: string;
  documentId?: string;
  page?: number;
  headingPath?: string[];
  excerpt: string;
  fetchedAt?: string;
}

export interface Citation {
  sentence: string;
  sources: number[];
  supported: boolean;
  score: number;
}

export interface Claim {
  claim: string;
  verdict: 'supported' | 'unsupported' | 'contradicted';
  sources: number[];
  note?: string;
}

export interface SeoIssue {
  code: string;
  message: string;
  fix: string;
  severity?: string;
}

export interface Seo {
  score: number;
  metaTitle: string;
  metaDescription: string;
  keywords: string[];
  readability: Record<string, number>;
  issues: SeoIssue[];
}

export type StepStatus = 'pending' | 'running' | 'completed' | 'failed' | 'skipped';

export interface Step {
  name: string;
  status: StepStatus;
  startedAt: string | null;
  finishedAt: string | null;
  costUsd: number;
  usageEstimated?: boolean;
  /** Structured-output rungs the step's model calls used (json_schema, json_object, tool, text). */
  outputRungs?: string[];
}

export interface Article {
  id: string;
  brief: Record<string, unknown> & { topic: string };
  status: ArticleStatus;
  error: string | null;
  title: string;
  slug: string;
  markdown: string;
  html: string;
  grounded: boolean;
  favorite: boolean;
  wordCount: number;
  sections: Array<{ index: number; heading: string }>;
  sources: Source[];
  citations: Citation[];
  factCheck: { claims: Claim[] } | null;
  seo: Seo | null;
  /** `estimated`: the model's server reported no usage; a tokenizer counted. */
  usage: { inputTokens: number; outputTokens: number; costUsd: number; estimated: boolean };
  steps: Step[];
  createdAt: string;
  updatedAt: string;
}

export interface VersionSummary {
  id: string;
  reason: 'edit' | 'regenerate' | 'restore';
  title: string;
  createdAt: string;
}

export interface Version extends VersionSummary {
  markdown: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface DocumentInfo {
  id: string;
  title: string;
  type: string;
  filename: string | null;
  byteSize: number;
  pageCount: number | null;
  status: 'queued' | 'processing' | 'ready' | 'failed';
  progress: number;
  error: string | null;
  note?: string | null;
  chunkCount?: number;
  createdAt: string;
}

export interface Passage {
  chunkId?: string;
  documentId: string;
  documentTitle: string;
  text: string;
  headingPath?: string[];
  pageStart?: number | null;
  score?: number;
}

export const providerNames = ['openai', 'anthropic', 'google', 'groq', 'ollama', 'compatible'] as const;
export type ProviderName = (typeof providerNames)[number];
export const llmRoles = ['planner', 'writer', 'checker', 'embedder'] as const;
export type LlmRole = (typeof llmRoles)[number];

export interface LlmSettings {
  credentials: Partial<Record<ProviderName, { apiKeySet: boolean; baseUrl: string | null }>>;
  roleModels: Partial<Record<LlmRole, string>>;
  monthlyBudgetUsd: number | null;
}

export interface LlmProviders {
  providers: Array<{
    name: ProviderName;
    configured: boolean;
    source: 'environment' | 'workspace' | null;
    baseUrl: string | null;
  }>;
  roles: Record<LlmRole, string[]>;
}

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
  createdAt: string;
}

export interface Member {
  userId: string;
  email: string;
  name: string | null;
  role: Role;
  joinedAt: string;
}

export interface UsageRow {
  key: string;
  calls: number;
  cacheHits: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  unknownCostCalls: number;
  /** Calls whose tokens were counted with a tokenizer (no usage from the server). */
  estimatedCalls?: number;
}

export interface UsageSummary {
  monthStart: string;
  spentUsd: number;
  budgetUsd: number | null;
  usedFraction: number | null;
}

export const usd = (n: number) => (n === 0 ? '$0.00' : n < 0.01 ? `$${n.toFixed(4)}` : `$${n.toFixed(2)}`);

export const when = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : '—');
