// `blogsmith ingest` spawned as a user runs it: progress on stderr, a line per document on stdout,
// exit 0; refusals exit 1; while a server holds the embedded data directory it names the server.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.ts';
import { pngBytes } from '../knowledge/samples.ts';
import { handbookDocx, threePagePdf } from '../knowledge/samples-ingest.ts';
import { cliRun, type ServerProcess, startServerProcess } from '../support/processes.ts';

const cli = cliRun;

const dirs: string[] = [];
const servers: ServerProcess[] = [];
afterAll(async () => {
  for (const s of servers) await s.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('blogsmith ingest', () => {
  it('ingests files with a progress bar into the embedded database, where the API finds them', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'blogsmith-ingest-'));
    dirs.push(dir);
    const DATA_DIR = path.join(dir, 'data');
    const pdf = path.join(dir, 'renewables.pdf');
    const docx = path.join(dir, 'handbook.docx');
    const png = path.join(dir, 'chart.pdf');
    writeFileSync(pdf, threePagePdf('cli'));
    writeFileSync(docx, handbookDocx('cli'));
    writeFileSync(png, pngBytes);

    expect((await cli(['ingest', '--help'], { DATA_DIR })).stdout).toMatch(/Usage: blogsmith ingest/);
    const none = await cli(['ingest', pdf], { DATA_DIR });
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/no workspace yet/);

    const user = await cli(['user', 'create', '--email', 'cli@example.com', '--password', 'cli-password'], {
      DATA_DIR,
    });
    expect(user.code, user.stderr).toBe(0);
    const ok = await cli(['ingest', pdf, docx, '--tags', 'energy,hr'], { DATA_DIR });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toMatch(/renewables\.pdf \[[█░]+\] 100% \| ready/);
    expect(ok.stderr).toMatch(/handbook\.docx \[[█░]+\] 100% \| ready/);
    expect(ok.stdout).toMatch(
      /Ingested: .*renewables\.pdf → "renewables" \(3 pages, \d+ chunks, id [0-9a-f-]{36}\)/,
    );
    expect(ok.stdout).toMatch(/Ingested: .*handbook\.docx → "Employee Handbook cli"/);

    const again = await cli(['ingest', pdf, '--json'], { DATA_DIR });
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({
      ok: true,
      duplicate: true,
      status: 'ready',
      pageCount: 3,
    });

    const bad = await cli(['ingest', png, path.join(dir, 'missing.pdf'), 'ftp://files.example/a.pdf'], {
      DATA_DIR,
    });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/Failed: .*chart\.pdf: unsupported file type: PNG image/);
    expect(bad.stderr).toMatch(/Failed: .*missing\.pdf: cannot read the file: ENOENT/);
    expect(bad.stderr).toMatch(
      /Failed: ftp:\/\/files\.example\/a\.pdf: only http and https addresses are fetched, not ftp:/,
    );

    const key = JSON.parse(
      (await cli(['apikey', 'create', '--email', 'cli@example.com', '--name', 'ci', '--json'], { DATA_DIR }))
        .stdout,
    ).key as string;
    const server = await startServerProcess({ DATA_DIR });
    servers.push(server);
    const res = await fetch(`${server.base}/api/v1/knowledge/search`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'honeybee colony', tags: ['energy'] }),
    });
    expect(res.status).toBe(200);
    const found = (await res.json()) as { items: { pageEnd: number; documentTitle: string }[] };
    expect(found.items[0]).toMatchObject({ documentTitle: 'renewables', pageEnd: 3 });

    // While the server holds the data directory, the CLI says where to upload instead.
    const busy = await cli(['ingest', docx], { DATA_DIR });
    expect(busy.code).toBe(1);
    expect(busy.stderr).toContain(`a Blogsmith server is running at http://127.0.0.1:${server.port}`);
    expect(busy.stderr).toContain('/api/v1/documents');
  }, 240_000);

  it("holds --tags to the API's rule before reading a document: at most 20 and 1–50 characters each, on a first upload too", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'blogsmith-ingest-'));
    dirs.push(dir);
    const DATA_DIR = path.join(dir, 'data');
    const note = path.join(dir, 'note.md');
    writeFileSync(note, '# Field note\n\nThe heat pump ran nine hours on the coldest day.\n');
    const user = await cli(['user', 'create', '--email', 'cli@example.com', '--password', 'cli-password'], {
      DATA_DIR,
    });
    expect(user.code, user.stderr).toBe(0);
    const tags = (n: number) => Array.from({ length: n }, (_, i) => `tag ${i + 1}`);

    const tooMany = await cli(['ingest', note, '--tags', tags(21).join(',')], { DATA_DIR });
    expect(tooMany.code).toBe(1);
    expect(tooMany.stderr).toContain('Error: --tags: at most 20 tags of 1–50 characters');
    expect(tooMany.stderr).toContain('At most 20 tags (one spelling each)');
    expect(tooMany.stdout).toBe('');
    const long = 'x'.repeat(51);
    const tooLong = await cli(['ingest', note, '--tags', `fine,${long}`], { DATA_DIR });
    expect(tooLong.code).toBe(1);
    expect(tooLong.stderr).toContain(`"${long}"`);
    const stored = async () => {
      const database = await openDatabase({ dataDir: DATA_DIR });
      try {
        return (await database.query<{ tags: string[] }>('SELECT tags FROM documents')).rows.map(
          (r) => r.tags,
        );
      } finally {
        await database.close();
      }
    };
    expect(await stored()).toEqual([]);

    // 21 spellings of 20 tags are 20 tags, as the API counts them.
    const twenty = await cli(['ingest', note, '--tags', [...tags(20), 'TAG 1'].join(',')], { DATA_DIR });
    expect(twenty.code, twenty.stderr).toBe(0);
    expect(await stored()).toEqual([tags(20)]);
    // The same content again with one more: refused as before, nothing changed.
    const more = await cli(['ingest', note, '--tags', 'tag 21'], { DATA_DIR });
    expect(more.code).toBe(1);
    expect(more.stderr).toMatch(/already stored with 20 tags; with these it would have 21, more than 20/);
    expect(await stored()).toEqual([tags(20)]);
  }, 240_000);

  it('takes over a document a stopped process left half done, once it may, instead of waiting for good', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'blogsmith-ingest-'));
    dirs.push(dir);
    const DATA_DIR = path.join(dir, 'data');
    const pdf = path.join(dir, 'renewables.pdf');
    writeFileSync(pdf, threePagePdf('stopped'));
    const user = await cli(['user', 'create', '--email', 'cli@example.com', '--password', 'cli-password'], {
      DATA_DIR,
    });
    expect(user.code, user.stderr).toBe(0);
    expect((await cli(['ingest', pdf], { DATA_DIR })).code).toBe(0);
    // As an ingest killed mid-way leaves it: processing, its last progress a few seconds short of
    // the ten minutes after which another process may take it over.
    const database = await openDatabase({ dataDir: DATA_DIR });
    await database.query(
      `UPDATE documents SET status = 'processing', progress = 40, updated_at = now() - interval '597 seconds'`,
    );
    await database.close();
    const again = await cli(['ingest', pdf], { DATA_DIR });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/Already in the library: .*renewables\.pdf → "renewables"/);
  }, 240_000);
});
