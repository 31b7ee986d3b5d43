// Recognises a document by its bytes. A name or declared MIME type never turns binary into text;
// it only breaks the tie between Markdown and plain text, which share every byte pattern.
import { declaredCharset, decodeText } from '../decode-text.ts';
import { lazyModule } from '../lazy-module.ts';
import { rejected } from './errors.ts';
import type { DocumentType } from './types.ts';
import { looksLikeZip, readZipDirectory } from './zip.ts';

export interface DetectionHints {
  filename?: string;
  declaredType?: string;
}

const yaml = lazyModule<typeof import('yaml')>('yaml');

// Magic numbers of common formats we do not ingest, named in the error so the user knows why.
const knownBinaries: [string, number[]][] = [
  ['PNG image', [0x89, 0x50, 0x4e, 0x47]],
  ['JPEG image', [0xff, 0xd8, 0xff]],
  ['GIF image', [0x47, 0x49, 0x46, 0x38]],
  ['gzip archive', [0x1f, 0x8b]],
  ['legacy Office document (save it as DOCX)', [0xd0, 0xcf, 0x11, 0xe0]],
  ['RAR archive', [0x52, 0x61, 0x72, 0x21]],
  ['7z archive', [0x37, 0x7a, 0xbc, 0xaf]],
];

const startsWith = (bytes: Uint8Array, magic: number[]) => magic.every((b, i) => bytes[i] === b);

/** The OpenAPI/Swagger version an object declares, if any. */
export function openApiVersion(value: unknown): string | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  if (typeof record.openapi === 'string' && /^3\.\d+(\.\d+)?/.test(record.openapi)) return record.openapi;
  if (String(record.swagger) === '2.0') return '2.0';
  return undefined;
}

/** Parses JSON or YAML text that declares an OpenAPI/Swagger version; undefined otherwise. */
export function parseOpenApiText(text: string): Record<string, unknown> | undefined {
  const trimmed = text.trim();
  let value: unknown;
  if (trimmed.startsWith('{')) {
    try {
      value = JSON.parse(trimmed);
    } catch {
      return undefined;
    }
  } else if (/^(openapi|swagger)\s*:/m.test(trimmed) || /^["']?(openapi|swagger)["']?\s*:/m.test(trimmed)) {
    try {
      value = yaml().parse(trimmed, { maxAliasCount: 100 });
    } catch {
      return undefined;
    }
  }
  return openApiVersion(value) ? (value as Record<string, unknown>) : undefined;
}

// A comment's body may not hold `-->`: with a lazy body, each failed match tried every way of
// merging the comments before it — 22 comments 45 ms, 30 about ten seconds, the 4 kB head's 400 for ever.
const htmlStart =
  /^\s*(?:<!--(?:(?!-->)[\s\S])*-->\s*)*(?:<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>])/i;
const htmlTags = /<(p|div|h[1-6]|article|section|ul|ol|table|title|meta|a\s)[\s>]/gi;

function looksLikeHtml(text: string): boolean {
  const head = text.slice(0, 4096);
  if (htmlStart.test(head)) return true;
  // A fragment that starts with a tag and is mostly markup.
  return /^\s*</.test(head) && (head.match(htmlTags)?.length ?? 0) >= 2;
}

// Each pattern runs in time linear in the text: a line start's indentation never crosses a line,
// and a link's parts are bounded (`\[[^\]]+\]` tried from each of 1 MB of `[` ran for minutes).
const markdownPatterns = [
  /^#{1,6}[ \t]+\S/m,
  /^```/m,
  /^[ \t]*[-*+][ \t]+\S/m,
  /^[ \t]*\d+\.[ \t]+\S/m,
  /\[[^\]\n]{1,500}\]\([^)\s]{1,2000}\)/,
  /^.+\n(=+|-+)[ \t]*$/m,
  /^>\s/m,
  /\*\*[^*]+\*\*/,
];
// A Markdown file shows its markup early; the rest of a large file decides nothing.
const markdownSignalSpan = 64 * 1024;

function markdownSignals(text: string): number {
  const head = text.slice(0, markdownSignalSpan);
  return markdownPatterns.filter((p) => p.test(head)).length;
}

function hintsMarkdown(hints: DetectionHints): boolean | undefined {
  const name = hints.filename?.toLowerCase() ?? '';
  const type = hints.declaredType?.toLowerCase() ?? '';
  if (/\.(md|markdown|mdx)$/.test(name) || type.includes('markdown')) return true;
  if (/\.txt$/.test(name) || type.startsWith('text/plain')) return false;
  return undefined;
}

/** The document's type by content; throws `unsupported_type` for anything else. */
export function detectDocumentType(bytes: Uint8Array, hints: DetectionHints = {}): DocumentType {
  // PDF readers accept junk before the header within the first 1 KB; so do we, unless the "junk"
  // is text, which may well be a note that merely mentions a PDF header.
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 1024)).toString(
    'latin1',
  );
  const pdfAt = head.search(/%PDF-\d\.\d/);
  const charset = declaredCharset(bytes, hints.declaredType);
  if (pdfAt === 0 || (pdfAt > 0 && decodeText(bytes, charset) === undefined)) return 'pdf';

  if (looksLikeZip(bytes)) {
    const entries = readZipDirectory(bytes);
    if (entries.some((e) => e.name === 'word/document.xml')) return 'docx';
    throw rejected(
      'unsupported_type',
      'unsupported file type: a ZIP archive that is not a Word (DOCX) document',
    );
  }
  for (const [what, magic] of knownBinaries) {
    if (startsWith(bytes, magic)) throw rejected('unsupported_type', `unsupported file type: ${what}`);
  }

  const text = decodeText(bytes, charset);
  if (text === undefined) throw rejected('unsupported_type', 'unsupported file type: binary content');
  if (parseOpenApiText(text)) return 'openapi';
  if (looksLikeHtml(text)) return 'html';

  const hinted = hintsMarkdown(hints);
  if (hinted !== undefined) return hinted ? 'markdown' : 'text';
  return markdownSignals(text) >= 2 ? 'markdown' : 'text';
}
