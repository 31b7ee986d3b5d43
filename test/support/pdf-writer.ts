// Writes small but valid PDFs (one Helvetica text line per string, one page per array), so the
// knowledge tests run on real files without committing binaries. `encrypted` adds a Standard
// security handler whose /U entry matches no password, which a reader must refuse to open.
import { constants, deflateRawSync } from 'node:zlib';

export function writePdf(pages: string[][], options: { encrypted?: boolean } = {}): Buffer {
  const objects: string[] = [];
  const add = (body: string) => objects.push(body);
  const pageIds = pages.map((_, i) => 4 + i * 2);

  add('<< /Type /Catalog /Pages 2 0 R >>');
  add(`<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pages.length} >>`);
  add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>');
  for (const [i, lines] of pages.entries()) {
    const stream = [
      'BT /F1 12 Tf 14 TL 72 720 Td',
      ...lines.map((line) => `(${line.replace(/[\\()]/g, (c) => `\\${c}`)}) Tj T*`),
      'ET',
    ].join('\n');
    add(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents ${pageIds[i]! + 1} 0 R >>`,
    );
    add(`<< /Length ${Buffer.byteLength(stream, 'latin1')} >>\nstream\n${stream}\nendstream`);
  }
  let encryptRef = '';
  if (options.encrypted) {
    const filler = '7'.repeat(64);
    add(`<< /Filter /Standard /V 1 /R 2 /O <${filler}> /U <${'3'.repeat(64)}> /P -4 >>`);
    encryptRef = ` /Encrypt ${objects.length} 0 R /ID [<0123456789abcdef0123456789abcdef> <0123456789abcdef0123456789abcdef>]`;
  }

  return assemble(objects, encryptRef);
}

/**
 * A 2 kB PDF whose one page draws a form that draws the form below it ten times, `depth` levels
 * down: 10^depth text runs for a reader to interpret (8 levels ran for over 2 minutes in pdf.js).
 */
export function writeNestedFormsPdf(depth: number): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [4 0 R] /Count 1 >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /XObject << /X0 6 0 R >> >> /Contents 5 0 R >>',
    '<< /Length 6 >>\nstream\n/X0 Do\nendstream',
  ];
  for (let level = 0; level < depth; level++) {
    const leaf = level === depth - 1;
    const body = leaf ? 'BT /F1 12 Tf (leaf words here) Tj ET' : '/X0 Do '.repeat(10);
    const resources = leaf
      ? '<< /Font << /F1 3 0 R >> >>'
      : `<< /XObject << /X0 ${objects.length + 2} 0 R >> >>`;
    objects.push(
      `<< /Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources ${resources} /Length ${body.length} >>\nstream\n${body}\nendstream`,
    );
  }
  return assemble(objects, '');
}

/**
 * A PDF whose one page's content stream inflates (FlateDecode) to `megabytes` MB of spaces before its
 * one line of text: ~1 kB a megabyte, as a decompression bomb is. The stream is one compressed
 * megabyte repeated (raw deflate pieces ending on a sync flush join into one stream); its checksum
 * is left zero, which a PDF reader does not check.
 */
export function writeInflatingPdf(megabytes: number): Buffer {
  const piece = deflateRawSync(Buffer.alloc(1024 * 1024, 0x20), { finishFlush: constants.Z_SYNC_FLUSH });
  const stream = Buffer.concat([
    Buffer.from([0x78, 0x9c]),
    ...Array.from({ length: megabytes }, () => piece),
    deflateRawSync(Buffer.from('\nBT /F1 12 Tf 72 720 Td (Words after the spaces) Tj ET')),
    Buffer.alloc(4),
  ]).toString('latin1');
  return assemble(
    [
      '<< /Type /Catalog /Pages 2 0 R >>',
      '<< /Type /Pages /Kids [4 0 R] /Count 1 >>',
      '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents 5 0 R >>',
      `<< /Length ${stream.length} /Filter /FlateDecode >>\nstream\n${stream}\nendstream`,
    ],
    '',
  );
}

// Object 1 is the catalog; `trailerExtra` is added to the trailer dictionary.
function assemble(objects: string[], trailerExtra: string): Buffer {
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  for (const [i, body] of objects.entries()) {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  }
  const xrefAt = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) out += `${String(offset).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R${trailerExtra} >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}
