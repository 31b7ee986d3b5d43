// Accepting a workspace invitation (created by `POST /api/v1/members`). The token is the proof:
// whoever holds it may see which workspace it is for, and its invitee may join.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { audit } from '../../accounts/audit.ts';
import { acceptForNewUser, acceptInvitation, findInvitation } from '../../accounts/invitations.ts';
import { switchSessionWorkspace } from '../../accounts/sessions.ts';
import { signInWithPassword } from '../../accounts/sign-in.ts';
import { createUserIfNew, findUserById } from '../../accounts/users.ts';
import { AppError } from '../../errors.ts';
import { text, visibleText } from '../../input/text.ts';
import { optionalAuth, sessionCookie, startSession } from '../auth.ts';
import { roleSchema, userView } from './account-schemas.ts';

const tokenParams = z.object({ token: z.string().min(1).max(200) });

export const invitationRoutes: FastifyPluginAsyncZod = async (app) => {
  const { database, secretKey } = app.runtime;

  app.get(
    '/:token',
    {
      schema: {
        tags: ['accounts'],
        summary: 'What an invitation is for (the workspace, address and role)',
        params: tokenParams,
        response: {
          200: z.object({
            workspace: z.object({ id: z.uuid(), name: z.string() }),
            email: z.string(),
            role: roleSchema,
            expiresAt: z.date(),
          }),
        },
      },
    },
    async (request) => {
      const { workspace, email, role, expiresAt } = await findInvitation(
        database,
        secretKey,
        request.params.token,
      );
      return { workspace, email, role, expiresAt };
    },
  );

  app.post(
    '/:token/accept',
    {
      preHandler: optionalAuth(),
      schema: {
        tags: ['accounts'],
        summary: 'Join the workspace of an invitation; signs the invitee in there',
        description:
          'Signed in (session) as the invited address: no body needed. Not signed in: send `password` ' +
          '(and optionally `name`) — a new account is created for the invited address, or, if it already ' +
          "has one, that account's password signs it in (with the usual sign-in limits).",
        params: tokenParams,
        body: z
          .object({
            password: text({ max: 256, min: 8, trim: false }).optional(),
            name: visibleText(100).optional(),
          })
          .nullish(),
        response: { 200: userView },
      },
    },
    async (request, reply) => {
      const { token } = request.params;
      const auth = request.auth;
      if (auth && auth.via !== 'session') {
        throw new AppError('forbidden', 'An API key cannot accept invitations: sign in instead');
      }
      let user: { id: string; email: string } | null = auth
        ? await findUserById(database, auth.userId)
        : null;
      let created = false;
      let checkedHash: string | undefined;
      if (!user) {
        const password = request.body?.password;
        if (!password) {
          throw new AppError('validation_error', 'Sign in first, or give a password', [
            { path: 'password', message: 'required when not signed in' },
          ]);
        }
        const invitation = await findInvitation(database, secretKey, token);
        const newUser = await createUserIfNew(
          database,
          { email: invitation.email, password, name: request.body?.name },
          request.ip,
        );
        created = newUser !== null;
        if (newUser) user = newUser;
        else {
          const signedIn = await signInWithPassword(app.runtime, {
            email: invitation.email,
            password,
            ip: request.ip,
          });
          checkedHash = signedIn.passwordHash;
          user = signedIn;
        }
      }
      const { workspace } = await (created ? acceptForNewUser : acceptInvitation)(
        database,
        secretKey,
        token,
        user,
      );
      const cookie = request.cookies[sessionCookie];
      if (auth && cookie) await switchSessionWorkspace(database, cookie, workspace.id);
      else if (
        !(await startSession(request, reply, user.id, workspace.id, { whilePasswordHash: checkedHash }))
      ) {
        // Joined, but the password was changed since it was checked: sign in with the new one.
        throw new AppError('unauthenticated', 'Invalid email or password');
      }
      await audit(database, {
        workspaceId: workspace.id,
        actorUserId: user.id,
        action: 'member.joined',
        target: user.id,
        ip: request.ip,
        requestId: request.id,
        details: { role: workspace.role },
      });
      return { id: user.id, email: user.email, workspace };
    },
  );
};
