// What a signed-in person does to their own account's sign-ins: list them and end one, change the password (the other
// sessions end), sign out everywhere. Browser sessions only: an API key or the command line's local
// token acts for the account but is not it.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { newAccountInput } from '../../accounts/account-input.ts';
import { changeOwnPassword } from '../../accounts/password-change.ts';
import { endUserSession, endUserSessions, userSessions } from '../../accounts/sessions.ts';
import { notFound } from '../../errors.ts';
import { text } from '../../input/text.ts';
import { clearSessionCookie, requireAuth, securedBy, sessionCallerOf } from '../auth.ts';
import { auditRequest } from '../request-audit.ts';

const signedOut = z.object({
  /** How many sessions were signed out. */
  signedOut: z.number().int(),
});

const sessionView = z.object({
  /** The sha256 of the session's token: it names the session, it cannot be used as one. */
  id: z.string(),
  /** The session this request was made with. */
  current: z.boolean(),
  workspace: z.object({ id: z.uuid(), name: z.string() }),
  createdAt: z.date(),
  expiresAt: z.date(),
  /** The address and browser it signed in from, as the server saw them. */
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
});

export const ownSessionRoutes: FastifyPluginAsyncZod = async (app) => {
  const { database, revocations } = app.runtime;

  app.post(
    '/auth/password',
    {
      preHandler: requireAuth(),
      schema: {
        tags: ['accounts'],
        summary: 'Change your password; your other sessions are signed out',
        description:
          'Needs the current password, checked behind the same guessing limits as signing in ' +
          '(429 while locked). A wrong one answers 400 at `currentPassword`. Every other session of ' +
          'the account, in every workspace, ends; this one stays signed in. API keys are not ' +
          'affected: revoke them on their own.',
        security: securedBy,
        body: z.object({
          currentPassword: text({ max: 256, min: 1, trim: false }),
          newPassword: newAccountInput.shape.password,
        }),
        response: { 200: signedOut },
      },
    },
    async (request) => {
      const session = sessionCallerOf(request, 'change the password');
      const ended = await changeOwnPassword(app.runtime, {
        userId: session.userId,
        keepSession: session.sessionId,
        currentPassword: request.body.currentPassword,
        newPassword: request.body.newPassword,
        ip: request.ip,
      });
      await auditRequest(request, 'auth.password_changed', session.userId, { signedOut: ended });
      return { signedOut: ended };
    },
  );

  app.post(
    '/auth/logout-everywhere',
    {
      preHandler: requireAuth(),
      schema: {
        tags: ['accounts'],
        summary: 'Sign out every session of your account, this one included, in every workspace',
        description: 'API keys are not affected: revoke them on their own.',
        security: securedBy,
        response: { 200: signedOut },
      },
    },
    async (request, reply) => {
      const session = sessionCallerOf(request, 'sign out everywhere');
      // Audited first: the row needs the session's workspace, which the sign-out does not change.
      await auditRequest(request, 'auth.logout_everywhere', session.userId);
      const ended = await endUserSessions(database, revocations, session.userId);
      clearSessionCookie(reply);
      return { signedOut: ended };
    },
  );

  app.get(
    '/auth/sessions',
    {
      preHandler: requireAuth(),
      schema: {
        tags: ['accounts'],
        summary: "Where you're signed in: your account's sessions in every workspace, newest first",
        description: 'API keys are listed on their own page. At most 50 sessions are kept a user.',
        security: securedBy,
        response: { 200: z.object({ items: z.array(sessionView) }) },
      },
    },
    async (request) => {
      const session = sessionCallerOf(request, 'list its sign-ins');
      const rows = await userSessions(database, session.userId);
      return {
        items: rows.map(({ workspaceId, workspaceName, ...row }) => ({
          ...row,
          current: row.id === session.sessionId,
          workspace: { id: workspaceId, name: workspaceName },
        })),
      };
    },
  );

  app.delete(
    '/auth/sessions/:id',
    {
      preHandler: requireAuth(),
      schema: {
        tags: ['accounts'],
        summary: 'Sign out one of your sessions',
        description:
          'Its open streams and sockets close. Ending the session of this request signs this browser out.',
        security: securedBy,
        params: z.object({ id: z.string().regex(/^[0-9a-f]{64}$/, 'is not a session id') }),
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      const session = sessionCallerOf(request, 'sign out a session');
      const { id } = request.params;
      // Another account's session is as unknown as one that never was.
      if (!(await endUserSession(database, revocations, session.userId, id))) throw notFound('Session');
      await auditRequest(request, 'auth.session_ended', session.userId, {
        current: id === session.sessionId,
      });
      if (id === session.sessionId) clearSessionCookie(reply);
      return reply.status(204).send(null);
    },
  );
};
