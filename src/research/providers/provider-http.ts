// JSON calls to a search provider's own API host (fixed, not user-chosen, so not via the SSRF guard).
import { type TimedAbortScope, timedAbortScope } from '../../abort-scope.ts';
import { AppError } from '../../errors.ts';

export const defaultProviderTimeoutMs = 20_000;

export type ProviderRequest = {
  provider: string;
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: unknown;
  timeoutMs?: number;
  signal?: AbortSignal;
};

export async function providerJson(req: ProviderRequest): Promise<unknown> {
  const timeoutMs = req.timeoutMs ?? defaultProviderTimeoutMs;
  const scope = timedAbortScope(timeoutMs, req.signal);
  try {
    return await callProvider(req, scope, timeoutMs);
  } finally {
    scope.dispose();
  }
}

async function callProvider(
  req: ProviderRequest,
  scope: TimedAbortScope,
  timeoutMs: number,
): Promise<unknown> {
  const { signal } = scope;
  let status: number;
  let text: string;
  // The body is read within the time too: a server that stalls after its headers timed out as a
  // bare DOMException.
  try {
    const response = await fetch(req.url, {
      method: req.method ?? 'GET',
      headers: {
        accept: 'application/json',
        ...(req.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...req.headers,
      },
      ...(req.body === undefined ? {} : { body: JSON.stringify(req.body) }),
      signal,
    });
    status = response.status;
    text = await response.text();
  } catch (error) {
    if (scope.timedOut)
      throw new AppError('unavailable', `${req.provider} search timed out after ${timeoutMs} ms`);
    throw new AppError('unavailable', `${req.provider} search failed: ${(error as Error).message}`);
  }
  return parseProviderResponse(req.provider, status, text);
}

const keyHint = ' (check the API key)';

/**
 * The provider's JSON, or its failure as an AppError. `hints`: what an error status means for this
 * provider, when not a wrong key (401, 403).
 */
export function parseProviderResponse(
  provider: string,
  status: number,
  text: string,
  hints: Partial<Record<number, string>> = {},
): unknown {
  if (status < 200 || status >= 300) {
    const hint = hints[status] ?? (status === 401 || status === 403 ? keyHint : '');
    throw new AppError('unavailable', `${provider} search failed: HTTP ${status}${hint}`, {
      provider,
      status,
      body: text.slice(0, 300),
    });
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError('unavailable', `${provider} search returned invalid JSON`, { provider });
  }
}

type Loose = Record<string, unknown>;
/** Reads an array of objects at `key`, tolerating a provider that omits it. */
export const listAt = (value: unknown, ...path: string[]): Loose[] => {
  let cur: unknown = value;
  for (const key of path) cur = cur && typeof cur === 'object' ? (cur as Loose)[key] : undefined;
  return Array.isArray(cur) ? cur.filter((x): x is Loose => !!x && typeof x === 'object') : [];
};
export const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);
export const num = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined;
export const isoDate = (v: unknown): string | undefined => {
  const s = str(v);
  if (!s) return undefined;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
};
