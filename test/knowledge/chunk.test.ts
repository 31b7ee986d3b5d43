import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { chunkDocument, estimateTokens } from '../../src/knowledge/chunk.ts';
import { parseDocument } from '../../src/knowledge/parse.ts';
import type { Block, ParsedDocument } from '../../src/knowledge/types.ts';
import { writePdf } from '../support/pdf-writer.ts';
import { petstoreSpec } from './samples.ts';

const sentence = (n: number) => `Sentence number ${n} explains one more detail of the topic at hand.`;
const paragraph = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => sentence(from + i)).join(' ');
const doc = (blocks: Block[]): ParsedDocument => ({ type: 'markdown', blocks });

describe('chunkDocument', () => {
  const path = ['Guide', 'Install'];
  const long = doc([
    { kind: 'heading', text: 'Install', level: 2, headingPath: path },
    ...Array.from(
      { length: 12 },
      (_, i): Block => ({ kind: 'paragraph', text: paragraph(i * 3, 3), headingPath: path }),
    ),
  ]);

  it('keeps every chunk within the token budget and prefixes its heading path', () => {
    const chunks = chunkDocument(long, { maxTokens: 120, overlapTokens: 25 });
    expect(chunks.length).toBeGreaterThan(3);
    for (const [i, c] of chunks.entries()) {
      expect(c.index).toBe(i);
      expect(c.tokenCount).toBe(estimateTokens(c.text));
      expect(c.tokenCount).toBeLessThanOrEqual(120);
      expect(c.headingPath).toEqual(path);
      expect(c.text).toBe(`Guide > Install\n\n${c.rawText}`);
      expect(c.contentHash).toBe(createHash('sha256').update(c.text).digest('hex'));
    }
    // Nothing is lost: every sentence appears in some chunk.
    for (let n = 0; n < 36; n++) expect(chunks.some((c) => c.rawText.includes(sentence(n)))).toBe(true);
  });

  it('overlaps consecutive chunks of a section by whole trailing sentences', () => {
    const chunks = chunkDocument(long, { maxTokens: 120, overlapTokens: 25 });
    for (let i = 1; i < chunks.length; i++) {
      const previous = chunks[i - 1]!.rawText;
      const opening = chunks[i]!.rawText.split('\n\n')[0]!;
      expect(opening).toMatch(/^Sentence number \d+ .*\.$/);
      expect(previous.endsWith(opening)).toBe(true);
      expect(estimateTokens(opening)).toBeLessThanOrEqual(25);
    }
    const without = chunkDocument(long, { maxTokens: 120, overlapTokens: 0 });
    expect(without[1]!.rawText.startsWith(chunks[1]!.rawText)).toBe(false);
  });

  it('never splits a list item that fits the budget, and splits an oversized one at sentences', () => {
    const items = Array.from({ length: 25 }, (_, i) => `Step ${i}: ${sentence(i)}`);
    const huge = paragraph(100, 12);
    const list = doc([
      ...items.map((text): Block => ({ kind: 'list_item', text, level: 1, headingPath: ['Steps'] })),
      { kind: 'list_item', text: huge, level: 1, headingPath: ['Steps'] },
    ]);
    const chunks = chunkDocument(list, { maxTokens: 80, overlapTokens: 0 });
    for (const c of chunks) expect(c.tokenCount).toBeLessThanOrEqual(80);
    for (const item of items) {
      const holders = chunks.filter((c) => c.rawText.includes(item));
      expect(holders).toHaveLength(1);
      expect(holders[0]!.rawText.split('\n')).toContain(`- ${item}`);
    }
    const hugeParts = chunks.filter((c) => c.rawText.includes('Sentence number 1'));
    expect(hugeParts.length).toBeGreaterThan(1);
    for (const part of hugeParts) expect(part.rawText).toMatch(/\.$/);
  });

  it('splits an oversized table between rows and repeats its header row', () => {
    const rows = Array.from({ length: 40 }, (_, i) => `setting_${i} | value ${i} | default ${i * 2}`);
    const table = doc([
      { kind: 'table', text: ['Name | Value | Default', ...rows].join('\n'), headingPath: ['Settings'] },
    ]);
    const chunks = chunkDocument(table, { maxTokens: 100, overlapTokens: 0 });
    expect(chunks.length).toBeGreaterThan(2);
    for (const c of chunks) {
      expect(c.tokenCount).toBeLessThanOrEqual(100);
      expect(c.rawText.split('\n')[0]).toBe('Name | Value | Default');
    }
    const seen = chunks.flatMap((c) => c.rawText.split('\n').slice(1));
    expect(seen).toEqual(rows);
  });

  it('does not mix sections: a new heading path starts a new chunk', () => {
    const chunks = chunkDocument(
      doc([
        { kind: 'paragraph', text: 'About A.', headingPath: ['A'] },
        { kind: 'paragraph', text: 'About B.', headingPath: ['A', 'B'] },
        { kind: 'paragraph', text: 'More about B.', headingPath: ['A', 'B'] },
      ]),
    );
    expect(chunks.map((c) => [c.headingPath, c.rawText])).toEqual([
      [['A'], 'About A.'],
      [['A', 'B'], 'About B.\n\nMore about B.'],
    ]);
  });

  it('keeps each OpenAPI operation whole in its own chunk', async () => {
    const parsed = await parseDocument(Buffer.from(JSON.stringify(petstoreSpec)), 'openapi');
    const chunks = chunkDocument(parsed);
    const create = chunks.find((c) => c.headingPath.join('/') === 'pets/createPet')!;
    expect(create.text.startsWith('pets > createPet\n\nPOST /pets — Create a pet')).toBe(true);
    expect(create.rawText).toBe(parsed.blocks.find((b) => b.headingPath[1] === 'createPet')!.text);
    expect(chunks).toHaveLength(4);
  });

  it('records the pages a chunk spans', async () => {
    const pages = [[sentence(1), sentence(2)], ['The second page talks about invoices.'], [sentence(3)]];
    const parsed = await parseDocument(writePdf(pages), 'pdf');
    const [whole] = chunkDocument(parsed);
    expect(whole).toMatchObject({ pageStart: 1, pageEnd: 3 });
    const small = chunkDocument(parsed, { maxTokens: 40, overlapTokens: 0 });
    // Page one fills a chunk; pages two and three share the next.
    expect(small.map((c) => [c.pageStart, c.pageEnd])).toEqual([
      [1, 1],
      [2, 3],
    ]);
    expect(small[1]!.rawText.startsWith('The second page talks about invoices.')).toBe(true);
  });

  it('cuts text with no spaces at its sentence ends, never inside a character', () => {
    // A long Japanese paragraph: no space anywhere; 𠮷 (outside the basic plane) all through it.
    const sentence = 'ヒートポンプは外気の熱を家の中に運び、𠮷野家の近くでも冬に効率よく部屋を暖めます。';
    const text = sentence.repeat(120);
    const chunks = chunkDocument(doc([{ kind: 'paragraph', text, headingPath: [] }]), {
      maxTokens: 200,
      overlapTokens: 0,
    });
    expect(chunks.length).toBeGreaterThan(3);
    const lone = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
    for (const c of chunks) {
      expect(lone.test(c.rawText), `chunk ${c.index}`).toBe(false);
      expect(c.rawText.endsWith('。'), `chunk ${c.index} ends a sentence`).toBe(true);
    }
    // Nothing lost or doubled.
    expect(chunks.map((c) => c.rawText).join('')).toBe(text);
  });

  it('labels the overlap a chunk opens with by the page it comes from', () => {
    const onPage = (page: number, text: string): Block => ({
      kind: 'paragraph',
      text,
      headingPath: [],
      page,
    });
    const parsed = doc([
      onPage(1, paragraph(1, 3)),
      onPage(2, 'Short.'),
      onPage(2, paragraph(10, 3)),
      onPage(3, paragraph(20, 3)),
    ]);
    const chunks = chunkDocument(parsed, { maxTokens: 75, overlapTokens: 20 });
    for (const c of chunks) {
      // Every page whose words a chunk holds is within its range.
      for (const [page, words] of [
        [1, 'Sentence number 3 '],
        [2, 'Sentence number 12 '],
        [3, 'Sentence number 22 '],
      ] as const)
        if (c.rawText.includes(words))
          expect([c.pageStart! <= page, page <= c.pageEnd!], `chunk ${c.index} holds page ${page}`).toEqual([
            true,
            true,
          ]);
    }
    expect(chunks.length).toBeGreaterThan(2);
  });
});
