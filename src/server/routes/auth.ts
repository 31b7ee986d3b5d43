import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { newAccountInput } from '../../accounts/account-input.ts';
import { audit } from '../../accounts/audit.ts';
import { membershipOf, primaryWorkspaceOf, workspacesOf } from '../../accounts/members.ts';
import { deleteSession, switchSessionWorkspace } from '../../accounts/sessions.ts';
import { SignInLocked, signInWithPassword } from '../../accounts/sign-in.ts';
import { findUserById, signUp } from '../../accounts/users.ts';
import { AppError, notFound } from '../../errors.ts';
import { text } from '../../input/text.ts';
import { authOf, clearSessionCookie, requireAuth, securedBy, sessionCookie, startSession } from '../auth.ts';
import { roleSchema, userView, workspaceView } from './account-schemas.ts';

// Identical for a free and a taken address: sign-up must not tell anyone which addresses have accounts.
const signupAnswer = 'Thank you. Sign in with this email and password to continue.';

export const authRoutes: FastifyPluginAsyncZod = async (app) => {
  const { database, config } = app.runtime;

  app.post(
    '/auth/signup',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Self-service sign-up (when SIGNUP_ENABLED=true); then sign in with the same credentials',
        description:
          'Always answers 202 with the same body, whether the address was free (the account and its ' +
          'workspace now exist) or already had an account (nothing changes): sign-up never reveals ' +
          'which addresses are registered. Sign in with `POST /api/v1/auth/login` afterwards.',
        body: newAccountInput,
        response: { 202: z.object({ message: z.string() }) },
      },
    },
    async (request, reply) => {
      if (!config.SIGNUP_ENABLED) throw new AppError('forbidden', 'Sign-up is disabled on this server');
      const created = await signUp(database, request.body, request.ip);
      await audit(database, {
        workspaceId: created?.workspace.id ?? null,
        actorUserId: created?.user.id ?? null,
        action: created ? 'auth.signup' : 'auth.signup_existing_email',
        target: created ? null : request.body.email.trim().toLowerCase(),
        ip: request.ip,
        requestId: request.id,
      });
      return reply.status(202).send({ message: signupAnswer });
    },
  );

  app.post(
    '/auth/login',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Sign in with email and password; sets the session cookie',
        body: z.object({ email: z.email().max(254), password: text({ max: 256, min: 1, trim: false }) }),
        response: { 200: userView },
      },
    },
    async (request, reply) => {
      const failed = (reason: string) =>
        audit(database, {
          action: 'auth.login_failed',
          target: request.body.email.toLowerCase(),
          ip: request.ip,
          requestId: request.id,
          details: { reason },
        });
      const user = await signInWithPassword(app.runtime, { ...request.body, ip: request.ip }).catch(
        async (err: unknown) => {
          await failed(err instanceof SignInLocked ? 'locked' : 'credentials');
          throw err;
        },
      );
      const workspace = await primaryWorkspaceOf(database, user.id);
      if (!workspace) {
        await failed('no_workspace');
        throw new AppError('unauthenticated', 'Invalid email or password');
      }
      if (
        !(await startSession(request, reply, user.id, workspace.id, { whilePasswordHash: user.passwordHash }))
      ) {
        // The password was changed between its check and now: it is not the password any more.
        await failed('password_changed');
        throw new AppError('unauthenticated', 'Invalid email or password');
      }
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
      if (token) await deleteSession(database, app.runtime.revocations, token);
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
      // The command line's local token stands for the owner like a session but has none to switch.
      const session = auth.via === 'session' && auth.sessionId ? request.cookies[sessionCookie] : undefined;
      if (!session)
        throw new AppError(
          'forbidden',
          'Only a signed-in session switches workspaces: an API key or the local token is bound to its workspace',
        );
      const membership = await membershipOf(database, auth.userId, request.body.workspaceId);
      if (!membership) throw notFound('Workspace');
      await switchSessionWorkspace(database, session, request.body.workspaceId);
      const all = await workspacesOf(database, auth.userId);
      return all.find((w) => w.id === request.body.workspaceId)!;
    },
  );
};
