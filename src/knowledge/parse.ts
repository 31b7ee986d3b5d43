// Runs the parser for a detected type and refuses documents with no text.
import { decodeText } from '../decode-text.ts';
import { rejected } from './errors.ts';
import type { DocumentType, ParsedDocument } from './types.ts';
import type { ZipLimits } from './zip.ts';

function textOf(bytes: Buffer, charset: string | undefined): string {
  const text = decodeText(bytes, charset);
  if (text === undefined) throw rejected('unsupported_type', 'unsupported file type: binary content');
  return text;
}

// Each parser (PDF, DOCX, DOM) is imported with the first document of its type, not at start-up.
type ParseOptions = { zipLimits?: ZipLimits | undefined; charset?: string | undefined };
const parsers: Record<DocumentType, (bytes: Buffer, options: ParseOptions) => Promise<ParsedDocument>> = {
  pdf: async (bytes) => (await import('./parsers/pdf.ts')).parsePdf(bytes),
  docx: async (bytes, { zipLimits }) => (await import('./parsers/docx.ts')).parseDocx(bytes, zipLimits),
  html: async (bytes, { charset }) => (await import('./parsers/html.ts')).parseHtml(textOf(bytes, charset)),
  markdown: async (bytes, { charset }) =>
    (await import('./parsers/markdown.ts')).parseMarkdown(textOf(bytes, charset)),
  openapi: async (bytes, { charset }) =>
    (await import('./parsers/openapi.ts')).parseOpenApi(textOf(bytes, charset)),
  text: async (bytes, { charset }) => (await import('./parsers/text.ts')).parseText(textOf(bytes, charset)),
};

export async function parseDocument(
  bytes: Buffer,
  type: DocumentType,
  options: ParseOptions = {},
): Promise<ParsedDocument> {
  let parsed: ParsedDocument;
  try {
    parsed = await parsers[type](bytes, options);
  } catch (err) {
    if (err instanceof RangeError && /call stack/i.test(err.message)) {
      // A regular expression's backtracking stack ran out: one expression over megabytes of a line
      // (marked's setext heading, from ~8 MB without a line break).
      if (/^\s+at RegExp\./m.test(err.stack ?? ''))
        throw rejected('too_complex', `the ${type} has a line too long to read: break it into lines`);
      // The DOM and XML walkers recurse per nesting level; thousands of unclosed elements overflow them.
      throw rejected('too_nested', `the ${type} nests its elements too deeply to read`);
    }
    throw err;
  }
  if (!parsed.blocks.some((b) => b.text.trim() !== ''))
    throw rejected('empty', 'the document contains no text');
  return parsed;
}
