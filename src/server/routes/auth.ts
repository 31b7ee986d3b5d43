import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { audit } from '../../accounts/audit.ts';
import { membershipOf, primaryWorkspaceOf, workspacesOf } from '../../accounts/members.ts';
import { createSession, deleteSession, switchSessionWorkspace } from '../../accounts/sessions.ts';
import { createUser, findUserById, verifyCredentials } from '../../accounts/users.ts';
import { AppError, notFound } from '../../errors.ts';
import {
  authOf,
  clearSessionCookie,
  requireAuth,
  securedBy,
  sessionCookie,
  setSessionCookie,
} from '../auth.ts';
import { credentialsBody, roleSchema, userView, workspaceView } from './account-schemas.ts';

export const authRoutes: FastifyPluginAsyncZod = async (app) => {
  const { database, config } = app.runtime;

  const startSession = async (
    request: { ip: string; headers: { 'user-agent'?: string } },
    reply: Parameters<typeof setSessionCookie>[0],
    userId: string,
    workspaceId: string,
  ) => {
    const session = await createSession(database, {
      userId,
      workspaceId,
      ttlHours: config.SESSION_TTL_HOURS,
      ip: request.ip,
      userAgent: request.headers['user-agent'],
    });
    setSessionCookie(reply, session.token, session.expiresAt);
  };

  app.post(
    '/auth/signup',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Self-service sign-up (when SIGNUP_ENABLED=true)',
        body: credentialsBody.extend({ workspaceName: z.string().trim().min(1).max(100).optional() }),
        response: { 201: userView },
      },
    },
    async (request, reply) => {
      if (!config.SIGNUP_ENABLED) throw new AppError('forbidden', 'Sign-up is disabled on this server');
      const { user, workspace } = await createUser(database, request.body);
      await startSession(request, reply, user.id, workspace.id);
      await audit(database, {
        workspaceId: workspace.id,
        actorUserId: user.id,
        action: 'auth.signup',
        ip: request.ip,
        requestId: request.id,
      });
      return reply
        .status(201)
        .send({ id: user.id, email: user.email, workspace: { ...workspace, role: 'owner' } });
    },
  );

  app.post(
    '/auth/login',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Sign in with email and password; sets the session cookie',
        body: z.object({ email: z.email().max(254), password: z.string().min(1).max(256) }),
        response: { 200: userView },
      },
    },
    async (request, reply) => {
      const user = await verifyCredentials(database, request.body.email, request.body.password);
      const workspace = user ? await primaryWorkspaceOf(database, user.id) : null;
      if (!user || !workspace) {
        await audit(database, {
          action: 'auth.login_failed',
          target: request.body.email.toLowerCase(),
          ip: request.ip,
          requestId: request.id,
        });
        throw new AppError('unauthenticated', 'Invalid email or password');
      }
      await startSession(request, reply, user.id, workspace.id);
      await audit(database, {
        workspaceId: workspace.id,
        actorUserId: user.id,
        action: 'auth.login',
        ip: request.ip,
        requestId: request.id,
      });
      return { id: user.id, email: user.email, workspace };
    },
  );

  app.post(
    '/auth/logout',
    {
      schema: { tags: ['accounts'], summary: 'End the session', response: { 204: z.null() } },
    },
    async (request, reply) => {
      const token = request.cookies[sessionCookie];
      if (token) await deleteSession(database, token);
      clearSessionCookie(reply);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/me',
    {
      preHandler: requireAuth(),
      schema: {
        tags: ['accounts'],
        summary: 'The caller, their current workspace and role, and all their workspaces',
        security: securedBy,
        response: {
          200: z.object({
            user: z.object({ id: z.uuid(), email: z.string(), name: z.string().nullable() }),
            workspace: z.object({ id: z.uuid(), role: roleSchema }),
            via: z.enum(['session', 'api_key']),
            scopes: z.array(z.string()),
            workspaces: z.array(workspaceView),
          }),
        },
      },
    },
    async (request) => {
      const auth = authOf(request);
      const user = await findUserById(database, auth.userId);
      if (!user) throw notFound('User');
      return {
        user: { id: user.id, email: user.email, name: user.name },
        workspace: { id: auth.workspaceId, role: auth.role },
        via: auth.via,
        scopes: auth.scopes,
        // An API key is bound to one workspace; only a session can see and switch to the others.
        workspaces:
          auth.via === 'session'
            ? await workspacesOf(database, auth.userId)
            : (await workspacesOf(database, auth.userId)).filter((w) => w.id === auth.workspaceId),
      };
    },
  );

  app.post(
    '/auth/workspace',
    {
      preHandler: requireAuth(),
      schema: {
        tags: ['accounts'],
        summary: "Switch the session's current workspace",
        security: securedBy,
        body: z.object({ workspaceId: z.uuid() }),
        response: { 200: workspaceView },
      },
    },
    async (request) => {
      const auth = authOf(request);
      if (auth.via !== 'session') throw new AppError('forbidden', 'An API key is bound to its workspace');
      const membership = await membershipOf(database, auth.userId, request.body.workspaceId);
      if (!membership) throw notFound('Workspace');
      await switchSessionWorkspace(database, request.cookies[sessionCookie]!, request.body.workspaceId);
      const all = await workspacesOf(database, auth.userId);
      return all.find((w) => w.id === request.body.workspaceId)!;
    },
  );
};
