// The library's bound in all (LIBRARY_STORAGE_MB): each upload is bounded by MAX_FILE_SIZE_MB, and
// without this a member could fill the server's disk, 25 MB a request. On both databases: a file
// that does not fit is refused (413, `storage_full`) with nothing stored, concurrent uploads cannot
// pass the bound together, and deleting a document makes room again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileForm } from '../knowledge/samples-ingest.ts';
import { bearer, createKey, setupOwner } from '../support/accounts.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { backends } from '../support/database.ts';

// Room for four of the files below (1,000 bytes each), not five.
const storageMb = 4500 / 1024 / 1024;

const note = (n: number) =>
  Buffer.from(
    `# Note ${n}\n\n${`Harbour logistics note ${n} about cranes and tides. `.repeat(40)}`.slice(0, 1000),
  );

describe.each(backends)('library storage bound (%s)', (backend) => {
  let t: TestApp;
  let key: string;

  beforeAll(async () => {
    t = await createTestApp(backend, { RATE_LIMIT_ENABLED: 'false', LIBRARY_STORAGE_MB: String(storageMb) });
    await t.runtime.queue.start({ work: false }); // uploads enqueue their ingestion job
    const owner = await setupOwner(t.app);
    key = (await createKey(t.app, owner.cookie)).key;
  }, 60_000);
  afterAll(async () => t.close());

  const upload = (bytes: Buffer, filename: string) => {
    const form = fileForm(bytes, filename);
    return t.app.inject({
      method: 'POST',
      url: '/api/v1/documents',
      headers: { ...bearer(key), ...form.headers },
      payload: form.payload,
    });
  };
  const storage = async () =>
    (
      await t.app.inject({ method: 'GET', url: '/api/v1/documents/storage', headers: bearer(key) })
    ).json() as {
      usedBytes: number;
      limitBytes: number;
    };
  const stored = async () =>
    (
      await t.runtime.database.query<{ docs: number; blobs: number }>(
        'SELECT (SELECT count(*)::int FROM documents) AS docs, (SELECT count(*)::int FROM document_blobs) AS blobs',
      )
    ).rows[0]!;

  it('takes files while they fit, refuses the next with nothing stored, and counts what is held', async () => {
    expect(await storage()).toEqual({ usedBytes: 0, limitBytes: 4500 });
    for (const n of [1, 2, 3, 4]) {
      const res = await upload(note(n), `note-${n}.md`);
      expect(res.statusCode, res.body).toBe(202);
    }
    expect(await storage()).toEqual({ usedBytes: 4000, limitBytes: 4500 });

    const refused = await upload(note(5), 'note-5.md');
    expect(refused.statusCode).toBe(413);
    expect(refused.json().error).toMatchObject({
      code: 'payload_too_large',
      details: { reason: 'storage_full' },
    });
    expect(refused.json().error.message).toMatch(
      /holds 0 MB of its 0 MB and this file is 0 MB.*LIBRARY_STORAGE_MB/,
    );
    expect(await stored()).toEqual({ docs: 4, blobs: 4 });

    // The same content again is the document already held, not a new file to fit.
    const again = await upload(note(1), 'note-1-again.md');
    expect(again.statusCode).toBe(200);
  });

  it('frees a deleted document’s size', async () => {
    const list = (
      await t.app.inject({ method: 'GET', url: '/api/v1/documents?limit=1', headers: bearer(key) })
    ).json() as { items: Array<{ id: string }> };
    const gone = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/documents/${list.items[0]!.id}`,
      headers: bearer(key),
    });
    expect(gone.statusCode).toBe(204);
    expect((await storage()).usedBytes).toBe(3000);
    expect((await upload(note(5), 'note-5.md')).statusCode).toBe(202);
  });

  it('lets concurrent uploads take only the room there is', async () => {
    // 4,000 of 4,500 bytes held: of four different files sent at once, none fits.
    const answers = await Promise.all([6, 7, 8, 9].map((n) => upload(note(n), `note-${n}.md`)));
    expect(answers.map((a) => a.statusCode)).toEqual(Array(4).fill(413));
    // With room for one (3,000 held), one of them gets it. Four at once: a workspace's fifth
    // document waiting to be read would be refused for that (429).
    const list = (
      await t.app.inject({ method: 'GET', url: '/api/v1/documents?limit=1', headers: bearer(key) })
    ).json() as { items: Array<{ id: string }> };
    await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/documents/${list.items[0]!.id}`,
      headers: bearer(key),
    });
    const raced = await Promise.all([6, 7, 8, 9].map((n) => upload(note(n), `note-${n}.md`)));
    expect(raced.filter((a) => a.statusCode === 202)).toHaveLength(1);
    expect(raced.filter((a) => a.statusCode === 413)).toHaveLength(3);
    expect((await storage()).usedBytes).toBe(4000);
    expect(await stored()).toEqual({ docs: 4, blobs: 4 });
  });
});
