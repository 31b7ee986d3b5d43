// An article keeps its newest `versionsKept` versions: each edit adds one and drops the oldest past
// the bound, on either database, and another article's history is left alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findVersion, listVersions, saveVersion, versionsKept } from '../../src/articles/version-store.ts';
import type { Database } from '../../src/db/client.ts';
import { backends } from '../support/database.ts';
import { openMigratedDatabase } from '../support/migrated-database.ts';

describe.each(backends)('article versions (%s)', (backend) => {
  let database: Database;
  let close: () => Promise<void>;
  let workspaceId: string;
  const insertArticle = async (topic: string) =>
    (
      await database.query<{ id: string }>(
        `INSERT INTO articles (workspace_id, brief, topic, status) VALUES ($1, '{}', $2, 'completed') RETURNING id`,
        [workspaceId, topic],
      )
    ).rows[0]!.id;

  beforeAll(async () => {
    ({ database, close } = await openMigratedDatabase(backend));
    workspaceId = (
      await database.query<{ id: string }>(`INSERT INTO workspaces (name) VALUES ('w') RETURNING id`)
    ).rows[0]!.id;
  });
  afterAll(async () => close());

  it('keeps the newest versions of an article and drops the oldest past the bound', async () => {
    const edited = await insertArticle('edited often');
    const other = await insertArticle('edited once');
    await saveVersion(database, { id: other, workspaceId, title: 'Other', markdown: 'other text' }, 'edit');
    const saves = versionsKept + 5;
    for (let i = 0; i < saves; i++)
      await saveVersion(database, { id: edited, workspaceId, title: `T${i}`, markdown: `text ${i}` }, 'edit');

    const kept = await listVersions(database, { workspaceId }, edited);
    expect(kept).toHaveLength(versionsKept);
    expect(kept.map((v) => v.title)).toEqual(
      Array.from({ length: versionsKept }, (_, k) => `T${saves - 1 - k}`),
    );
    expect((await findVersion(database, { workspaceId }, edited, kept.at(-1)!.id)).markdown).toBe('text 5');
    expect((await listVersions(database, { workspaceId }, other)).map((v) => v.title)).toEqual(['Other']);
  });
});
