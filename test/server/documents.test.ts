// Documents and knowledge search through the real API, on PGlite (pgvector: hybrid search) and on
// PostgreSQL without pgvector (full-text only): uploads of generated PDF and DOCX files, background
// ingestion, search by keyword and by meaning with page provenance, duplicates, deletion, refusals.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddingServer, startEmbeddingServer } from '../fakes/embedding-server.ts';
import { pngBytes } from '../knowledge/samples.ts';
import {
  carSynonyms,
  fileForm,
  handbookDocx,
  multipartBody,
  threePagePdf,
} from '../knowledge/samples-ingest.ts';
import { bearer, createKey, inviteMember, session, setupOwner } from '../support/accounts.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { backends } from '../support/database.ts';
import { writePdf } from '../support/pdf-writer.ts';
import { writeZip } from '../support/zip-writer.ts';

interface DocumentJson {
  id: string;
  status: string;
  progress: number;
  error: string | null;
  note: string | null;
  pageCount: number | null;
  chunkCount: number;
  sourceKind: string;
  sourceUrl: string | null;
  tags: string[];
  title: string;
}

describe.each(backends)('documents and knowledge search (%s)', (backend) => {
  let t: TestApp;
  let key: string;
  let ownerCookie: string;
  let embedder: EmbeddingServer;
  let site: Server;
  let siteBase: string;
  const vectors = backend === 'pglite';

  beforeAll(async () => {
    embedder = await startEmbeddingServer(64, carSynonyms);
    site = createServer((req, res) => {
      if (req.url === '/guide.md') {
        res.writeHead(200, { 'content-type': 'text/markdown' });
        res.end(
          '# Greenhouse guide\n\nTomatoes need eight hours of sun.\n\n## Watering\n\n- Water early in the morning.\n',
        );
      } else if (req.url === '/beds.md') {
        res.writeHead(200, { 'content-type': 'text/markdown' });
        res.end('# Raised beds\n\nA raised bed warms up earlier in spring.\n');
      } else if (req.url === '/nonce.html') {
        // A page whose bytes differ on every fetch in what it does not show.
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end(
          `<html><head><script nonce="${Math.random()}">var a = 1;</script></head><body><h1>Cold frames</h1><p>A cold frame extends the season by a month.</p></body></html>`,
        );
      } else {
        res.writeHead(404).end('missing');
      }
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    siteBase = `http://127.0.0.1:${(site.address() as { port: number }).port}`;
    t = await createTestApp(backend, {
      RATE_LIMIT_ENABLED: 'false',
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: embedder.baseUrl,
      EMBEDDING_MODEL: 'openai:text-embedding-3-small',
      EMBEDDING_DIMENSIONS: '64',
      MAX_FILE_SIZE_MB: '1',
      // The test site runs on loopback, which the SSRF guard refuses unless allowed.
      FETCH_ALLOW_HOSTS: '127.0.0.1',
    });
    await t.runtime.queue.start({ work: true });
    const owner = await setupOwner(t.app);
    ownerCookie = owner.cookie;
    key = (await createKey(t.app, owner.cookie)).key;
  }, 60_000);
  afterAll(async () => {
    await t.close();
    await embedder.close();
    await new Promise<void>((resolve) => site.close(() => resolve()));
  });

  const upload = (bytes: Buffer, filename: string, tags?: string) => {
    const form = fileForm(bytes, filename, tags ? [{ name: 'tags', value: tags }] : []);
    return t.app.inject({
      method: 'POST',
      url: '/api/v1/documents',
      headers: { ...bearer(key), ...form.headers },
      payload: form.payload,
    });
  };
  const getDoc = async (id: string) =>
    (
      await t.app.inject({ method: 'GET', url: `/api/v1/documents/${id}`, headers: bearer(key) })
    ).json() as DocumentJson;
  const waitSettled = async (id: string): Promise<DocumentJson> => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const doc = await getDoc(id);
      if (doc.status === 'ready' || doc.status === 'failed') return doc;
      if (Date.now() > deadline) throw new Error(`document ${id} still ${doc.status}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const patchTags = (id: string, payload: unknown, headers: Record<string, string> = bearer(key)) =>
    t.app.inject({ method: 'PATCH', url: `/api/v1/documents/${id}`, headers, payload: payload as object });
  const tagAudits = async (id: string) =>
    (
      await t.runtime.database.query<{ details: unknown }>(
        `SELECT details FROM audit_log WHERE action = 'document.tags_changed' AND target = $1 ORDER BY created_at`,
        [id],
      )
    ).rows.map((r) => r.details);
  const search = (body: Record<string, unknown>) =>
    t.app.inject({ method: 'POST', url: '/api/v1/knowledge/search', headers: bearer(key), payload: body });
  const counts = async () => {
    const r = await t.runtime.database.query<{ docs: number; blobs: number; chunks: number }>(
      `SELECT (SELECT count(*)::int FROM documents) AS docs, (SELECT count(*)::int FROM document_blobs) AS blobs,
              (SELECT count(*)::int FROM document_chunks) AS chunks`,
    );
    return r.rows[0]!;
  };

  let pdfId = '';

  it('ingests a multi-page PDF in the background and finds its passages by keyword, with pages', async () => {
    const res = await upload(threePagePdf(), 'renewables.pdf', 'energy, notes');
    expect(res.statusCode, res.body).toBe(202);
    // 202 means created (queued now); the body is the bare document.
    const body = res.json() as DocumentJson & { tags: string[] };
    expect(body.status).toMatch(/queued|processing|ready/);
    expect(body.tags).toEqual(['energy', 'notes']);
    pdfId = body.id;

    const doc = await waitSettled(pdfId);
    expect(doc.status, doc.error ?? '').toBe('ready');
    expect(doc.progress).toBe(100);
    expect(doc.pageCount).toBe(3);
    expect(doc.chunkCount).toBeGreaterThanOrEqual(3);
    if (vectors) expect(doc.note).toBeNull();
    else expect(doc.note).toMatch(/pgvector is not available.*full text only/);

    const found = await search({ query: 'honeybee colony varroa' });
    expect(found.statusCode, found.body).toBe(200);
    const result = found.json();
    expect(result.mode).toBe(vectors ? 'hybrid' : 'fulltext');
    expect(result.vectorAvailable).toBe(vectors);
    const top = result.items[0];
    expect(top.documentId).toBe(pdfId);
    expect(top.text).toMatch(/honeybee/i);
    expect(top.pageStart).toBeLessThanOrEqual(3);
    expect(top.pageEnd).toBe(3);
    expect(top.score).toBeGreaterThan(0);

    const solar = (await search({ query: 'photovoltaic inverter', mode: 'fulltext' })).json();
    expect(solar.mode).toBe('fulltext');
    expect(solar.items[0].pageStart).toBe(1);
  });

  it('finds passages by meaning when vectors are available', async () => {
    // "automobile" is not in the PDF; the embedder folds it onto "car" (page 2).
    const res = (await search({ query: 'automobile' })).json();
    if (!vectors) {
      expect(res.mode).toBe('fulltext');
      expect(res.items).toEqual([]);
      return;
    }
    expect(res.mode).toBe('hybrid');
    expect(res.items[0].documentId).toBe(pdfId);
    expect(res.items[0].text).toMatch(/car/);
    expect(res.items[0].pageStart).toBeLessThanOrEqual(2);
    expect(res.items[0].pageEnd).toBeGreaterThanOrEqual(2);
    expect(embedder.texts).toBeGreaterThan(3);
  });

  it('ingests a DOCX and keeps heading paths; tag and document filters apply', async () => {
    const res = await upload(handbookDocx(), 'handbook.docx', 'hr');
    expect(res.statusCode, res.body).toBe(202);
    const doc = await waitSettled(res.json().id);
    expect(doc.status, doc.error ?? '').toBe('ready');
    expect(doc.title).toMatch(/Employee Handbook/);

    const found = (await search({ query: 'vacation days' })).json();
    expect(found.items[0].documentId).toBe(doc.id);
    expect(found.items[0].headingPath).toContain('Leave');
    const filtered = (await search({ query: 'vacation days', tags: ['energy'] })).json();
    expect(filtered.items.every((r: { documentId: string }) => r.documentId === pdfId)).toBe(true);
    // Vector search always has nearest neighbours, so the filter is checked on whatever comes back.
    const byId = (await search({ query: 'vacation', documentIds: [pdfId] })).json();
    expect(byId.items.every((r: { documentId: string }) => r.documentId === pdfId)).toBe(true);
    expect(byId.items.some((r: { documentId: string }) => r.documentId === doc.id)).toBe(false);
  });

  it('folds tags to one spelling: case and Unicode form, and an empty filter filters nothing', async () => {
    const res = await upload(
      Buffer.from('# Tags\n\nCafé tags fold.\n'),
      'tags.md',
      'SEO, seo, Cafe\u0301, café',
    );
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json().tags).toEqual(['seo', 'café']);
    // A tag the migration folded with the database's lower() (final sigma as σ) is found too.
    const tagged = await waitSettled(res.json().id);
    await t.runtime.database.query(`UPDATE documents SET tags = '{οδοσ}' WHERE id = $1`, [tagged.id]);
    const greek = (await search({ query: 'tags fold', mode: 'fulltext', tags: ['ΟΔΟΣ'] })).json();
    expect(greek.items.map((r: { documentId: string }) => r.documentId)).toEqual([tagged.id]);
    for (const tags of [['HR'], ['Hr'], ['hr']]) {
      const found = (await search({ query: 'vacation days', tags })).json();
      expect(found.items.length, tags[0]).toBeGreaterThan(0);
    }
    const all = (await search({ query: 'vacation days', mode: 'fulltext' })).json();
    expect(all.items.length).toBeGreaterThan(0);
    for (const empty of [{ tags: [] }, { documentIds: [] }]) {
      const found = (await search({ query: 'vacation days', mode: 'fulltext', ...empty })).json();
      expect(found.items).toEqual(all.items);
    }
  });

  it('returns similar passages with scores', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/knowledge/similar',
      headers: bearer(key),
      payload: { text: 'The beekeeper inspects each frame for eggs, larvae and capped honey.' },
    });
    expect(res.statusCode, res.body).toBe(200);
    const top = res.json().items[0];
    expect(top.documentId).toBe(pdfId);
    expect(top.shingleJaccard).toBeGreaterThan(0);
    expect(top.score).toBeGreaterThan(0);
    expect(top.cosine === undefined).toBe(!vectors);
  });

  it('treats the same content uploaded again as a no-op', async () => {
    const before = await counts();
    const again = await upload(threePagePdf(), 'copy-of-renewables.pdf');
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(pdfId);
    expect(await counts()).toEqual(before);
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/documents', headers: bearer(key) });
    expect(list.json().items.filter((d: DocumentJson) => d.id === pdfId)).toHaveLength(1);
  });

  it('adds the tags of the same content uploaded again to its own, folded, and audits it', async () => {
    const bytes = Buffer.from('# Pruning\n\nPrune apple trees in late winter, before the buds break.\n');
    const first = await upload(bytes, 'pruning.md', 'Orchard, winter');
    expect(first.statusCode, first.body).toBe(202);
    // Settled before the next test counts chunks (as every document these tests add).
    await waitSettled(first.json().id);
    const again = await upload(bytes, 'pruning-copy.md', 'WINTER, apples, Cafe\u0301');
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json().id).toBe(first.json().id);
    expect(again.json().tags).toEqual(['orchard', 'winter', 'apples', 'café']);
    expect((await getDoc(first.json().id)).tags).toEqual(['orchard', 'winter', 'apples', 'café']);
    expect(await tagAudits(first.json().id)).toEqual([
      { tags: ['orchard', 'winter', 'apples', 'café'], by: 'upload' },
    ]);
    // Tags it has already: nothing changed, nothing audited.
    const same = await upload(bytes, 'pruning.md', 'orchard');
    expect(same.statusCode).toBe(200);
    expect(await tagAudits(first.json().id)).toHaveLength(1);
  });

  it('refuses an upload whose tags would take the stored document past 20, and changes nothing', async () => {
    const bytes = Buffer.from('# Grafting\n\nA whip-and-tongue graft joins scion and rootstock.\n');
    const eighteen = Array.from({ length: 18 }, (_, i) => `g${i}`);
    const first = await upload(bytes, 'grafting.md', eighteen.join(','));
    expect(first.statusCode, first.body).toBe(202);
    await waitSettled(first.json().id);
    const past = await upload(bytes, 'grafting.md', 'g0, one, two, three');
    expect(past.statusCode, past.body).toBe(400);
    expect(past.json().error).toMatchObject({
      code: 'validation_error',
      details: [{ path: 'tags', message: expect.stringMatching(/more than 20/) }],
      requestId: expect.any(String),
    });
    expect((await getDoc(first.json().id)).tags).toEqual(eighteen);
    expect(await tagAudits(first.json().id)).toEqual([]);
  });

  it("replaces a document's tags (folded as at upload): GET and the search's tag filter see them", async () => {
    const res = await upload(
      Buffer.from('# Espalier\n\nAn espalier trains a pear tree flat against a sunny wall.\n'),
      'espalier.md',
      'walls',
    );
    expect(res.statusCode, res.body).toBe(202);
    const id = res.json().id as string;
    await waitSettled(id);
    const patched = await patchTags(id, { tags: ['Pears', 'PEARS', 'Cafe\u0301', ' café ', 'Training'] });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json().tags).toEqual(['pears', 'café', 'training']);
    expect(patched.json()).toEqual(JSON.parse(JSON.stringify(await getDoc(id))));
    expect(await tagAudits(id)).toEqual([{ tags: ['pears', 'café', 'training'], by: 'edit' }]);

    const ids = async (tags: string[]) =>
      (await search({ query: 'espalier pear wall', mode: 'fulltext', tags }))
        .json()
        .items.map((r: { documentId: string }) => r.documentId);
    expect(await ids(['PEARS'])).toEqual([id]);
    expect(await ids(['walls'])).toEqual([]);

    // 20 after folding is within the cap (21 spellings), and an empty list clears them.
    const twenty = Array.from({ length: 20 }, (_, i) => `p${i}`);
    const full = await patchTags(id, { tags: [...twenty, 'P0'] });
    expect(full.statusCode, full.body).toBe(200);
    expect(full.json().tags).toEqual(twenty);
    const cleared = await patchTags(id, { tags: [] });
    expect(cleared.statusCode).toBe(200);
    expect(cleared.json().tags).toEqual([]);
    expect((await getDoc(id)).tags).toEqual([]);
  });

  it('refuses bad tag edits with the one error shape, unknown documents with 404, viewers with 403', async () => {
    const res = await upload(
      Buffer.from('# Hedges\n\nA beech hedge keeps its brown leaves in winter.\n'),
      'hedges.md',
      'hedge',
    );
    const id = res.json().id as string;
    await waitSettled(id);
    const bad: unknown[] = [
      {},
      { tags: 'hedge' },
      { tags: [''] },
      { tags: ['x'.repeat(51)] },
      // A tag that folds to more than 50 characters (İ lower-cases to two), as multipart refuses it.
      { tags: ['İ'.repeat(30)] },
      { tags: Array.from({ length: 21 }, (_, i) => `h${i}`) },
      { tags: ['ok\u0000'] },
      { tags: ['hedge'], title: 'other' },
    ];
    for (const payload of bad) {
      const refused = await patchTags(id, payload);
      expect(refused.statusCode, `${JSON.stringify(payload)} → ${refused.body}`).toBe(400);
      const error = refused.json().error;
      expect(error.code).toBe('validation_error');
      expect(error.requestId).toEqual(expect.any(String));
      expect(error.details, JSON.stringify(payload)).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ path: expect.any(String), message: expect.any(String) }),
        ]),
      );
    }
    expect((await getDoc(id)).tags).toEqual(['hedge']);

    const unknown = await patchTags('00000000-0000-4000-8000-000000000000', { tags: ['x'] });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('not_found');

    const viewer = await inviteMember(t.app, ownerCookie, {
      email: 'viewer@example.com',
      password: 'viewer-password',
      role: 'viewer',
    });
    const byViewer = await patchTags(id, { tags: ['x'] }, session(viewer.cookie));
    expect(byViewer.statusCode, byViewer.body).toBe(403);
    expect(byViewer.json().error.code).toBe('forbidden');
    expect((await getDoc(id)).tags).toEqual(['hedge']);
  });

  it('lists with a status filter and pagination', async () => {
    const ready = await t.app.inject({
      method: 'GET',
      url: '/api/v1/documents?status=ready&limit=1',
      headers: bearer(key),
    });
    expect(ready.statusCode).toBe(200);
    expect(ready.json().items).toHaveLength(1);
    expect(ready.json().nextCursor).toEqual(expect.any(String));
    const failed = await t.app.inject({
      method: 'GET',
      url: '/api/v1/documents?status=failed',
      headers: bearer(key),
    });
    expect(failed.json().items).toEqual([]);
  });

  it('lists the documents whose title or file name holds a text, in any case and literally', async () => {
    const titles = async (q: string) => {
      const res = await t.app.inject({
        method: 'GET',
        url: `/api/v1/documents?q=${encodeURIComponent(q)}`,
        headers: bearer(key),
      });
      expect(res.statusCode, res.body).toBe(200);
      return res.json().items.map((d: DocumentJson) => d.title) as string[];
    };
    expect(await titles('EMPLOYEE handbook')).toEqual([expect.stringMatching(/Employee Handbook/)]);
    // The file name counts too.
    expect(await titles('book.DOCX')).toEqual([expect.stringMatching(/Employee Handbook/)]);
    // Pattern characters are text, not wildcards.
    expect(await titles('%')).toEqual([]);
    expect(await titles('_')).toEqual([]);
    const blank = await t.app.inject({ method: 'GET', url: '/api/v1/documents?q=', headers: bearer(key) });
    expect(blank.statusCode).toBe(400);
  });

  it('refuses bad files with a clear 4xx and stores nothing', async () => {
    const before = await counts();
    const png = await upload(pngBytes, 'report.pdf');
    expect(png.statusCode).toBe(415);
    expect(png.json().error.message).toMatch(/PNG image/);

    const big = await upload(Buffer.from('big text '.repeat(150_000)), 'big.txt');
    expect(big.statusCode).toBe(413);
    expect(big.json().error.message).toMatch(/1 MB/);

    const encrypted = await upload(writePdf([['Secret']], { encrypted: true }), 'secret.pdf');
    expect(encrypted.statusCode).toBe(400);
    expect(encrypted.json().error.details.reason).toBe('encrypted');

    const corrupt = await upload(Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog'), 'broken.pdf');
    expect(corrupt.statusCode).toBe(400);
    expect(corrupt.json().error.details.reason).toBe('corrupt');

    // Thousands of unclosed list items overflow the HTML walker's stack (was a 500).
    const deep = await upload(Buffer.from(`<html><body>${'<ul><li>'.repeat(20_000)}x`), 'deep.html');
    expect(deep.statusCode).toBe(400);
    expect(deep.json().error.details.reason).toBe('too_nested');

    const empty = await upload(Buffer.from('   \n\n  '), 'empty.txt');
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.details.reason).toBe('empty');

    const bomb = writeZip([
      { name: 'word/document.xml', data: '<w:document/>' },
      { name: 'word/media/zeros.bin', data: Buffer.alloc(20 * 1024 * 1024) },
    ]);
    expect(bomb.byteLength).toBeLessThan(1024 * 1024);
    const bombRes = await upload(bomb, 'innocent.docx');
    expect(bombRes.statusCode).toBe(413);
    expect(bombRes.json().error.details.reason).toBe('bomb');

    const noFile = fileForm(Buffer.from('x'), 'x.txt');
    const wrongField = await t.app.inject({
      method: 'POST',
      url: '/api/v1/documents',
      headers: { ...bearer(key), ...noFile.headers },
      payload: noFile.payload.toString('latin1').replace('name="file"', 'name="upload"'),
    });
    expect(wrongField.statusCode).toBe(400);

    expect(await counts()).toEqual(before);
  });

  it('answers malformed multipart bodies with a 4xx in the one error shape', async () => {
    const before = await counts();
    const good = fileForm(Buffer.from('Plain notes about pruning apple trees in winter.'), 'notes.txt');
    const cases: { type: string; body: Buffer | string }[] = [
      { type: 'multipart/form-data', body: good.payload },
      { type: good.headers['content-type'], body: good.payload.subarray(0, good.payload.length - 30) },
      { type: good.headers['content-type'], body: '' },
      { type: good.headers['content-type'], body: 'not multipart at all' },
      { type: 'multipart/form-data; boundary=', body: good.payload },
      {
        type: good.headers['content-type'],
        body: Buffer.concat([good.payload.subarray(0, good.payload.indexOf('Plain')), Buffer.from('x')]),
      },
    ];
    for (const c of cases) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/documents',
        headers: { ...bearer(key), 'content-type': c.type },
        payload: c.body,
      });
      expect(res.statusCode, `${c.type} ${String(c.body).slice(0, 40)} → ${res.body}`).toBeGreaterThanOrEqual(
        400,
      );
      expect(res.statusCode, res.body).toBeLessThan(500);
      expect(res.json().error.code).toEqual(expect.any(String));
    }
    const twoFiles = multipartBody([
      { name: 'file', value: 'first file text here', filename: 'a.txt' },
      { name: 'file', value: 'second file text here', filename: 'b.txt' },
    ]);
    const two = await t.app.inject({
      method: 'POST',
      url: '/api/v1/documents',
      headers: { ...bearer(key), ...twoFiles.headers },
      payload: twoFiles.payload,
    });
    expect(two.statusCode).toBe(400);
    expect(two.json().error.message).toMatch(/exactly one file/);
    expect(await counts()).toEqual(before);
  });

  it('ingests a URL through the SSRF guard and refuses hostile URLs with the reason', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/documents',
      headers: bearer(key),
      // 21 spellings of one tag are one tag, as in a multipart upload.
      payload: {
        url: `${siteBase}/guide.md`,
        tags: ['garden', ...Array.from({ length: 20 }, (_, i) => (i % 2 ? 'GARDEN' : 'Garden'))],
      },
    });
    expect(res.statusCode, res.body).toBe(202);
    const doc = await waitSettled(res.json().id);
    expect(doc.status, doc.error ?? '').toBe('ready');
    expect(doc.sourceKind).toBe('url');
    expect(doc.sourceUrl).toBe(`${siteBase}/guide.md`);
    expect(doc.tags).toEqual(['garden']);

    // 21 tags, one of them another spelling of another: 20 tags, accepted as multipart accepts them.
    const twenty = Array.from({ length: 20 }, (_, i) => `Bed ${i}`);
    const many = await t.app.inject({
      method: 'POST',
      url: '/api/v1/documents',
      headers: bearer(key),
      payload: { url: `${siteBase}/beds.md`, tags: [...twenty, 'BED 7'] },
    });
    expect(many.statusCode, many.body).toBe(202);
    expect(many.json().tags).toEqual(twenty.map((tag) => tag.toLowerCase()));
    await waitSettled(many.json().id);

    // Added twice, a page that shows the same text is one document.
    const add = () =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/documents',
        headers: bearer(key),
        payload: { url: `${siteBase}/nonce.html` },
      });
    const first = await add();
    expect(first.statusCode, first.body).toBe(202);
    await waitSettled(first.json().id);
    const second = await add();
    expect(second.statusCode, second.body).toBe(200);
    expect(second.json().id).toBe(first.json().id);

    const before = await counts();
    for (const url of [
      'http://169.254.169.254/latest/meta-data/',
      'http://10.0.0.7/internal.pdf',
      'http://[::ffff:192.168.1.1]/',
      'http://metadata.google.internal/computeMetadata/v1/',
      'http://0x7f000002/',
    ]) {
      const blocked = await t.app.inject({
        method: 'POST',
        url: '/api/v1/documents',
        headers: bearer(key),
        payload: { url },
      });
      expect(blocked.statusCode, url).toBe(400);
      expect(blocked.json().error.message, url).toMatch(/^URL blocked: /);
      expect(blocked.json().error.details.reason, url).toEqual(expect.any(String));
    }
    const scheme = await t.app.inject({
      method: 'POST',
      url: '/api/v1/documents',
      headers: bearer(key),
      payload: { url: 'file:///etc/passwd' },
    });
    expect(scheme.statusCode).toBe(400);
    const missing = await t.app.inject({
      method: 'POST',
      url: '/api/v1/documents',
      headers: bearer(key),
      payload: { url: `${siteBase}/nothing.pdf` },
    });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.message).toMatch(/HTTP 404/);
    expect(await counts()).toEqual(before);
  });

  it('deletes a document with its chunks, vectors and stored file', async () => {
    const r = await t.runtime.database.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM document_chunks WHERE document_id = $1',
      [pdfId],
    );
    expect(r.rows[0]!.n).toBeGreaterThan(0);
    const del = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/documents/${pdfId}`,
      headers: bearer(key),
    });
    expect(del.statusCode).toBe(204);
    const left = await t.runtime.database.query<{ chunks: number; blobs: number }>(
      `SELECT (SELECT count(*)::int FROM document_chunks WHERE document_id = $1) AS chunks,
              (SELECT count(*)::int FROM document_blobs WHERE document_id = $1) AS blobs`,
      [pdfId],
    );
    expect(left.rows[0]).toEqual({ chunks: 0, blobs: 0 });
    expect(
      (await t.app.inject({ method: 'GET', url: `/api/v1/documents/${pdfId}`, headers: bearer(key) }))
        .statusCode,
    ).toBe(404);
    const found = (await search({ query: 'honeybee' })).json();
    expect(found.items.some((x: { documentId: string }) => x.documentId === pdfId)).toBe(false);
    const again = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/documents/${pdfId}`,
      headers: bearer(key),
    });
    expect(again.statusCode).toBe(404);
  });

  it('lets read-only keys search but not upload or delete', async () => {
    const owner = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'owner@example.com', password: 'owner-password' },
    });
    const cookie = String(owner.headers['set-cookie']).split(';')[0]!;
    const reader = (await createKey(t.app, cookie, { name: 'reader', scopes: ['documents:read'] })).key;
    const form = fileForm(Buffer.from('Some notes about compost and soil.'), 'notes.txt');
    const post = await t.app.inject({
      method: 'POST',
      url: '/api/v1/documents',
      headers: { ...bearer(reader), ...form.headers },
      payload: form.payload,
    });
    expect(post.statusCode).toBe(403);
    const docId = (
      await t.app.inject({ method: 'GET', url: '/api/v1/documents', headers: bearer(key) })
    ).json().items[0].id;
    expect((await patchTags(docId, { tags: ['x'] }, bearer(reader))).statusCode).toBe(403);
    const read = await t.app.inject({ method: 'GET', url: '/api/v1/documents', headers: bearer(reader) });
    expect(read.statusCode).toBe(200);
    const found = await t.app.inject({
      method: 'POST',
      url: '/api/v1/knowledge/search',
      headers: bearer(reader),
      payload: { query: 'vacation' },
    });
    expect(found.statusCode).toBe(200);
  });
});
