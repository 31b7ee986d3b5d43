// Error reporting to Sentry, only when SENTRY_DSN is set. Only server faults (5xx) and jobs that
// failed on a bug are sent: client mistakes and providers' failures are not incidents. The SDK (several hundred modules, about a second of CPU to
// load) is imported only when a DSN is configured.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../config.ts';
import { queryValuesOf, withoutQueryValues } from './query-values.ts';

let Sentry: typeof import('@sentry/node') | undefined;

export async function initSentry(config: Pick<Config, 'SENTRY_DSN' | 'ENVIRONMENT'>): Promise<boolean> {
  if (!config.SENTRY_DSN) return false;
  Sentry ??= await import('@sentry/node');
  Sentry.init({
    dsn: config.SENTRY_DSN,
    environment: config.ENVIRONMENT,
    tracesSampleRate: 0,
    // Its automatic Fastify hook reports every thrown error, 4xx included; the plugin below
    // reports only what ended as a 5xx.
    integrations: (defaults) => defaults.filter((integration) => integration.name !== 'Fastify'),
    // What a request carries is the member's, not an incident's: bodies (a sign-in's password, a
    // provider key being saved), the client's address, query strings, cookies and headers stay here.
    dataCollection: {
      httpBodies: [],
      userInfo: false,
      urlQueryParams: false,
      cookies: false,
      httpHeaders: false,
      genAI: { inputs: false, outputs: false },
    },
    // A failed query's message lists its parameter values (user data): report the statement only.
    beforeSend(event, hint) {
      const values = queryValuesOf(hint.originalException);
      for (const exception of event.exception?.values ?? []) {
        if (exception.value) exception.value = withoutQueryValues(exception.value, values) as string;
      }
      // Whatever an integration still attached: the request is named by its route, never its URL
      // (an invitation's token is in its path).
      if (event.request) event.request = { method: event.request.method };
      delete event.user;
      if (event.transaction && hint.originalException !== undefined)
        event.transaction = routeOf.get(hint.originalException as object) ?? event.transaction;
      return event;
    },
  });
  return true;
}

/** Flushes pending events on shutdown. */
export async function closeSentry(timeoutMs = 2000): Promise<void> {
  if (Sentry?.isInitialized()) await Sentry.close(timeoutMs);
}

/** Reports an error that no request owns (an unhandled rejection), when Sentry is on. */
export function captureUnowned(error: unknown): void {
  if (Sentry?.isInitialized()) Sentry.captureException(error);
}

/**
 * Whether an error, or one it was caused by, is what a bug throws: a failed background job is
 * reported when it is (a provider's 429, a refused brief or a database away are the job's outcome,
 * seen in its status and logs, not incidents). A fetch that could not connect is a TypeError too.
 */
export function isProgrammingError(error: unknown, depth = 0): boolean {
  if (!(error instanceof Error) || depth > 5) return false;
  const bug =
    error instanceof ReferenceError ||
    error instanceof RangeError ||
    (error instanceof TypeError && error.message !== 'fetch failed');
  return bug || isProgrammingError(error.cause, depth + 1);
}

/** Reports a background job that failed on a bug, when Sentry is on, tagged with its queue. */
export function captureJobFailure(error: unknown, tags: Record<string, string>): void {
  const sentry = Sentry;
  if (!sentry?.isInitialized() || !isProgrammingError(error)) return;
  sentry.withScope((scope) => {
    for (const [name, value] of Object.entries(tags)) scope.setTag(name, value);
    scope.setTransactionName(`job ${tags.queue ?? ''}`.trim());
    sentry.captureException(error);
  });
}

// The error seen by the handler, kept until the response status is known.
const errors = new WeakMap<FastifyRequest, Error>();
// The route an error was reported under ("POST /api/v1/invitations/:token/accept"), for its event's name.
const routeOf = new WeakMap<object, string>();

async function sentryCapture(app: FastifyInstance) {
  const sentry = Sentry;
  if (!sentry?.isInitialized()) return;
  app.addHook('onError', async (request, _reply, error) => {
    errors.set(request, error);
  });
  app.addHook('onResponse', async (request, reply) => {
    const error = errors.get(request);
    if (!error || reply.statusCode < 500) return;
    const route = `${request.method} ${request.routeOptions.url ?? 'unmatched'}`;
    routeOf.set(error, route);
    sentry.withScope((scope) => {
      scope.setTag('request_id', String(request.id));
      scope.setTag('route', request.routeOptions.url ?? 'unmatched');
      scope.setExtra('method', request.method);
      scope.setTransactionName(route);
      sentry.captureException(error);
    });
  });
}

export const sentryPlugin = fp(sentryCapture, { name: 'blogsmith-sentry' });
