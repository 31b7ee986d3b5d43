// DOCX through mammoth (to HTML, then the HTML block walker), after the archive passed the bomb guard.

import { parseHTML } from 'linkedom';
import mammoth from 'mammoth';
import { rejected } from '../errors.ts';
import type { ParsedDocument } from '../types.ts';
import { assertZipIsSafe, readZipDirectory, type ZipLimits } from '../zip.ts';
import { htmlToBlocks } from './html.ts';

export async function parseDocx(bytes: Buffer, limits?: ZipLimits): Promise<ParsedDocument> {
  assertZipIsSafe(bytes, readZipDirectory(bytes), limits);
  let html: string;
  try {
    html = (
      await mammoth.convertToHtml(
        { buffer: bytes },
        {
          // Never follow links to files outside the upload (a server-side file read), and skip
          // base64-encoding images whose bytes the text blocks do not use.
          externalFileAccess: false,
          convertImage: mammoth.images.imgElement(async () => ({ src: '' })),
        },
      )
    ).value;
  } catch (err) {
    throw rejected('corrupt', `corrupt DOCX: ${(err as Error).message}`);
  }
  const { document } = parseHTML(`<!doctype html><html><body>${html}</body></html>`);
  const blocks = htmlToBlocks(document.body);
  const title = blocks.find((b) => b.kind === 'heading' && b.level === 1)?.text;
  return { type: 'docx', ...(title === undefined ? {} : { title }), blocks };
}
