// JSON calls to a search provider's own API host (fixed, not user-chosen, so not via the SSRF guard).
import { timedAbortScope } from '../../abort-scope.ts';
import { AppError } from '../../errors.ts';
import { retryAfterMs } from '../../llm/retry-after.ts';
import { sleep } from '../../sleep.ts';

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

/** One answer of a provider: its status, its body, and how long it asked to be left alone. */
export type ProviderAnswer = { status: number; text: string; retryAfterMs: number | undefined };

/**
 * A rate limit (429) or an overloaded server (503) is asked again, at most twice, after the wait its
 * Retry-After names (else 1 s, then 2 s); one that names more than 10 s is not waited for. A 429
 * failed its search at once, though a plan may allow one query a second (Brave's free plan) and a
 * research asks four at a time. A search that still fails is left to the research (the others go
 * on) and to a retried gather step.
 */
export const providerRetries = { times: 2, firstWaitMs: 1_000, maxWaitMs: 10_000 };
const askAgainStatuses = new Set([429, 503]);

export async function withRetries(
  ask: () => Promise<ProviderAnswer>,
  signal?: AbortSignal,
): Promise<ProviderAnswer> {
  for (let retry = 1; ; retry++) {
    const answer = await ask();
    if (!askAgainStatuses.has(answer.status) || retry > providerRetries.times) return answer;
    const waitMs = answer.retryAfterMs ?? providerRetries.firstWaitMs * retry;
    if (waitMs > providerRetries.maxWaitMs) return answer;
    await sleep(waitMs, signal);
    if (signal?.aborted) return answer;
  }
}

export async function providerJson(req: ProviderRequest): Promise<unknown> {
  const answer = await withRetries(() => providerAnswer(req), req.signal);
  return parseProviderResponse(req.provider, answer.status, answer.text);
}

/** One request, in its own time: a retry is not cut short by the wait before it. */
async function providerAnswer(req: ProviderRequest): Promise<ProviderAnswer> {
  const timeoutMs = req.timeoutMs ?? defaultProviderTimeoutMs;
  const scope = timedAbortScope(timeoutMs, req.signal);
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
      signal: scope.signal,
    });
    const text = await response.text();
    return {
      status: response.status,
      text,
      retryAfterMs: retryAfterMs(Object.fromEntries(response.headers)),
    };
  } catch (error) {
    if (scope.timedOut)
      throw new AppError('unavailable', `${req.provider} search timed out after ${timeoutMs} ms`);
    throw new AppError('unavailable', `${req.provider} search failed: ${(error as Error).message}`);
  } finally {
    scope.dispose();
  }
}

const keyHint = ' (check the API key)';
const rateHint = " (rate limited: more searches than the provider's plan allows)";

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
    const hint =
      hints[status] ?? (status === 401 || status === 403 ? keyHint : status === 429 ? rateHint : '');
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
