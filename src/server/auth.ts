// Resolves the caller (API key or session cookie) for guarded routes. Credentials are looked up
// only when a route asks for them, so health, metrics and docs never touch the database.
import cookie from '@fastify/cookie';
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import { effectiveScopes, verifyApiKey } from '../accounts/api-keys.ts';
import type { AuthContext } from '../accounts/context.ts';
import { localOwnerContext, localTokenMatches, localTokenPrefix } from '../accounts/local-token.ts';
import { atLeast, type Role, type Scope, scopesForRole } from '../accounts/roles.ts';
import { resolveSession } from '../accounts/sessions.ts';
import { isProduction } from '../config.ts';
import { AppError, forbidden } from '../errors.ts';

export const sessionCookie = 'blogsmith_session';

declare module 'fastify' {
  interface FastifyRequest {
    auth: AuthContext | null;
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
  },
  { name: 'blogsmith-auth' },
);

async function authenticate(request: FastifyRequest): Promise<AuthContext | null> {
  const { database } = request.server.runtime;
  const header = request.headers.authorization;
  if (header) {
    const [scheme, token] = header.split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !token) {
      throw new AppError('unauthenticated', 'Use "Authorization: Bearer <api key>"');
    }
    if (token.startsWith(localTokenPrefix)) {
      if (!localTokenMatches(request.server.runtime.localToken, token)) {
        throw new AppError('unauthenticated', 'Invalid local token (the server was restarted?)');
      }
      const owner = await localOwnerContext(database);
      if (!owner) {
        throw new AppError(
          'unauthenticated',
          'No user exists yet: create the owner first (open the web app, or run `blogsmith user create`)',
        );
      }
      return owner;
    }
    const key = await verifyApiKey(database, token);
    if (!key) throw new AppError('unauthenticated', 'Invalid, revoked or expired API key');
    const role = key.role as Role;
    return {
      userId: key.userId,
      workspaceId: key.workspaceId,
      role,
      via: 'api_key',
      apiKeyId: key.id,
      scopes: effectiveScopes(key.scopes, role),
    };
  }
  const token = request.cookies[sessionCookie];
  if (!token) return null;
  const session = await resolveSession(database, token);
  if (!session) return null;
  const role = session.role as Role;
  return {
    userId: session.userId,
    workspaceId: session.workspaceId,
    role,
    via: 'session',
    scopes: scopesForRole(role),
  };
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

/** The authenticated caller of a guarded route. */
export function authOf(request: FastifyRequest): AuthContext {
  if (!request.auth) throw new AppError('unauthenticated', 'Sign in or send an API key');
  return request.auth;
}

export function setSessionCookie(reply: FastifyReply, token: string, expiresAt: Date) {
  const production = isProduction(reply.server.runtime.config);
  reply.setCookie(sessionCookie, token, {
    httpOnly: true,
    secure: production,
    sameSite: 'lax',
    path: '/',
    expires: expiresAt,
  });
}

export function clearSessionCookie(reply: FastifyReply) {
  reply.clearCookie(sessionCookie, { path: '/' });
}

export const securedBy: Array<Record<string, string[]>> = [{ apiKey: [] }, { session: [] }];
