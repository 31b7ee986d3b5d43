// The parts of a Markdown article that SEO checks look at: headings, the first paragraph and the prose.
import { stripCitations } from '../writing/citations.ts';
import { isReferencesHeading } from '../writing/frame-headings.ts';
import { lexMarkdown } from '../writing/markdown-lexer.ts';
import { toPlainText } from '../writing/render.ts';

export interface Heading {
  level: number;
  text: string;
}

export interface SeoDocument {
  /** Every heading; the references list's, if any, is `references`. */
  headings: Heading[];
  references?: Heading;
  firstParagraph: string;
  // Body text (paragraphs, lists, quotes) as plain text, citation markers removed.
  prose: string;
}

// The references list is made of titles and URLs, not writing: it is neither counted nor scored.
// It is the last `## ` part under such a heading, in any language (frame-headings.ts; it is written
// after everything): a section the writer named "Sources" before it (or a "### Sources" inside one)
// is writing like any other.
export function seoDocument(markdown: string): SeoDocument {
  const headings: Heading[] = [];
  const prose: string[] = [];
  let firstParagraph = '';
  const tokens = lexMarkdown(markdown);
  const referencesToken = tokens.findLast(
    (t) => t.type === 'heading' && t.depth === 2 && isReferencesHeading(stripCitations(toPlainText(t.raw))),
  );
  let references: Heading | undefined;
  let inReferences = false;
  for (const token of tokens) {
    if (token.type === 'heading') {
      const text = stripCitations(toPlainText(token.raw));
      const heading = { level: token.depth, text };
      headings.push(heading);
      inReferences = token === referencesToken;
      if (inReferences) references = heading;
      continue;
    }
    if (inReferences || token.type === 'code' || token.type === 'space' || token.type === 'hr') continue;
    const text = stripCitations(toPlainText(token.raw));
    if (!text) continue;
    if (!firstParagraph && token.type === 'paragraph') firstParagraph = text;
    prose.push(text);
  }
  return { headings, ...(references && { references }), firstParagraph, prose: prose.join('\n\n') };
}

export interface HeadingReport {
  h1Count: number;
  structureIssues: {
    kind: 'multiple_h1' | 'skipped_level' | 'empty_heading';
    heading: string;
    message: string;
  }[];
}

export function headingStructure(headings: readonly Heading[]): HeadingReport {
  const structureIssues: HeadingReport['structureIssues'] = [];
  const h1Count = headings.filter((h) => h.level === 1).length;
  if (h1Count > 1) {
    for (const h of headings.filter((h) => h.level === 1).slice(1)) {
      structureIssues.push({ kind: 'multiple_h1', heading: h.text, message: `Extra H1 "${h.text}"` });
    }
  }
  let previous = 0;
  for (const h of headings) {
    if (!h.text.trim()) {
      structureIssues.push({ kind: 'empty_heading', heading: '', message: `Empty H${h.level} heading` });
    }
    if (previous > 0 && h.level > previous + 1) {
      structureIssues.push({
        kind: 'skipped_level',
        heading: h.text,
        message: `H${h.level} "${h.text}" follows an H${previous}: H${previous + 1} was skipped`,
      });
    }
    previous = h.level;
  }
  return { h1Count, structureIssues };
}
