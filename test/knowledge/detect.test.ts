import { describe, expect, it } from 'vitest';
import { declaredCharset, decodeText } from '../../src/decode-text.ts';
import { detectDocumentType } from '../../src/knowledge/detect.ts';
import { DocumentRejectedError } from '../../src/knowledge/errors.ts';
import { parseDocument } from '../../src/knowledge/parse.ts';
import { writeDocx } from '../support/docx-writer.ts';
import { writePdf } from '../support/pdf-writer.ts';
import { writeZip } from '../support/zip-writer.ts';
import { articleHtml, nestedMarkdown, petstoreSpec, petstoreYaml, pngBytes } from './samples.ts';

const rejection = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    if (err instanceof DocumentRejectedError) return err;
    throw err;
  }
  throw new Error('expected a DocumentRejectedError');
};

describe('detectDocumentType', () => {
  it('recognises each supported type by its content', () => {
    expect(detectDocumentType(writePdf([['Hello']]))).toBe('pdf');
    expect(detectDocumentType(writeDocx([{ text: 'Hello' }]))).toBe('docx');
    expect(detectDocumentType(Buffer.from(articleHtml))).toBe('html');
    expect(detectDocumentType(Buffer.from(nestedMarkdown))).toBe('markdown');
    expect(detectDocumentType(Buffer.from('Just a note.\n\nWith two paragraphs.'))).toBe('text');
    expect(detectDocumentType(Buffer.from(JSON.stringify(petstoreSpec)))).toBe('openapi');
    expect(detectDocumentType(Buffer.from(petstoreYaml))).toBe('openapi');
    expect(detectDocumentType(Buffer.from('swagger: "2.0"\ninfo:\n  title: Old\npaths: {}\n'))).toBe(
      'openapi',
    );
  });

  it('trusts content over the file name', () => {
    expect(
      detectDocumentType(writePdf([['Hello']]), { filename: 'notes.txt', declaredType: 'text/plain' }),
    ).toBe('pdf');
    const png = rejection(() =>
      detectDocumentType(pngBytes, { filename: 'readme.md', declaredType: 'text/markdown' }),
    );
    expect(png.code).toBe('unsupported_type');
    expect(png.message).toContain('PNG');
  });

  it('finds a PDF header after binary junk but not in text that mentions it', () => {
    const junk = Buffer.concat([Buffer.from([0x00, 0x9f, 0x01]), writePdf([['Hello']])]);
    expect(detectDocumentType(junk)).toBe('pdf');
    expect(detectDocumentType(Buffer.from('Every PDF starts with %PDF-1.7 and a newline.'))).toBe('text');
  });

  it('looks for Markdown signals in time linear in the text', () => {
    // A megabyte of `[` (the link pattern) or of blank lines (indentation at line starts) took
    // minutes when each pattern was tried from every position of the whole text.
    expect(detectDocumentType(Buffer.from('['.repeat(1_000_000)), { filename: 'x.json' })).toBe('text');
    expect(detectDocumentType(Buffer.from(`${'\n'.repeat(1_000_000)}x`), { filename: 'x.json' })).toBe(
      'text',
    );
    expect(detectDocumentType(Buffer.from('# Title\n\n- one\n- [a](https://a.example/x)\n'))).toBe(
      'markdown',
    );
  });

  it('reads HTML comments before the first tag in time linear in them', () => {
    // Each failed match tried every way of merging the comments before it: 22 comments 45 ms,
    // 30 about ten seconds, these 300 for ever.
    const comments = '<!-- a -->\n'.repeat(300);
    expect(detectDocumentType(Buffer.from(`${comments}Plain words after them.`))).toBe('text');
    expect(detectDocumentType(Buffer.from(`${comments}<!DOCTYPE html><html><body><p>x</p>`))).toBe('html');
    expect(detectDocumentType(Buffer.from('<!-- a --> <!-- b --><html><p>x</p></html>'))).toBe('html');
  });

  it('uses the name only to tell Markdown from plain text', () => {
    const plain = Buffer.from('A plain note without any markup at all.');
    expect(detectDocumentType(plain)).toBe('text');
    expect(detectDocumentType(plain, { filename: 'note.md' })).toBe('markdown');
    expect(detectDocumentType(Buffer.from(nestedMarkdown), { filename: 'guide.txt' })).toBe('text');
  });

  it('does not take JSON or YAML that is not an API description for OpenAPI', () => {
    expect(detectDocumentType(Buffer.from('{"openapi": "1.0", "paths": {}}'))).toBe('text');
    expect(detectDocumentType(Buffer.from('name: blogsmith\nversion: 1\n'))).toBe('text');
  });

  it('rejects archives that are not DOCX, binary data, and broken archives', () => {
    expect(rejection(() => detectDocumentType(writeZip([{ name: 'a.txt', data: 'x' }]))).code).toBe(
      'unsupported_type',
    );
    expect(rejection(() => detectDocumentType(Buffer.from([0x00, 0x01, 0x02, 0xff, 0xfe, 0x00]))).code).toBe(
      'unsupported_type',
    );
    const truncated = writeDocx([{ text: 'Hello' }]).subarray(0, 200);
    expect(rejection(() => detectDocumentType(truncated)).code).toBe('corrupt');
    // Random bytes read as Windows-1252 are still binary.
    const random = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) % 256));
    expect(rejection(() => detectDocumentType(random)).code).toBe('unsupported_type');
  });

  it('reads text in the charset it declares, else legacy text as Windows-1252 (it was refused as binary)', async () => {
    const german = 'Wärmepumpen sind effizient: 30 % weniger Kosten für Öl – “günstig”.';
    // Latin-1 served as such, with the charset in the Content-Type or only in a <meta>.
    const latin1Page = Buffer.from(
      `<html><body><p>${german.replace(/[–“”]/g, '-')}</p></body></html>`,
      'latin1',
    );
    expect(detectDocumentType(latin1Page, { declaredType: 'text/html; charset=iso-8859-1' })).toBe('html');
    const meta = Buffer.concat([
      Buffer.from('<html><head><meta charset="iso-8859-1"></head><body><p>'),
      Buffer.from('Öl und Wärme', 'latin1'),
      Buffer.from('</p></body></html>'),
    ]);
    expect(decodeText(meta, declaredCharset(meta))).toContain('Öl und Wärme');
    // A Windows text file with no declaration: its quotes and dash are Windows-1252's.
    const cp1252 = Buffer.from([
      ...Buffer.from('Kosten f', 'latin1'),
      0xfc,
      ...Buffer.from('r ', 'latin1'),
      0x93,
      ...Buffer.from('Heizung', 'latin1'),
      0x94,
      0x20,
      0x96,
      0x20,
      0x31,
    ]);
    expect(decodeText(cp1252)).toBe('Kosten für “Heizung” – 1');
    const doc = await parseDocument(cp1252, detectDocumentType(cp1252));
    expect(doc.blocks[0]?.text).toBe('Kosten für “Heizung” – 1');
    // Valid UTF-8 stays UTF-8 whatever is declared (a wrong declaration made mojibake).
    expect(decodeText(Buffer.from(german), 'iso-8859-1')).toBe(german);
    // Shift_JIS, declared.
    const sjis = Buffer.from([0x83, 0x71, 0x81, 0x5b, 0x83, 0x67, 0x83, 0x7c, 0x83, 0x93, 0x83, 0x76]);
    expect(decodeText(sjis, 'shift_jis')).toBe('ヒートポンプ');
  });
});
