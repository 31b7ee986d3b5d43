import { describe, expect, it } from 'vitest';
import { DocumentRejectedError } from '../../src/knowledge/errors.ts';
import { parseDocument } from '../../src/knowledge/parse.ts';
import type { Block } from '../../src/knowledge/types.ts';
import { writeDocx } from '../support/docx-writer.ts';
import { writePdf } from '../support/pdf-writer.ts';
import { writeZip } from '../support/zip-writer.ts';
import { articleHtml, nestedMarkdown, petstoreSpec, petstoreYaml } from './samples.ts';

const rejectionOf = async (promise: Promise<unknown>) => {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DocumentRejectedError);
  return err as DocumentRejectedError;
};
const find = (blocks: Block[], text: string) => blocks.find((b) => b.text.includes(text));

describe('PDF', () => {
  it('keeps the text of each page with its page number', async () => {
    const pdf = writePdf([
      ['Chapter one opens here.', 'It continues on a second line.'],
      ['The second page talks about invoices.'],
      ['Page three closes the report.'],
    ]);
    const doc = await parseDocument(pdf, 'pdf');
    expect(doc.pageCount).toBe(3);
    expect(find(doc.blocks, 'invoices')?.page).toBe(2);
    expect(find(doc.blocks, 'closes the report')?.page).toBe(3);
    expect(find(doc.blocks, 'Chapter one')).toMatchObject({
      page: 1,
      text: expect.stringContaining('second line'),
    });
  });

  it('refuses a password-protected PDF with instructions', async () => {
    const err = await rejectionOf(parseDocument(writePdf([['Secret']], { encrypted: true }), 'pdf'));
    expect(err.code).toBe('encrypted');
    expect(err.message).toBe('encrypted PDF: remove the password and upload again');
  });

  it('refuses a corrupt PDF and one without text', async () => {
    expect((await rejectionOf(parseDocument(Buffer.from('%PDF-1.7\nnot really a pdf'), 'pdf'))).code).toBe(
      'corrupt',
    );
    const scanned = await rejectionOf(parseDocument(writePdf([[], []]), 'pdf'));
    expect(scanned.code).toBe('empty');
    expect(scanned.message).toContain('scanned?');
  });
});

describe('DOCX', () => {
  it('keeps headings, paragraphs and nested list items', async () => {
    const docx = writeDocx([
      { heading: 1, text: 'Employee Handbook' },
      { text: 'Welcome to the team.' },
      { heading: 2, text: 'Leave' },
      { bullet: 'Request leave two weeks ahead' },
      { bullet: 'Your manager approves it', level: 1 },
      { bullet: 'Sick leave needs no notice' },
    ]);
    const doc = await parseDocument(docx, 'docx');
    expect(doc.title).toBe('Employee Handbook');
    expect(find(doc.blocks, 'Welcome')).toMatchObject({
      kind: 'paragraph',
      headingPath: ['Employee Handbook'],
    });
    expect(find(doc.blocks, 'two weeks')).toMatchObject({
      kind: 'list_item',
      level: 1,
      headingPath: ['Employee Handbook', 'Leave'],
    });
    expect(find(doc.blocks, 'manager approves')).toMatchObject({ kind: 'list_item', level: 2 });
  });

  it('refuses a decompression bomb before unzipping it', async () => {
    const bomb = writeZip([
      { name: 'word/document.xml', data: '<w:document/>' },
      { name: 'word/media/zeros.bin', data: Buffer.alloc(20 * 1024 * 1024) },
    ]);
    const err = await rejectionOf(parseDocument(bomb, 'docx'));
    expect(err.code).toBe('bomb');
    expect(err.message).toContain('zeros.bin');
  });

  it('refuses an archive that lies about its sizes', async () => {
    const liar = writeZip([
      { name: 'word/document.xml', data: '<w:document/>' },
      { name: 'word/media/blob.bin', data: Buffer.alloc(512 * 1024), declaredSize: 1000 },
    ]);
    const err = await rejectionOf(parseDocument(liar, 'docx'));
    expect(err.code).toBe('bomb');
    expect(err.message).toContain('beyond its declared size');
  });

  it('honours a total uncompressed size limit', async () => {
    const docx = writeDocx([{ text: 'Small but over a tiny limit.' }]);
    const err = await rejectionOf(
      parseDocument(docx, 'docx', {
        zipLimits: { maxUncompressedBytes: 100, maxRatio: 100, ratioFloorBytes: 1024 * 1024 },
      }),
    );
    expect(err.code).toBe('bomb');
  });
});

describe('HTML', () => {
  it('reduces an article page to its content with heading paths', async () => {
    const doc = await parseDocument(Buffer.from(articleHtml), 'html');
    expect(doc.title).toContain('Tuning PostgreSQL');
    expect(doc.blocks.some((b) => b.text.includes('Home') || b.text.includes('Copyright'))).toBe(false);
    expect(find(doc.blocks, 'shared_buffers setting')?.headingPath.at(-1)).toBe('Memory');
    expect(find(doc.blocks, 'a quarter of RAM')?.kind).toBe('list_item');
    expect(find(doc.blocks, 'Checkpoints flush')?.headingPath.slice(-2)).toEqual(['Memory', 'Checkpoints']);
    expect(find(doc.blocks, 'max_wal_size')).toMatchObject({ kind: 'code' });
    expect(find(doc.blocks, 'wal_buffers')).toMatchObject({
      kind: 'table',
      text: 'Setting | Value\nwal_buffers | 16MB',
    });
  });

  it('walks a page that is not an article in full', async () => {
    const html =
      '<html><body><nav><a href="/">Home</a></nav><h1>Status</h1><div>All systems <b>normal</b>.<p>Next check at noon.</p></div></body></html>';
    const doc = await parseDocument(Buffer.from(html), 'html');
    expect(doc.blocks.map((b) => [b.kind, b.text])).toEqual([
      ['heading', 'Status'],
      ['paragraph', 'All systems normal.'],
      ['paragraph', 'Next check at noon.'],
    ]);
  });
});

describe('HTML words kept apart', () => {
  it('by line breaks, paragraphs in table cells, a caption, nested tables read once and blocks inside a link', async () => {
    const html = [
      '<html><body><h1>Plans</h1>',
      '<p>Anna Berg<br>Head of logistics</p>',
      '<table><caption>Shipping fees to Iceland</caption>',
      '<tr><td>Pro</td><td><p>Unlimited seats</p><p>Priority support</p><p>Audit logging</p></td></tr>',
      '<tr><td>Outer A</td><td><table><tr><td>Inner X</td><td>Inner Y</td></tr></table></td></tr>',
      '</table>',
      '<a href="/hx200"><h3>HX-200 heat pump</h3><p>Quiet outdoor unit.</p></a>',
      '</body></html>',
    ].join('');
    const doc = await parseDocument(Buffer.from(html), 'html');
    const text = doc.blocks.map((b) => b.text).join('\n');
    // textContent ran them together: "BergHead", "seatsPriority supportAudit", "pumpQuiet".
    expect(find(doc.blocks, 'Anna Berg')?.text).toBe('Anna Berg Head of logistics');
    const table = doc.blocks.find((b) => b.kind === 'table')!.text;
    expect(table.split('\n')).toEqual([
      'Shipping fees to Iceland',
      'Pro | Unlimited seats Priority support Audit logging',
      'Outer A | Inner X Inner Y',
    ]);
    expect(doc.blocks.find((b) => b.kind === 'heading' && b.text === 'HX-200 heat pump')).toBeDefined();
    expect(find(doc.blocks, 'Quiet outdoor unit.')?.headingPath).toEqual(['Plans', 'HX-200 heat pump']);
    expect(text).not.toMatch(/BergHead|seatsPriority|supportAudit|pumpQuiet/);
  });
});

describe('Markdown', () => {
  it('keeps nested heading paths, list items, code and tables', async () => {
    const doc = await parseDocument(Buffer.from(nestedMarkdown), 'markdown');
    expect(doc.title).toBe('Operations Guide');
    expect(find(doc.blocks, 'stop the service first')?.headingPath).toEqual([
      'Operations Guide',
      'Backups',
      'Restore',
    ]);
    expect(find(doc.blocks, 'Verify its checksum')).toMatchObject({ kind: 'list_item', level: 2 });
    expect(find(doc.blocks, 'Copy the snapshot')).toMatchObject({
      kind: 'list_item',
      level: 1,
      text: 'Copy the snapshot',
    });
    expect(find(doc.blocks, 'blogsmith restore')?.kind).toBe('code');
    expect(find(doc.blocks, 'p95 latency')).toMatchObject({
      kind: 'table',
      headingPath: ['Operations Guide', 'Monitoring'],
    });
  });

  it('keeps the text of raw HTML blocks and line breaks, and takes front matter for metadata, not a heading', async () => {
    const md = [
      '---',
      'title: "Installing the HX-200"',
      'sidebar_position: 3',
      '---',
      '',
      'Read this first.',
      '',
      '<details><summary>Installing on Windows Server</summary>',
      '',
      '<p align="center">Requires a Kubernetes cluster &amp; Helm.</p>',
      '</details>',
      '',
      'Line one<br>line two',
      '',
      '<!-- a comment with Secretword --><script>var hidden = 1;</script>',
    ].join('\n');
    const doc = await parseDocument(Buffer.from(md), 'markdown');
    expect(doc.title).toBe('Installing the HX-200');
    const text = doc.blocks.map((b) => b.text).join('\n');
    expect(text).toContain('Installing on Windows Server');
    expect(text).toContain('Requires a Kubernetes cluster & Helm.');
    expect(text).toContain('Line one line two');
    expect(text).not.toMatch(/sidebar_position|Secretword|hidden/);
    expect(doc.blocks.every((b) => b.headingPath.length === 0)).toBe(true);
  });

  it('refuses a line too long for its expressions as too long, not as nested', async () => {
    // One 8 MB line: marked's setext-heading expression runs out of its backtracking stack.
    const err = await parseDocument(Buffer.from('abcdefgh'.repeat(2 ** 20)), 'markdown').catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DocumentRejectedError);
    expect(err).toMatchObject({ code: 'too_complex', message: expect.stringMatching(/line too long/) });
  });
});

describe('plain text', () => {
  it('splits paragraphs on blank lines', async () => {
    const doc = await parseDocument(
      Buffer.from('First line\nstill first.\n\n\nSecond.\r\n\r\nThird.'),
      'text',
    );
    expect(doc.blocks.map((b) => b.text)).toEqual(['First line still first.', 'Second.', 'Third.']);
  });

  it('refuses a document with no text', async () => {
    expect((await rejectionOf(parseDocument(Buffer.from('  \n\n \t '), 'text'))).code).toBe('empty');
    expect((await rejectionOf(parseDocument(Buffer.from('<html><body> </body></html>'), 'html'))).code).toBe(
      'empty',
    );
  });
});

describe('OpenAPI', () => {
  it('makes one block per operation from a JSON spec, plus an overview', async () => {
    const doc = await parseDocument(Buffer.from(JSON.stringify(petstoreSpec)), 'openapi');
    expect(doc.title).toBe('Pet Store');
    const ops = doc.blocks.filter((b) => b.kind === 'operation');
    expect(ops.map((b) => b.headingPath)).toEqual([
      ['pets', 'listPets'],
      ['pets', 'createPet'],
      ['stores', 'getStore'],
    ]);
    const create = ops[1]!.text;
    expect(create.split('\n')[0]).toBe('POST /pets — Create a pet');
    expect(create).toContain(
      'Request body (application/json, required): Pet { id: integer, name*: string, tag: string }',
    );
    expect(ops[0]!.text).toContain('- limit (query, integer): How many to return');
    expect(ops[0]!.text).toContain('- 200: A page of pets → array of Pet {');
    expect(ops[2]!.text).toContain('- storeId (path, string, required)');
    const overview = doc.blocks[0]!;
    expect(overview.text).toContain('Pet Store (version 1.2.0)');
    expect(overview.text).toContain('Servers: https://api.pets.example/v1');
    expect(overview.text).toContain('Authentication: bearer (http bearer)');
  });

  it('reads the same from YAML', async () => {
    const doc = await parseDocument(Buffer.from(petstoreYaml), 'openapi');
    const ops = doc.blocks.filter((b) => b.kind === 'operation');
    expect(ops).toHaveLength(3);
    expect(ops[2]).toMatchObject({ headingPath: ['stores', 'deleteStore'] });
    expect(ops[2]!.text.split('\n')[0]).toBe('DELETE /stores/{storeId} — Close a store');
    expect(doc.blocks[0]!.text).toContain('apiKey (apiKey in header X-API-Key)');
  });
});
