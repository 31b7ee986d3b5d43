// Uploads read in the document-reading process: the same chunks as on this thread, its refusals with
// their code and message, and a crafted document that would run for many minutes refused at its
// time while this thread keeps running and the next document is read.
import { afterAll, describe, expect, it } from 'vitest';
import { DocumentRejectedError } from '../../src/knowledge/errors.ts';
import { parseAndChunk } from '../../src/knowledge/ingest-document.ts';
import {
  closeDocumentReaders,
  maxWaitingUploads,
  parseAndChunkOffThread,
} from '../../src/knowledge/parse-pool.ts';
import { documentTypes } from '../../src/knowledge/types.ts';
import { writeInflatingPdf, writeNestedFormsPdf, writePdf } from '../support/pdf-writer.ts';
import { articleHtml, nestedMarkdown } from './samples.ts';
import { handbookDocx, threePagePdf } from './samples-ingest.ts';

afterAll(() => closeDocumentReaders());

const limits = { maxBytes: 1024 * 1024, allowedTypes: documentTypes };
const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e,
  );

describe('parseAndChunkOffThread', () => {
  it('chunks PDF, DOCX, HTML and Markdown exactly as this thread does', async () => {
    const files: Array<[Buffer, string]> = [
      [threePagePdf(), 'report.pdf'],
      [handbookDocx(), 'handbook.docx'],
      [Buffer.from(articleHtml), 'article.html'],
      [Buffer.from(nestedMarkdown), 'guide.md'],
    ];
    for (const [bytes, filename] of files) {
      const there = await parseAndChunkOffThread(bytes, { ...limits, filename });
      expect(there).toEqual(await parseAndChunk(bytes, { ...limits, filename }));
      expect(there.chunks.length).toBeGreaterThan(0);
    }
  });

  it('carries refusals across with their code and message', async () => {
    const encrypted = await refusal(
      parseAndChunkOffThread(writePdf([['Secret']], { encrypted: true }), { ...limits, filename: 's.pdf' }),
    );
    expect(encrypted).toBeInstanceOf(DocumentRejectedError);
    expect(encrypted).toMatchObject({ code: 'encrypted', message: expect.stringMatching(/encrypted PDF/) });

    // Thousands of unclosed list items overflow the HTML walker's stack: refused, not an error.
    const nested = await refusal(
      parseAndChunkOffThread(Buffer.from(`<html><body>${'<ul><li>'.repeat(20_000)}x`), {
        ...limits,
        filename: 'deep.html',
      }),
    );
    expect(nested).toBeInstanceOf(DocumentRejectedError);
    expect(nested).toMatchObject({ code: 'too_nested' });
    expect((nested as DocumentRejectedError).toAppError()).toMatchObject({ code: 'validation_error' });

    const big = await refusal(parseAndChunkOffThread(Buffer.alloc(2 * 1024 * 1024, 0x61), limits));
    expect(big).toMatchObject({ code: 'too_large', message: 'file is 2 MB; the limit is 1 MB' });
  });

  it('refuses a document that takes longer than its time, and reads the next one', async () => {
    // 10^8 text runs: many minutes of pdf.js, in a 2 kB file.
    const hostile = writeNestedFormsPdf(8);
    expect(hostile.byteLength).toBeLessThan(4096);
    let ticks = 0;
    const ticking = setInterval(() => ticks++, 20);
    const started = performance.now();
    const late = await refusal(
      parseAndChunkOffThread(hostile, { ...limits, filename: 'forms.pdf' }, { timeoutMs: 2_000 }),
    );
    const waited = performance.now() - started;
    clearInterval(ticking);
    expect(late).toBeInstanceOf(DocumentRejectedError);
    expect(late).toMatchObject({
      code: 'too_complex',
      message: expect.stringMatching(/could not be read within 2 s/),
    });
    expect((late as DocumentRejectedError).toAppError()).toMatchObject({
      code: 'validation_error',
      details: { reason: 'too_complex' },
    });
    // This thread was free all along: its timer ran through the wait (a blocked thread would tick
    // once at the end).
    expect(ticks).toBeGreaterThan(waited / 20 / 4);
    const next = await parseAndChunkOffThread(threePagePdf(), { ...limits, filename: 'next.pdf' });
    expect(next.pageCount).toBe(3);
  });

  it('refuses a PDF whose stream inflates past the memory a document may take', async () => {
    // 0.5 MB that inflates to 512 MB: pdf.js keeps a stream's decoded bytes in one buffer, outside the
    // heap its process is limited to (a 1 GB one grew the process to 2.3 GB), and more besides.
    const bomb = writeInflatingPdf(512);
    expect(bomb.byteLength).toBeLessThan(limits.maxBytes);
    const refused = await refusal(parseAndChunkOffThread(bomb, { ...limits, filename: 'bomb.pdf' }));
    expect(refused).toBeInstanceOf(DocumentRejectedError);
    expect(refused).toMatchObject({
      code: 'too_complex',
      message: expect.stringMatching(/could not be read within 768 MB of memory/),
    });
    // The same shape at a size a document may take is read.
    const modest = await parseAndChunkOffThread(writeInflatingPdf(16), { ...limits, filename: 'ok.pdf' });
    expect(modest.chunks.map((c) => c.text)).toEqual(['Words after the spaces']);
  });

  it('reads another workspace’s document before the rest of one workspace’s pile', async () => {
    const finished: string[] = [];
    const read = (name: string, bytes: Buffer, workspaceId: string) =>
      refusal(
        parseAndChunkOffThread(
          bytes,
          { ...limits, filename: `${name}.pdf` },
          { workspaceId, timeoutMs: 1_500 },
        ),
      ).then((outcome) => {
        finished.push(name);
        return outcome;
      });
    // Each hostile document holds the reading process for its whole time.
    const pile = ['hostile1', 'hostile2', 'hostile3'].map((name) =>
      read(name, writeNestedFormsPdf(8), 'workspace-a'),
    );
    await new Promise((r) => setTimeout(r, 50));
    const other = read('other', threePagePdf(), 'workspace-b');
    expect(await other).toBeUndefined();
    await Promise.all(pile);
    expect(finished.indexOf('other')).toBeLessThan(finished.indexOf('hostile3'));
  });

  it('refuses an upload that would wait behind too many of its workspace’s', async () => {
    const uploads = Array.from({ length: 8 }, (_, i) =>
      refusal(
        parseAndChunkOffThread(
          writeNestedFormsPdf(8),
          { ...limits, filename: `f${i}.pdf` },
          { workspaceId: 'workspace-c', refuseWhenBusy: true, timeoutMs: 500 },
        ),
      ),
    );
    const outcomes = await Promise.all(uploads);
    const busy = outcomes.filter((e) => (e as { code?: string }).code === 'rate_limited');
    // One or two read at once (one process per core but one, at most two), four wait.
    expect(busy.length).toBeGreaterThanOrEqual(2);
    expect(busy[0]).toMatchObject({
      message: `${maxWaitingUploads.perWorkspace} documents of this workspace are already waiting to be read; upload this one when one of them is done`,
      retryAfterSeconds: 30,
    });
    expect(outcomes.filter((e) => e instanceof DocumentRejectedError)).toHaveLength(8 - busy.length);
  });

  it('lets the caller abort a document being read', async () => {
    const controller = new AbortController();
    const reading = refusal(
      parseAndChunkOffThread(
        writeNestedFormsPdf(8),
        { ...limits, filename: 'f.pdf' },
        { signal: controller.signal },
      ),
    );
    setTimeout(() => controller.abort(), 100);
    const err = await reading;
    expect(err).not.toBeInstanceOf(DocumentRejectedError);
    expect((err as Error).name).toBe('AbortError');
  });
});
