// Every statement on brand voices: a workspace's named writing guidelines; a brief that names one
// has it in every writing prompt.
import { and, desc, eq } from 'drizzle-orm';
import { inWorkspace } from '../accounts/scope.ts';
import { insertWithinCap } from '../db/capped-insert.ts';
import type { Database } from '../db/client.ts';
import { brandVoices } from '../db/schema/articles.ts';
import { AppError } from '../errors.ts';
import type { BrandVoice } from './prompts.ts';

type Scope = { workspaceId: string };

export const brandVoiceColumns = {
  id: brandVoices.id,
  name: brandVoices.name,
  guidelines: brandVoices.guidelines,
  createdAt: brandVoices.createdAt,
};

/** Brand voices a workspace may hold: they are listed whole (the brief form offers every one). */
export const maxBrandVoices = 100;

export async function createBrandVoice(
  database: Database,
  scope: Scope,
  input: { name: string; guidelines: string },
) {
  const created = await insertWithinCap(database, {
    kind: 'brand_voices',
    workspaceId: scope.workspaceId,
    cap: maxBrandVoices,
    count: (tx) => tx.$count(brandVoices, eq(brandVoices.workspaceId, scope.workspaceId)),
    insert: async (tx) => {
      const [row] = await tx
        .insert(brandVoices)
        .values({ workspaceId: scope.workspaceId, ...input })
        .returning(brandVoiceColumns);
      return row!;
    },
  });
  if (created === 'full')
    throw new AppError(
      'conflict',
      `A workspace has at most ${maxBrandVoices} brand voices: delete one before adding another`,
    );
  return created;
}

export async function listBrandVoices(database: Database, scope: Scope) {
  return database.db
    .select(brandVoiceColumns)
    .from(brandVoices)
    .where(inWorkspace(scope, brandVoices))
    .orderBy(desc(brandVoices.createdAt));
}

export async function updateBrandVoice(
  database: Database,
  scope: Scope,
  id: string,
  patch: { name?: string; guidelines?: string },
) {
  const [row] = await database.db
    .update(brandVoices)
    .set(patch)
    .where(inWorkspace(scope, brandVoices, eq(brandVoices.id, id)))
    .returning(brandVoiceColumns);
  if (!row) throw new AppError('not_found', `Brand voice ${id} not found`);
  return row;
}

export async function deleteBrandVoice(database: Database, scope: Scope, id: string) {
  const deleted = await database.db
    .delete(brandVoices)
    .where(and(inWorkspace(scope, brandVoices), eq(brandVoices.id, id)))
    .returning({ id: brandVoices.id });
  if (deleted.length === 0) throw new AppError('not_found', `Brand voice ${id} not found`);
}

export async function brandVoiceExists(database: Database, scope: Scope, id: string): Promise<boolean> {
  const rows = await database.db
    .select({ id: brandVoices.id })
    .from(brandVoices)
    .where(inWorkspace(scope, brandVoices, eq(brandVoices.id, id)));
  return rows.length > 0;
}

/** The worker's read: the voice a brief names, whatever its workspace (the brief was checked). */
export async function brandVoiceById(
  database: Database,
  id: string | undefined,
): Promise<BrandVoice | undefined> {
  if (!id) return undefined;
  const [voice] = await database.db.select().from(brandVoices).where(eq(brandVoices.id, id));
  return voice ? { name: voice.name, guidelines: voice.guidelines } : undefined;
}

/** The voice `id` of the caller's workspace (a tool's request names it), if there is one. */
export async function brandVoiceIn(
  database: Database,
  scope: Scope,
  id: string,
): Promise<BrandVoice | undefined> {
  const [voice] = await database.db
    .select({ name: brandVoices.name, guidelines: brandVoices.guidelines })
    .from(brandVoices)
    .where(inWorkspace(scope, brandVoices, eq(brandVoices.id, id)));
  return voice;
}
