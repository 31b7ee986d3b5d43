// A document's tags after its upload, driven directly (no HTTP): the same content uploaded again adds
// its tags to the stored document's (folded, within the cap, or refused with nothing changed), tag
// writes at the same moment all land, and a tag change leaves an ingestion's heartbeat alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.ts';
import { maxTags } from '../../src/input/tags.ts';
import { getDocument } from '../../src/knowledge/document-store.ts';
import { addDocumentTags, setDocumentTags } from '../../src/knowledge/document-tag-store.ts';
import { ingestionDeps } from '../../src/knowledge/ingest-job.ts';
import { type IngestionDeps, submitDocument } from '../../src/knowledge/ingestion.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { backends } from '../support/database.ts';

describe.each(backends)('document tags (%s)', (backend) => {
  let t: TestApp;
  let deps: IngestionDeps;
  let ws: string;

  const workspace = async () =>
    (
      await t.runtime.database.query<{ id: string }>(
        `INSERT INTO workspaces (name) VALUES ('w') RETURNING id`,
      )
    ).rows[0]!.id;
  const upload = (text: string, tags: string[], workspaceId = ws) =>
    submitDocument(deps, {
      workspaceId,
      bytes: Buffer.from(`# ${text}\n\nNotes about ${text}, written for the tag tests.\n`),
      filename: `${text}.md`,
      sourceKind: 'upload',
      tags,
    });
  const tagsOf = async (id: string, workspaceId = ws) =>
    (await getDocument(t.runtime.database, workspaceId, id))?.tags;
  const numbered = (from: number, count: number) => Array.from({ length: count }, (_, i) => `t${from + i}`);

  beforeAll(async () => {
    t = await createTestApp(backend);
    await t.runtime.queue.start({ work: false });
    deps = ingestionDeps(t.runtime);
    ws = await workspace();
  }, 60_000);
  afterAll(async () => t?.close());

  it('adds the tags of the same content uploaded again to the stored ones, folded, in order', async () => {
    const first = await upload('compost', ['Soil', 'garden']);
    expect(first.created).toBe(true);
    expect(first.document.tags).toEqual(['soil', 'garden']);

    const again = await upload('compost', ['GARDEN', 'Cafe\u0301', 'café', 'worms']);
    expect(again.created).toBe(false);
    expect(again.tagsAdded).toBe(true);
    expect(again.document.id).toBe(first.document.id);
    expect(again.document.tags).toEqual(['soil', 'garden', 'café', 'worms']);
    expect(await tagsOf(first.document.id)).toEqual(['soil', 'garden', 'café', 'worms']);

    // Nothing new, or no tags at all: the stored document as it is, nothing written.
    for (const tags of [['SOIL', 'worms'], []]) {
      const same = await upload('compost', tags);
      expect(same.created).toBe(false);
      expect(same.tagsAdded).toBe(false);
      expect(same.document.tags).toEqual(['soil', 'garden', 'café', 'worms']);
      expect(same.document.updatedAt).toEqual(again.document.updatedAt);
    }
  });

  it('refuses a tag holding a comma, naming it, before anything is stored', async () => {
    await expect(upload('paris', ['travel', 'Paris, France'])).rejects.toMatchObject({
      code: 'validation_error',
      details: [{ path: 'tags', message: '"paris, france": Must not contain a comma: commas separate tags' }],
    });
    const stored = await t.runtime.database.query(`SELECT 1 FROM documents WHERE filename = 'paris.md'`);
    expect(stored.rows).toEqual([]);
  });

  it('refuses tags that would pass the cap together with the stored ones, and changes nothing', async () => {
    const stored = numbered(1, maxTags - 2);
    const { document } = await upload('mulch', stored);
    const past = upload('mulch', ['t1', 'new-a', 'new-b', 'new-c']);
    await expect(past).rejects.toBeInstanceOf(AppError);
    await expect(past).rejects.toMatchObject({
      code: 'validation_error',
      details: [{ path: 'tags', message: expect.stringMatching(/18 tags.*21.*more than 20/) }],
    });
    expect(await tagsOf(document.id)).toEqual(stored);

    // Up to the cap is fine; at the cap, tags it already has are too.
    const full = await upload('mulch', ['new-a', 'NEW-B']);
    expect(full.document.tags).toEqual([...stored, 'new-a', 'new-b']);
    const atCap = await upload('mulch', ['t3', 'new-a']);
    expect(atCap.tagsAdded).toBe(false);
    expect(atCap.document.tags).toHaveLength(maxTags);
  });

  it('keeps every tag added at the same moment (one statement each, no read-then-write)', async () => {
    const { document } = await upload('leaf mould', ['base']);
    const added = numbered(100, 12);
    const results = await Promise.all(
      added.map((tag) => addDocumentTags(t.runtime.database, ws, document.id, [tag], maxTags)),
    );
    expect(results.every(Boolean)).toBe(true);
    const tags = await tagsOf(document.id);
    expect(tags?.[0]).toBe('base');
    expect([...(tags ?? [])].sort()).toEqual(['base', ...added].sort());

    // Racing past the cap: exactly as many land as fit.
    const more = numbered(200, 10);
    const raced = await Promise.all(
      more.map((tag) => addDocumentTags(t.runtime.database, ws, document.id, [tag], maxTags)),
    );
    expect(raced.filter(Boolean)).toHaveLength(maxTags - 13);
    expect(await tagsOf(document.id)).toHaveLength(maxTags);
  });

  it("reaches only the workspace's own document", async () => {
    const { document } = await upload('bokashi', ['a']);
    const other = await workspace();
    expect(await setDocumentTags(t.runtime.database, other, document.id, ['b'])).toBeUndefined();
    expect(await addDocumentTags(t.runtime.database, other, document.id, ['b'], maxTags)).toBeUndefined();
    expect(await tagsOf(document.id)).toEqual(['a']);
  });

  it("moves updatedAt once ingestion is over, never an ingestion's heartbeat", async () => {
    const { document } = await upload('vermiculture', ['a']);
    expect(document.status).toBe('queued');
    const queued = await setDocumentTags(t.runtime.database, ws, document.id, ['b']);
    expect(queued?.tags).toEqual(['b']);
    expect(queued?.updatedAt).toEqual(document.updatedAt);

    await t.runtime.database.query(
      `UPDATE documents SET status = 'ready', updated_at = now() - interval '1 hour' WHERE id = $1`,
      [document.id],
    );
    const before = (await getDocument(t.runtime.database, ws, document.id))!.updatedAt;
    const ready = await addDocumentTags(t.runtime.database, ws, document.id, ['c'], maxTags);
    expect(ready?.tags).toEqual(['b', 'c']);
    expect(ready!.updatedAt.getTime()).toBeGreaterThan(before.getTime());
  });
});
