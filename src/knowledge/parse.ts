// Runs the parser for a detected type and refuses documents with no text.
import { decodeText } from './detect.ts';
import { rejected } from './errors.ts';
import { parseDocx } from './parsers/docx.ts';
import { parseHtml } from './parsers/html.ts';
import { parseMarkdown } from './parsers/markdown.ts';
import { parseOpenApi } from './parsers/openapi.ts';
import { parsePdf } from './parsers/pdf.ts';
import { parseText } from './parsers/text.ts';
import type { DocumentType, ParsedDocument } from './types.ts';
import type { ZipLimits } from './zip.ts';

function textOf(bytes: Buffer): string {
  const text = decodeText(bytes);
  if (text === undefined) throw rejected('unsupported_type', 'unsupported file type: binary content');
  return text;
}

export async function parseDocument(
  bytes: Buffer,
  type: DocumentType,
  options: { zipLimits?: ZipLimits } = {},
): Promise<ParsedDocument> {
  const parsed =
    type === 'pdf'
      ? await parsePdf(bytes)
      : type === 'docx'
        ? await parseDocx(bytes, options.zipLimits)
        : type === 'html'
          ? parseHtml(textOf(bytes))
          : type === 'markdown'
            ? parseMarkdown(textOf(bytes))
            : type === 'openapi'
              ? parseOpenApi(textOf(bytes))
              : parseText(textOf(bytes));
  if (!parsed.blocks.some((b) => b.text.trim() !== ''))
    throw rejected('empty', 'the document contains no text');
  return parsed;
}
