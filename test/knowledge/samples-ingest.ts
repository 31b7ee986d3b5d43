// Shared by the document API, CLI and ingestion tests: generated files and a multipart encoder.
import { randomBytes } from 'node:crypto';
import { writeDocx } from '../support/docx-writer.ts';
import { writePdf } from '../support/pdf-writer.ts';

const sentences: Record<string, string[]> = {
  solar: [
    'Photovoltaic panels on the roof convert sunlight into electricity for the house.',
    'An inverter turns the direct current of the panels into alternating current.',
    'Panels facing south at a thirty degree tilt collect the most energy in spring.',
    'Dust and shade on one cell lower the output of the whole photovoltaic string.',
  ],
  cars: [
    'The electric car charges overnight from a wall box in the garage.',
    'A car battery pack loses a little range every year of fast charging.',
    'Regenerative braking lets the car recover energy when it slows down.',
    'Most car owners charge at home and rarely need a public fast charger.',
  ],
  bees: [
    'A honeybee colony keeps its brood nest at thirty five degrees all year.',
    'The beekeeper inspects each frame for eggs, larvae and capped honey.',
    'Varroa mites weaken a honeybee colony unless they are treated in late summer.',
    'Worker bees fan their wings at the hive entrance to cool the honeycomb.',
  ],
};

/** About `lines` lines on one topic; each page of the PDF is long enough to be its own chunk. */
export function topicLines(topic: keyof typeof sentences, lines = 24): string[] {
  const pool = sentences[topic] ?? [];
  return Array.from({ length: lines }, (_, i) => pool[i % pool.length] ?? '');
}

/** Three pages: solar (1), electric cars (2), honeybees (3). `salt` makes the content unique. */
export function threePagePdf(salt = ''): Buffer {
  return writePdf([
    [`Renewable notes ${salt}`, ...topicLines('solar')],
    topicLines('cars'),
    topicLines('bees'),
  ]);
}

export function handbookDocx(salt = ''): Buffer {
  return writeDocx([
    { heading: 1, text: `Employee Handbook ${salt}` },
    { heading: 2, text: 'Leave' },
    { text: 'Every employee has twenty five days of paid vacation per calendar year.' },
    { bullet: 'Request vacation two weeks ahead in the leave planner.' },
    { heading: 2, text: 'Expenses' },
    { text: 'Travel expenses are reimbursed within thirty days with the original receipts.' },
  ]);
}

export interface FormPart {
  name: string;
  value: Buffer | string;
  filename?: string;
  contentType?: string;
}

export function multipartBody(parts: FormPart[]) {
  const boundary = `----blogsmith${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"`;
    if (p.filename !== undefined) head += `; filename="${p.filename}"`;
    head += '\r\n';
    if (p.contentType) head += `Content-Type: ${p.contentType}\r\n`;
    chunks.push(
      Buffer.from(`${head}\r\n`),
      Buffer.isBuffer(p.value) ? p.value : Buffer.from(p.value),
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    payload: Buffer.concat(chunks),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

/** A one-file upload form. */
export const fileForm = (bytes: Buffer, filename: string, extra: FormPart[] = [], contentType?: string) =>
  multipartBody([
    ...extra,
    { name: 'file', value: bytes, filename, contentType: contentType ?? 'application/octet-stream' },
  ]);

/** Synonyms folding words onto one term, so the fake embedder finds passages by meaning. */
export const carSynonyms = { automobile: 'car', vehicle: 'car', motorcar: 'car', auto: 'car' };
