// The shapes shared by detection, parsing and chunking of uploaded documents.
export const documentTypes = ['pdf', 'docx', 'markdown', 'text', 'html', 'openapi'] as const;
export type DocumentType = (typeof documentTypes)[number];

/** A document's ingestion state: queued → processing → ready | failed (failed may be queued again). */
export const documentStatuses = ['queued', 'processing', 'ready', 'failed'] as const;
export type DocumentStatus = (typeof documentStatuses)[number];

export type BlockKind = 'heading' | 'paragraph' | 'list_item' | 'code' | 'table' | 'operation';

export interface Block {
  kind: BlockKind;
  text: string;
  /** Heading level 1–6 for headings; nesting depth (1 = top) for list items. */
  level?: number;
  /** 1-based page number, for paged formats (PDF). */
  page?: number;
  /** Titles of the enclosing headings, outermost first; for a heading block, includes itself. */
  headingPath: string[];
}

export interface ParsedDocument {
  type: DocumentType;
  title?: string;
  blocks: Block[];
  pageCount?: number;
}

export interface Chunk {
  index: number;
  /** The text to embed and index: the heading path as a context line, then the raw text. */
  text: string;
  /** The chunk's own words, without the heading context line (for display and citation). */
  rawText: string;
  tokenCount: number;
  headingPath: string[];
  pageStart?: number;
  pageEnd?: number;
  /** sha256 (hex) of `text`. */
  contentHash: string;
}
