import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { addMember, changeMemberRole, listMembers, removeMember } from '../../accounts/members.ts';
import { authOf, requireAuth, securedBy } from '../auth.ts';
import { pageOf } from '../pagination.ts';
import { auditRequest } from '../request-audit.ts';
import { roleSchema } from './account-schemas.ts';

const memberView = z.object({
  userId: z.uuid(),
  email: z.string(),
  name: z.string().nullable(),
  role: roleSchema,
  joinedAt: z.date(),
});

export const memberRoutes: FastifyPluginAsyncZod = async (app) => {
  const { database } = app.runtime;

  app.get(
    '',
    {
      preHandler: requireAuth({ scope: 'settings:read' }),
      schema: {
        tags: ['accounts'],
        summary: 'Members of the current workspace',
        security: securedBy,
        response: { 200: pageOf(memberView) },
      },
    },
    async (request) => ({ items: await listMembers(database, authOf(request)), nextCursor: null }),
  );

  app.post(
    '',
    {
      preHandler: requireAuth({ role: 'admin', scope: 'admin' }),
      schema: {
        tags: ['accounts'],
        summary: 'Add a member: an existing user by email, or a new one with a password',
        security: securedBy,
        body: z.object({
          email: z.email().max(254),
          role: roleSchema,
          password: z.string().min(8).max(256).optional(),
          name: z.string().trim().min(1).max(100).optional(),
        }),
        response: { 201: z.object({ userId: z.uuid(), email: z.string(), role: roleSchema }) },
      },
    },
    async (request, reply) => {
      const auth = authOf(request);
      const member = await addMember(database, auth, request.body);
      await auditRequest(request, 'member.added', member.userId, { role: member.role });
      return reply.status(201).send(member);
    },
  );

  app.patch(
    '/:userId',
    {
      preHandler: requireAuth({ role: 'admin', scope: 'admin' }),
      schema: {
        tags: ['accounts'],
        summary: "Change a member's role",
        security: securedBy,
        params: z.object({ userId: z.uuid() }),
        body: z.object({ role: roleSchema }),
        response: { 200: z.object({ userId: z.uuid(), role: roleSchema }) },
      },
    },
    async (request) => {
      const auth = authOf(request);
      const changed = await changeMemberRole(database, auth, request.params.userId, request.body.role);
      await auditRequest(request, 'member.role_changed', changed.userId, { role: changed.role });
      return changed;
    },
  );

  app.delete(
    '/:userId',
    {
      preHandler: requireAuth({ role: 'admin', scope: 'admin' }),
      schema: {
        tags: ['accounts'],
        summary: 'Remove a member from the workspace',
        security: securedBy,
        params: z.object({ userId: z.uuid() }),
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      const auth = authOf(request);
      await removeMember(database, auth, request.params.userId);
      await auditRequest(request, 'member.removed', request.params.userId);
      return reply.status(204).send(null);
    },
  );
};
