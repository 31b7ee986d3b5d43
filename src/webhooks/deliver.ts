// One attempt to deliver a webhook: a signed POST through the SSRF guard (every connection's
// address checked and pinned, so DNS rebinding cannot reach a private address), no redirect
// followed, a deadline on the answer's status, and only the start of the answer read.
import { errorMessage } from '../errors.ts';
import { storableText } from '../input/storable-text.ts';
import { retryAfterMs } from '../llm/retry-after.ts';
import { BlockedUrlError, createGuardedFetch, type Resolver } from '../security/ssrf/index.ts';
import { deliveryHeaders } from './signature.ts';

/** The most of a receiver's answer kept on the delivery. */
export const responseExcerptBytes = 1024;
export const defaultAttemptTimeoutMs = 10_000;
/** How long the excerpt is read once the status has come: a body that never ends costs no more. */
export const excerptTimeoutMs = 2_000;

export interface AttemptTarget {
  url: string;
  secret: string;
  messageId: string;
  body: string;
}

export interface AttemptOptions {
  /** FETCH_ALLOW_HOSTS: private hosts a webhook may reach; empty by default. */
  allowHosts: readonly string[];
  timeoutMs?: number;
  signal?: AbortSignal;
  resolver?: Resolver;
}

export interface AttemptResult {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  responseExcerpt: string | null;
  /** The wait the receiver asked for with a 429 or 503. */
  retryAfterMs?: number;
  /** Trying again cannot help: the address is not allowed. */
  refused?: boolean;
  /** For the server's log only: the private address the receiver's name resolved to. */
  resolvedTo?: string;
  /** The receiver answered 410 Gone: the endpoint is to be disabled. */
  gone?: boolean;
}

/** The start of the answer: what arrived within `withinMs` (or before the body broke off). */
async function excerptOf(response: Response, withinMs: number): Promise<string | null> {
  if (!response.body) return null;
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), withinMs);
  });
  try {
    while (size < responseExcerptBytes) {
      const read = await Promise.race([reader.read(), late]);
      if (read === 'late' || read.done) break;
      chunks.push(read.value);
      size += read.value.length;
    }
  } catch {
    // The body broke off: the status has decided the outcome, what was read is kept.
  } finally {
    clearTimeout(timer);
    // The rest is not wanted: the connection is closed rather than drained.
    await reader.cancel().catch(() => {});
  }
  const text = Buffer.concat(chunks).subarray(0, responseExcerptBytes).toString('utf8');
  // A character cut at the byte limit decodes as U+FFFD; the excerpt ends before it. A binary or
  // UTF-16 answer holds NUL bytes, which PostgreSQL cannot store: the attempt could not be recorded.
  return storableText(text.replace(/\uFFFD$/, ''));
}

function failureOf(
  err: unknown,
  timedOut: boolean,
  timeoutMs: number,
): Pick<AttemptResult, 'error' | 'refused' | 'resolvedTo'> {
  if (timedOut) return { error: `no answer within ${timeoutMs / 1000} s` };
  if (err instanceof BlockedUrlError && err.reason === 'blocked_address')
    return {
      error: "the receiver's address is not public (refused)",
      refused: true,
      ...(err.resolvedTo && { resolvedTo: `${err.url} resolves to ${err.resolvedTo}` }),
    };
  if (err instanceof BlockedUrlError)
    return err.reason === 'redirect' || err.reason === 'unresolvable'
      ? {
          error:
            err.reason === 'redirect' ? 'the receiver answered with a redirect (not followed)' : err.message,
        }
      : { error: err.message, refused: true };
  const cause = err instanceof TypeError && err.cause instanceof Error ? err.cause : undefined;
  return { error: cause ? `connection failed: ${cause.message}` : errorMessage(err) };
}

export async function attemptDelivery(target: AttemptTarget, opts: AttemptOptions): Promise<AttemptResult> {
  const timeoutMs = opts.timeoutMs ?? defaultAttemptTimeoutMs;
  // The deadline is on the status: once it has come, the attempt's outcome is known.
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new DOMException('no answer', 'TimeoutError')), timeoutMs);
  const signal = opts.signal ? AbortSignal.any([deadline.signal, opts.signal]) : deadline.signal;
  const send = createGuardedFetch({
    allowHosts: opts.allowHosts,
    ...(opts.resolver ? { resolver: opts.resolver } : {}),
  });
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  try {
    const response = await send(target.url, {
      method: 'POST',
      headers: deliveryHeaders(target.secret, target.messageId, target.body),
      body: target.body,
      signal,
    });
    clearTimeout(timer);
    const responseExcerpt = await excerptOf(response, Math.min(excerptTimeoutMs, timeoutMs));
    const statusCode = response.status;
    const ok = statusCode >= 200 && statusCode < 300;
    const wait =
      statusCode === 429 || statusCode === 503
        ? retryAfterMs(Object.fromEntries(response.headers.entries()))
        : undefined;
    return {
      ok,
      statusCode,
      error: ok ? null : `the receiver answered ${statusCode}`,
      durationMs: elapsed(),
      responseExcerpt,
      ...(wait !== undefined && { retryAfterMs: wait }),
      ...(statusCode === 410 && { gone: true }),
    };
  } catch (err) {
    return {
      ok: false,
      statusCode: null,
      ...failureOf(err, deadline.signal.aborted, timeoutMs),
      durationMs: elapsed(),
      responseExcerpt: null,
    } as AttemptResult;
  } finally {
    clearTimeout(timer);
  }
}
