// Resolves the caller (API key or session cookie) for guarded routes. Credentials are looked up
// only when a route asks for them, so health, metrics and docs never touch the database.
import cookie from '@fastify/cookie';
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import { effectiveScopes } from '../accounts/api-keys.ts';
import type { AuthContext } from '../accounts/context.ts';
import { localOwnerContext, localTokenMatches, localTokenPrefix } from '../accounts/local-token.ts';
import { atLeast, type Role, type Scope, scopesForRole } from '../accounts/roles.ts';
import { createSession, resolveSession } from '../accounts/sessions.ts';
import { isProduction } from '../config.ts';
import { AppError, forbidden } from '../errors.ts';
import type { Runtime } from '../runtime.ts';

export const sessionCookie = 'blogsmith_session';

declare module 'fastify' {
  interface FastifyRequest {
    auth: AuthContext | null;
    /** What `auth` was resolved from; WebSockets and event streams re-check it while open. */
    credential: Credential | null;
  }
}

// Marks the hooks made by requireAuth, so the plugin can find them on any route.
const authGuard = Symbol('blogsmith.authGuard');
type Hook = (...args: never[]) => unknown;
const isGuard = (hook: unknown) => typeof hook === 'function' && authGuard in hook;

export const authPlugin = fp(
  async (app) => {
    await app.register(cookie);
    app.decorateRequest('auth', null);
    // Authenticate before the request is validated: a caller without credentials gets 401 (or 403),
    // never field-level errors about a body it may not send. Routes declare `preHandler:
    // requireAuth(...)`; every such guard is moved here to preValidation (after rate limiting and
    // body parsing, before schema validation), for all routes registered after this plugin.
    app.addHook('onRoute', (route) => {
      const preHandlers = [route.preHandler ?? []].flat() as Hook[];
      const guards = preHandlers.filter(isGuard);
      if (guards.length === 0) return;
      route.preHandler = preHandlers.filter((h) => !isGuard(h)) as typeof route.preHandler;
      route.preValidation = [
        ...guards,
        ...([route.preValidation ?? []].flat() as Hook[]),
      ] as typeof route.preValidation;
    });
    app.decorateRequest('credential', null);
  },
  { name: 'blogsmith-auth' },
);

/** What a request presents to prove who it is, kept so long-lived connections can re-check it. */
export type Credential =
  | { kind: 'local'; token: string }
  | { kind: 'api_key'; token: string }
  | { kind: 'session'; token: string };

function credentialOf(request: FastifyRequest): Credential | null {
  const header = request.headers.authorization;
  if (header) {
    const [scheme, token] = header.split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !token) {
      throw new AppError('unauthenticated', 'Use "Authorization: Bearer <api key>"');
    }
    return token.startsWith(localTokenPrefix) ? { kind: 'local', token } : { kind: 'api_key', token };
  }
  const token = request.cookies[sessionCookie];
  return token ? { kind: 'session', token } : null;
}

/**
 * The caller a credential stands for now, or null when it no longer stands for anyone (revoked,
 * expired, logged out, membership gone). `fresh` bypasses the verified-key cache.
 */
export async function resolveCredential(
  runtime: Runtime,
  credential: Credential,
  opts: { fresh?: boolean } = {},
): Promise<AuthContext | null> {
  const { database } = runtime;
  if (credential.kind === 'local') {
    if (!localTokenMatches(runtime.localToken, credential.token)) return null;
    return localOwnerContext(database);
  }
  if (credential.kind === 'api_key') {
    const key = await runtime.apiKeys.verify(credential.token, opts);
    if (!key) return null;
    const role = key.role as Role;
    return {
      userId: key.userId,
      workspaceId: key.workspaceId,
      role,
      via: 'api_key',
      apiKeyId: key.id,
      apiKeyExpiresAt: key.expiresAt,
      scopes: effectiveScopes(key.scopes, role),
    };
  }
  const session = await resolveSession(database, credential.token);
  if (!session) return null;
  const role = session.role as Role;
  return {
    userId: session.userId,
    workspaceId: session.workspaceId,
    role,
    via: 'session',
    sessionId: session.id,
    scopes: scopesForRole(role),
  };
}

async function authenticate(request: FastifyRequest): Promise<AuthContext | null> {
  const credential = credentialOf(request);
  if (!credential) return null;
  const runtime = request.server.runtime;
  const auth = await resolveCredential(runtime, credential);
  request.credential = credential;
  if (auth || credential.kind === 'session') return auth;
  if (credential.kind === 'api_key')
    throw new AppError('unauthenticated', 'Invalid, revoked or expired API key');
  if (!localTokenMatches(runtime.localToken, credential.token)) {
    throw new AppError('unauthenticated', 'Invalid local token (the server was restarted?)');
  }
  throw new AppError(
    'unauthenticated',
    'No user exists yet: create the owner first (open the web app, or run `blogsmith user create`)',
  );
}

export interface Guard {
  /** Lowest role allowed (default viewer). */
  role?: Role;
  /** Scope an API key must hold (session callers are checked by role only). */
  scope?: Scope;
}

/**
 * The guard of a route that needs a signed-in caller, optionally with a role and scope. Declared as
 * the route's preHandler; the auth plugin runs it before validation.
 */
export function requireAuth(guard: Guard = {}): preHandlerAsyncHookHandler {
  const hook = async (request: FastifyRequest) => {
    request.auth ??= await authenticate(request);
    const auth = request.auth;
    if (!auth) throw new AppError('unauthenticated', 'Sign in or send an API key');
    if (guard.role && !atLeast(auth.role, guard.role)) {
      throw forbidden(`This needs the ${guard.role} role or higher`);
    }
    // Sessions are governed by role alone; scopes narrow what an individual API key may do.
    if (guard.scope && auth.via === 'api_key' && !auth.scopes.includes(guard.scope)) {
      throw forbidden(`This API key lacks the ${guard.scope} scope`);
    }
  };
  return Object.assign(hook, { [authGuard]: true });
}

/** preHandler for a route open to everyone that acts differently for a signed-in caller. */
export function optionalAuth(): preHandlerAsyncHookHandler {
  return async (request: FastifyRequest) => {
    request.auth ??= await authenticate(request);
  };
}

/**
 * The caller of a route only a browser session may take (changing the password, leaving a
 * workspace): an API key or the command line's local token acts for the account but is not it.
 */
export function sessionCallerOf(request: FastifyRequest, what: string) {
  const auth = authOf(request);
  if (auth.via !== 'session' || !auth.sessionId) {
    throw new AppError(
      'forbidden',
      `Only a signed-in session can ${what}: an API key or the local token acts for the account but is not it`,
    );
  }
  return { ...auth, sessionId: auth.sessionId };
}

/** The authenticated caller of a guarded route. */
export function authOf(request: FastifyRequest): AuthContext {
  if (!request.auth) throw new AppError('unauthenticated', 'Sign in or send an API key');
  return request.auth;
}

export function setSessionCookie(reply: FastifyReply, token: string, expiresAt: Date) {
  const production = isProduction(reply.server.runtime.config);
  reply.setCookie(sessionCookie, token, {
    httpOnly: true,
    // Always in production; elsewhere whenever the request came over HTTPS (directly, or by a
    // proxy TRUST_PROXY trusts), so a staging server behind TLS does not send it in the clear.
    secure: production || reply.request.protocol === 'https',
    sameSite: 'lax',
    path: '/',
    expires: expiresAt,
  });
}

/**
 * Signs the caller in: a new session in `workspaceId`, its token in the cookie. With
 * `whilePasswordHash` (a password sign-in) only while the password is still the one checked: false,
 * and no session, when it was changed meanwhile.
 */
export async function startSession(
  request: FastifyRequest,
  reply: FastifyReply,
  userId: string,
  workspaceId: string,
  opts: { whilePasswordHash?: string } = {},
) {
  const { database, config, revocations } = request.server.runtime;
  const session = await createSession(
    database,
    revocations,
    {
      userId,
      workspaceId,
      ttlHours: config.SESSION_TTL_HOURS,
      ip: request.ip,
      userAgent: request.headers['user-agent'],
    },
    opts.whilePasswordHash,
  );
  if (!session) return false;
  setSessionCookie(reply, session.token, session.expiresAt);
  return true;
}

export function clearSessionCookie(reply: FastifyReply) {
  reply.clearCookie(sessionCookie, { path: '/' });
}

export const securedBy: Array<Record<string, string[]>> = [{ apiKey: [] }, { session: [] }];
