// Builds a real DOCX (WordprocessingML in a ZIP) with headings, paragraphs and bulleted list items,
// using Word's built-in style ids so mammoth maps them as Word would.
import { writeZip } from './zip-writer.ts';

export type DocxParagraph =
  | { heading: 1 | 2 | 3; text: string }
  | { bullet: string; level?: number }
  | { text: string };

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"';

function paragraphXml(p: DocxParagraph): string {
  const run = (text: string) => `<w:r><w:t xml:space="preserve">${esc(text)}</w:t></w:r>`;
  if ('heading' in p)
    return `<w:p><w:pPr><w:pStyle w:val="Heading${p.heading}"/></w:pPr>${run(p.text)}</w:p>`;
  if ('bullet' in p)
    return `<w:p><w:pPr><w:numPr><w:ilvl w:val="${p.level ?? 0}"/><w:numId w:val="1"/></w:numPr></w:pPr>${run(p.bullet)}</w:p>`;
  return `<w:p>${run(p.text)}</w:p>`;
}

export function writeDocx(paragraphs: DocxParagraph[]): Buffer {
  const headingStyles = [1, 2, 3]
    .map(
      (n) => `<w:style w:type="paragraph" w:styleId="Heading${n}"><w:name w:val="heading ${n}"/></w:style>`,
    )
    .join('');
  const levels = [0, 1, 2]
    .map((l) => `<w:lvl w:ilvl="${l}"><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/></w:lvl>`)
    .join('');
  return writeZip([
    {
      name: '[Content_Types].xml',
      data:
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
        '<Default Extension="xml" ContentType="application/xml"/>' +
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
    },
    {
      name: '_rels/.rels',
      data:
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
    },
    {
      name: 'word/_rels/document.xml.rels',
      data:
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>' +
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/></Relationships>',
    },
    {
      name: 'word/styles.xml',
      data: `<?xml version="1.0" encoding="UTF-8"?><w:styles ${W}>${headingStyles}</w:styles>`,
    },
    {
      name: 'word/numbering.xml',
      data: `<?xml version="1.0" encoding="UTF-8"?><w:numbering ${W}><w:abstractNum w:abstractNumId="0">${levels}</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>`,
    },
    {
      name: 'word/document.xml',
      data: `<?xml version="1.0" encoding="UTF-8"?><w:document ${W}><w:body>${paragraphs.map(paragraphXml).join('')}</w:body></w:document>`,
    },
  ]);
}
