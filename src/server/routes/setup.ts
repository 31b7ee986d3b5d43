import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { newAccountInput } from '../../accounts/account-input.ts';
import { audit } from '../../accounts/audit.ts';
import { countUsers, createUser, setupClosedMessage } from '../../accounts/users.ts';
import { AppError } from '../../errors.ts';
import { startSession } from '../auth.ts';
import { userView } from './account-schemas.ts';

export const setupRoutes: FastifyPluginAsyncZod = async (app) => {
  const { database, config } = app.runtime;

  app.get(
    '',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Whether first-run setup is still open, and whether anyone may sign up',
        description:
          'What the sign-in page needs before anyone is signed in: `needed` while no user exists ' +
          '(first-run setup), `signUp` when the server takes self-service sign-ups (`SIGNUP_ENABLED`).',
        response: {
          200: z.object({
            needed: z.boolean(),
            signUp: z.boolean().describe('`POST /api/v1/auth/signup` is open on this server'),
          }),
        },
      },
    },
    async () => ({ needed: (await countUsers(database)) === 0, signUp: config.SIGNUP_ENABLED }),
  );

  app.post(
    '',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Create the first owner (only while no user exists)',
        body: newAccountInput,
        response: { 201: userView },
      },
    },
    async (request, reply) => {
      // Cheap early answer; createUser re-checks under a lock (parallel setups race past this).
      if ((await countUsers(database)) > 0) throw new AppError('conflict', setupClosedMessage);
      const { user, workspace } = await createUser(database, request.body, {
        firstOwner: true,
        asker: request.ip,
      });
      await startSession(request, reply, user.id, workspace.id);
      await audit(database, {
        workspaceId: workspace.id,
        actorUserId: user.id,
        action: 'setup.owner_created',
        target: user.email,
        ip: request.ip,
        requestId: request.id,
      });
      return reply
        .status(201)
        .send({ id: user.id, email: user.email, workspace: { ...workspace, role: 'owner' } });
    },
  );
};
