import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { maxOpenInvitations } from '../../accounts/invitation-store.ts';
import { cancelInvitation, createInvitation, pendingInvitations } from '../../accounts/invitations.ts';
import { changeMemberRole, leaveWorkspace, listMembers, removeMember } from '../../accounts/members.ts';
import { authOf, clearSessionCookie, requireAuth, securedBy, sessionCallerOf } from '../auth.ts';
import { decodeCursor, pageFrom, pageOf, pageQuery } from '../pagination.ts';
import { auditRequest } from '../request-audit.ts';
import { roleSchema, workspaceView } from './account-schemas.ts';

const memberView = z.object({
  userId: z.uuid(),
  email: z.string(),
  name: z.string().nullable(),
  role: roleSchema,
  joinedAt: z.date(),
});

const invitationView = z.object({
  id: z.uuid(),
  email: z.string(),
  role: roleSchema,
  expiresAt: z.date(),
  createdAt: z.date(),
  /** Who sent it; null once their account is deleted. */
  invitedBy: z.object({ id: z.uuid(), email: z.string(), name: z.string().nullable() }).nullable(),
});

export const memberRoutes: FastifyPluginAsyncZod = async (app) => {
  const { database } = app.runtime;

  app.get(
    '',
    {
      preHandler: requireAuth({ scope: 'settings:read' }),
      schema: {
        tags: ['accounts'],
        summary: 'Members of the current workspace, longest-standing first',
        description: 'Paged: pass `nextCursor` back as `cursor` for the next page (null on the last).',
        security: securedBy,
        querystring: pageQuery,
        response: { 200: pageOf(memberView) },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      const rows = await listMembers(database, authOf(request), { limit, after: decodeCursor(cursor) });
      return pageFrom(rows, limit, 'userId');
    },
  );

  app.post(
    '',
    {
      preHandler: requireAuth({ role: 'admin', scope: 'admin' }),
      schema: {
        tags: ['accounts'],
        summary: 'Invite someone by email; they join when they accept the invitation',
        description:
          'Nobody is added without their consent: this creates an invitation valid for INVITATION_TTL_HOURS ' +
          'and answers the same whether or not the address has an account. Pass `token` (or `acceptPath`) ' +
          'to the invitee; they accept it with `POST /api/v1/invitations/{token}/accept`. ' +
          `A workspace has at most ${maxOpenInvitations} open invitations (409 past them).`,
        security: securedBy,
        body: z.object({ email: z.email().max(254), role: roleSchema }),
        response: {
          201: z.object({
            invitation: z.object({ id: z.uuid(), email: z.string(), role: roleSchema, expiresAt: z.date() }),
            token: z.string(),
            acceptPath: z.string(),
          }),
        },
      },
    },
    async (request, reply) => {
      const auth = authOf(request);
      const created = await createInvitation(database, app.runtime.secretKey, auth, {
        ...request.body,
        ttlHours: app.runtime.config.INVITATION_TTL_HOURS,
      });
      await auditRequest(request, 'member.invited', created.invitation.id, {
        email: created.invitation.email,
        role: created.invitation.role,
      });
      return reply.status(201).send({ ...created, acceptPath: `/invite/${created.token}` });
    },
  );

  app.get(
    '/invitations',
    {
      preHandler: requireAuth({ role: 'admin', scope: 'admin' }),
      schema: {
        tags: ['accounts'],
        summary: 'Invitations not accepted yet (and not expired), newest first',
        description: 'The tokens are not shown again: cancel an invitation and invite again for a new link.',
        security: securedBy,
        response: { 200: pageOf(invitationView) },
      },
    },
    async (request) => ({
      items: await pendingInvitations(database, authOf(request)),
      nextCursor: null,
    }),
  );

  app.delete(
    '/invitations/:id',
    {
      preHandler: requireAuth({ role: 'admin', scope: 'admin' }),
      schema: {
        tags: ['accounts'],
        summary: 'Cancel an invitation that was not accepted yet; its link stops working',
        security: securedBy,
        params: z.object({ id: z.uuid() }),
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      const cancelled = await cancelInvitation(database, authOf(request), request.params.id);
      await auditRequest(request, 'member.invitation_cancelled', cancelled.id, { email: cancelled.email });
      return reply.status(204).send(null);
    },
  );

  app.delete(
    '/me',
    {
      preHandler: requireAuth(),
      schema: {
        tags: ['accounts'],
        summary: 'Leave the current workspace',
        description:
          'Any member may leave; the last owner cannot (409: make another member an owner first). ' +
          "The member's API keys in the workspace are revoked. The session moves to another of " +
          'their workspaces (`workspace`), or ends when they have none left (`workspace` null, the ' +
          'cookie cleared). Browser sessions only.',
        security: securedBy,
        response: { 200: z.object({ workspace: workspaceView.nullable() }) },
      },
    },
    async (request, reply) => {
      const auth = sessionCallerOf(request, 'leave a workspace');
      const next = await leaveWorkspace(database, app.runtime.revocations, auth);
      // In the workspace left, where its admins read it.
      await auditRequest(request, 'member.left', auth.userId, { role: auth.role });
      if (!next) clearSessionCookie(reply);
      return { workspace: next };
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
      const changed = await changeMemberRole(
        database,
        app.runtime.revocations,
        auth,
        request.params.userId,
        request.body.role,
      );
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
      await removeMember(database, app.runtime.revocations, auth, request.params.userId);
      await auditRequest(request, 'member.removed', request.params.userId);
      return reply.status(204).send(null);
    },
  );
};
