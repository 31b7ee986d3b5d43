import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { DocumentRejectedError } from '../../src/knowledge/errors.ts';
import { documentLimits, parseAndChunk } from '../../src/knowledge/ingest-document.ts';
import { documentTypes } from '../../src/knowledge/types.ts';
import { writeDocx } from '../support/docx-writer.ts';
import { writePdf } from '../support/pdf-writer.ts';
import { pngBytes } from './samples.ts';

const limits = { maxBytes: 1024 * 1024, allowedTypes: documentTypes };
const rejectionOf = async (promise: Promise<unknown>) => {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DocumentRejectedError);
  return err as DocumentRejectedError;
};

describe('parseAndChunk', () => {
  it('turns a PDF named .txt into page-numbered chunks with the hash of its bytes', async () => {
    const pdf = writePdf([['Quarterly revenue grew.'], ['Costs fell on page two.'], ['Outlook is stable.']]);
    const result = await parseAndChunk(pdf, { ...limits, filename: 'q3-report.txt' });
    expect(result.type).toBe('pdf');
    expect(result.pageCount).toBe(3);
    expect(result.title).toBe('q3-report');
    expect(result.contentHash).toBe(createHash('sha256').update(pdf).digest('hex'));
    expect(result.chunks[0]).toMatchObject({ pageStart: 1, pageEnd: 3 });
    const again = await parseAndChunk(Buffer.from(pdf), { ...limits, filename: 'other-name.pdf' });
    expect(again.contentHash).toBe(result.contentHash);
  });

  it('chunks a DOCX under its heading paths', async () => {
    const docx = writeDocx([
      { heading: 1, text: 'Policy' },
      { heading: 2, text: 'Travel' },
      { bullet: 'Book economy class' },
      { bullet: 'Keep receipts' },
    ]);
    const result = await parseAndChunk(docx, { ...limits, filename: 'policy.docx' });
    expect(result).toMatchObject({ type: 'docx', title: 'Policy' });
    expect(result.chunks).toEqual([
      expect.objectContaining({
        headingPath: ['Policy', 'Travel'],
        rawText: '- Book economy class\n- Keep receipts',
        text: 'Policy > Travel\n\n- Book economy class\n- Keep receipts',
      }),
    ]);
  });

  it('refuses an oversized file before looking at it', async () => {
    const err = await rejectionOf(parseAndChunk(Buffer.alloc(2 * 1024 * 1024, 0x61), limits));
    expect(err.code).toBe('too_large');
    expect(err.message).toBe('file is 2 MB; the limit is 1 MB');
    expect(err.toAppError()).toMatchObject({ code: 'payload_too_large', details: { reason: 'too_large' } });
  });

  it('refuses types outside the allowed list, unknown types, and empty files', async () => {
    const onlyPdf = { ...limits, allowedTypes: ['pdf'] as const };
    const md = await rejectionOf(parseAndChunk(Buffer.from('# Title\n\n- first\n- second'), onlyPdf));
    expect(md.code).toBe('unsupported_type');
    expect(md.message).toContain('markdown files are not accepted');
    const png = await rejectionOf(parseAndChunk(pngBytes, { ...limits, filename: 'diagram.md' }));
    expect(png.toAppError()).toMatchObject({ code: 'unsupported_media_type' });
    const empty = await rejectionOf(parseAndChunk(Buffer.alloc(0), limits));
    expect(empty.code).toBe('empty');
    expect(empty.toAppError().code).toBe('validation_error');
  });

  it('takes its limits from MAX_FILE_SIZE_MB and ALLOWED_FILE_TYPES', () => {
    expect(documentLimits(loadConfig({}))).toEqual({
      maxBytes: 25 * 1024 * 1024,
      allowedTypes: [...documentTypes],
    });
    expect(documentLimits(loadConfig({ MAX_FILE_SIZE_MB: '2', ALLOWED_FILE_TYPES: 'pdf, docx' }))).toEqual({
      maxBytes: 2 * 1024 * 1024,
      allowedTypes: ['pdf', 'docx'],
    });
    expect(() => loadConfig({ ALLOWED_FILE_TYPES: 'pdf,exe' })).toThrow(/ALLOWED_FILE_TYPES/);
  });
});
