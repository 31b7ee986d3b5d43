// One request to a CMS a workspace named: through the SSRF guard (every connection's address checked
// and pinned, redirects refused, the answer's size bounded), within a deadline that covers the name's
// lookup too, its JSON read. What went wrong becomes a CmsError that says whether trying again can
// help: the network and the CMS's 5xx and 429 may pass, its other 4xx will not.
import { timedAbortScope } from '../../abort-scope.ts';
import { errorMessage } from '../../errors.ts';
import { storableText, textHead } from '../../input/storable-text.ts';
import { maxWorkspaceResponseBytes } from '../../security/ssrf/guarded-fetch.ts';
import {
  BlockedUrlError,
  createGuardedFetch,
  FetchLimitError,
  type Resolver,
} from '../../security/ssrf/index.ts';

export class CmsError extends Error {
  /** The CMS's HTTP status; null when it gave none (the network, the address policy). */
  readonly status: number | null;
  /** Whether the same request may succeed later (network, timeout, 5xx, 429). */
  readonly retryable: boolean;
  constructor(message: string, status: number | null, retryable: boolean) {
    super(message);
    this.name = 'CmsError';
    this.status = status;
    this.retryable = retryable;
  }
}

export interface CmsConnection {
  /** FETCH_ALLOW_HOSTS: private hosts a destination may be on. */
  allowHosts: readonly string[];
  /** Each request's deadline, its name's lookup included. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Tests resolve names without DNS. */
  resolver?: Resolver;
}

export interface CmsAnswer {
  status: number;
  /** The parsed JSON body; undefined when the body was not JSON. */
  json: unknown;
  /** The start of the body when it was not JSON (an HTML error page), for the message. */
  text: string;
}

/** The most of a non-JSON answer quoted in a message. */
const quotedChars = 200;

/**
 * A CMS's error text made fit for a stored message: no control characters, bounded. It is the CMS's
 * text, shown to the workspace's members as such, never read as an instruction by anything.
 */
export const cmsText = (value: string, max = 500) => {
  const flat = storableText(value).replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${textHead(flat, max - 1)}…` : flat;
};

function failureOf(err: unknown, timedOut: boolean, timeoutMs: number, site: string): CmsError {
  if (timedOut) return new CmsError(`${site} did not answer within ${timeoutMs / 1000} s`, null, true);
  if (err instanceof BlockedUrlError) {
    // A name that does not resolve may resolve later; everything else the policy refuses stays refused.
    const retryable = err.reason === 'unresolvable';
    const message =
      err.reason === 'blocked_address'
        ? `${site} is not at a public address (refused; an operator can allow it with FETCH_ALLOW_HOSTS)`
        : err.message.replace(/^URL blocked: /, '');
    return new CmsError(message, null, retryable);
  }
  if (err instanceof FetchLimitError)
    return new CmsError(
      `${site} answered with more than the ${maxWorkspaceResponseBytes / 1024 / 1024} MB the server reads`,
      null,
      false,
    );
  const cause = err instanceof TypeError && err.cause instanceof Error ? err.cause : undefined;
  return new CmsError(
    cause ? `could not connect to ${site}: ${cause.message}` : `${site}: ${errorMessage(err)}`,
    null,
    true,
  );
}

/** Resolves when `signal` aborts: a lookup that ignores the signal cannot hold the request past it. */
const abortOf = (signal: AbortSignal) =>
  new Promise<never>((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });

export async function cmsRequest(
  connection: CmsConnection,
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: unknown },
  site: string,
): Promise<CmsAnswer> {
  const scope = timedAbortScope(connection.timeoutMs, connection.signal);
  const send = createGuardedFetch({
    allowHosts: connection.allowHosts,
    ...(connection.resolver ? { resolver: connection.resolver } : {}),
  });
  try {
    const response = await Promise.race([
      send(url, {
        method: init.method ?? 'GET',
        headers: {
          accept: 'application/json',
          'user-agent': 'Blogsmith-Publishing/1',
          ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...init.headers,
        },
        ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
        signal: scope.signal,
      }),
      abortOf(scope.signal),
    ]);
    const text = await Promise.race([response.text(), abortOf(scope.signal)]);
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.status, json, text: json === undefined ? cmsText(text, quotedChars) : '' };
  } catch (err) {
    if (connection.signal?.aborted) throw err;
    throw failureOf(err, scope.timedOut, connection.timeoutMs, site);
  } finally {
    scope.dispose();
  }
}

/** The error of a CMS's non-2xx answer: retryable for 5xx, 429 and 408, final for the other 4xx. */
export function answerError(answer: CmsAnswer, cms: string, detail: string | undefined): CmsError {
  const retryable = answer.status >= 500 || answer.status === 429 || answer.status === 408;
  const said = detail ?? (answer.text ? `(not JSON) ${answer.text}` : '(no message)');
  return new CmsError(`${cms} answered ${answer.status}: ${said}`, answer.status, retryable);
}

/**
 * A post's address as the CMS gave it, kept only when it is an http(s) URL: the web app makes it a
 * link, and a `javascript:` one from a hostile or broken site would run in the member's browser.
 */
export function postLink(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > 2000) return null;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

/** The most of a CMS's own word for a post's status kept (`publish`, `scheduled`…: a few letters). */
const maxStatusChars = 40;

/** The CMS's status of a post made storable and short: a hostile site cannot store NUL or megabytes. */
export const cmsStatus = (value: unknown) =>
  typeof value === 'string' ? cmsText(value, maxStatusChars) : '';

/** A 2xx answer whose body is not what the API sends: the address is probably not the CMS's. */
export const notTheApi = (cms: string, what: string) =>
  new CmsError(`the answer is not ${cms}'s (${what}): is the site URL right?`, null, false);
