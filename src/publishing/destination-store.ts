// Every statement on a workspace's publishing destinations. The sealed secret is read only by
// `sealedDestination` (for a check or a publish); what the others answer never holds it.
import { eq, sql } from 'drizzle-orm';
import { inWorkspace } from '../accounts/scope.ts';
import { insertWithinCap } from '../db/capped-insert.ts';
import type { Database } from '../db/client.ts';
import { publishingDestinations } from '../db/schema/publishing.ts';
import type { DestinationKind } from './publishing-kinds.ts';

type Scope = { workspaceId: string };

/** Destinations a workspace may hold (listed whole, offered in the editor's publish control). */
export const maxDestinations = 20;

export const destinationColumns = {
  id: publishingDestinations.id,
  kind: publishingDestinations.kind,
  name: publishingDestinations.name,
  siteUrl: publishingDestinations.siteUrl,
  username: publishingDestinations.username,
  secretHint: publishingDestinations.secretHint,
  createdAt: publishingDestinations.createdAt,
  updatedAt: publishingDestinations.updatedAt,
};

export interface DestinationRow {
  id: string;
  kind: DestinationKind;
  name: string;
  siteUrl: string;
  username: string | null;
  secretHint: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface SealedCredentials {
  username: string | null;
  sealedSecret: string;
  secretHint: string;
}

export interface NewDestination extends SealedCredentials {
  kind: DestinationKind;
  name: string;
  siteUrl: string;
}

/** The new destination, or `'full'` (nothing written) when the workspace holds maxDestinations. */
export async function insertDestination(
  database: Database,
  scope: Scope & { userId: string },
  input: NewDestination,
): Promise<DestinationRow | 'full'> {
  return insertWithinCap(database, {
    kind: 'publishing-destinations',
    workspaceId: scope.workspaceId,
    cap: maxDestinations,
    count: (tx) =>
      tx.$count(publishingDestinations, eq(publishingDestinations.workspaceId, scope.workspaceId)),
    insert: async (tx) => {
      const { sealedSecret, ...fields } = input;
      const [row] = await tx
        .insert(publishingDestinations)
        .values({ ...fields, secret: sealedSecret, workspaceId: scope.workspaceId, createdBy: scope.userId })
        .returning(destinationColumns);
      return row!;
    },
  });
}

/** Every destination of the workspace, by name. */
export async function listDestinations(database: Database, scope: Scope): Promise<DestinationRow[]> {
  return database.db
    .select(destinationColumns)
    .from(publishingDestinations)
    .where(inWorkspace(scope, publishingDestinations))
    .orderBy(sql`lower(${publishingDestinations.name})`, publishingDestinations.id);
}

export async function destinationById(
  database: Database,
  scope: Scope,
  id: string,
): Promise<DestinationRow | undefined> {
  const [row] = await database.db
    .select(destinationColumns)
    .from(publishingDestinations)
    .where(inWorkspace(scope, publishingDestinations, eq(publishingDestinations.id, id)));
  return row;
}

/** Whether another destination of the workspace has this name (in any case). */
export async function nameTaken(database: Database, scope: Scope, name: string, exceptId?: string) {
  const [row] = await database.db
    .select({ id: publishingDestinations.id })
    .from(publishingDestinations)
    .where(
      inWorkspace(
        scope,
        publishingDestinations,
        sql`lower(${publishingDestinations.name}) = lower(${name})`,
        exceptId ? sql`${publishingDestinations.id} <> ${exceptId}` : undefined,
      ),
    );
  return row !== undefined;
}

/** The destination with its sealed secret: what a check or a publish opens. */
export async function sealedDestination(database: Database, scope: Scope, id: string) {
  const [row] = await database.db
    .select({ ...destinationColumns, sealedSecret: publishingDestinations.secret })
    .from(publishingDestinations)
    .where(inWorkspace(scope, publishingDestinations, eq(publishingDestinations.id, id)));
  return row;
}

export interface DestinationChange extends Partial<SealedCredentials> {
  name?: string;
  siteUrl?: string;
}

export async function updateDestination(
  database: Database,
  scope: Scope,
  id: string,
  change: DestinationChange,
): Promise<DestinationRow | undefined> {
  const { sealedSecret, ...fields } = change;
  const [row] = await database.db
    .update(publishingDestinations)
    .set({
      ...fields,
      ...(sealedSecret !== undefined && { secret: sealedSecret }),
      updatedAt: sql`now()`,
    })
    .where(inWorkspace(scope, publishingDestinations, eq(publishingDestinations.id, id)))
    .returning(destinationColumns);
  return row;
}

/** Deletes the destination and its publication records (the posts on the CMS stay). */
export async function deleteDestination(database: Database, scope: Scope, id: string): Promise<boolean> {
  const deleted = await database.db
    .delete(publishingDestinations)
    .where(inWorkspace(scope, publishingDestinations, eq(publishingDestinations.id, id)))
    .returning({ id: publishingDestinations.id });
  return deleted.length > 0;
}
