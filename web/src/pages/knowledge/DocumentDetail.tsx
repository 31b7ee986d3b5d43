// Knowledge › one document: its details, where ingestion is, and its passages with their headings
// and pages (what articles can cite), loaded a page at a time.
import { useEffect, useRef } from 'react';
import { api, type DocumentInfo, when } from '../../api.ts';
import { LoadMore, usePagedLoad } from '../../components/LoadMore.tsx';
import { Link } from '../../router.tsx';
import { Empty, ErrorBox, Loading, StatusBadge } from '../../ui.tsx';
import { IngestionStages } from './IngestionStages.tsx';

/** "page 3" or "pages 3–4"; empty for a document without pages. */
export const pagesOf = (p: { pageStart: number | null; pageEnd: number | null }) =>
  p.pageStart === null
    ? ''
    : p.pageEnd !== null && p.pageEnd !== p.pageStart
      ? `pages ${p.pageStart}–${p.pageEnd}`
      : `page ${p.pageStart}`;

export function DocumentDetail({ document: d }: { document: DocumentInfo }) {
  // Another document, or this one finishing its ingestion, starts the list over.
  const first = usePagedLoad(
    (cursor) =>
      api('GET', '/api/v1/documents/{id}/passages', {
        params: { id: d.id },
        query: { limit: 20, ...(cursor ? { cursor } : {}) },
      }),
    [d.id, d.status],
  );
  // Opened from a search result further down the page: bring the document into view, focus on it.
  const heading = useRef<HTMLHeadingElement>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: once per document opened
  useEffect(() => {
    heading.current?.scrollIntoView({ block: 'start' });
    heading.current?.focus();
  }, [d.id]);
  const passages = first.data?.items ?? [];
  return (
    <section className="card" aria-labelledby="document-heading">
      <p>
        <Link to="/knowledge">← All documents</Link>
      </p>
      <h2 id="document-heading" className="break" ref={heading} tabIndex={-1}>
        {d.title}
      </h2>
      <p className="meta">
        <StatusBadge status={d.status} /> {d.type.toUpperCase()}
        {d.pageCount ? ` · ${d.pageCount} pages` : ''} · {d.chunkCount} passage{d.chunkCount === 1 ? '' : 's'}{' '}
        · added {when(d.createdAt)}
        {d.sourceUrl ? (
          <>
            {' '}
            · from <span className="break">{d.sourceUrl}</span>
          </>
        ) : null}
      </p>
      {d.tags.length > 0 && <p className="meta">Tags: {d.tags.join(', ')}</p>}
      <IngestionStages document={d} />
      {d.error && <p className="field-error">{d.error}</p>}
      {d.note && <p className="meta">{d.note}</p>}
      <h3>Passages</h3>
      {first.loading && !first.data ? (
        <Loading />
      ) : first.error ? (
        <ErrorBox error={first.error} />
      ) : passages.length ? (
        <>
          <ol className="passages" aria-label="Passages">
            {passages.map((p) => (
              <li key={p.index} id={`passage-${p.index}`}>
                <span className="meta">
                  {[p.headingPath.join(' › '), pagesOf(p)].filter(Boolean).join(' · ') ||
                    `Passage ${p.index + 1}`}
                </span>
                <blockquote className="excerpt">{p.text}</blockquote>
              </li>
            ))}
          </ol>
          <LoadMore list={first} noun="passage" />
        </>
      ) : (
        <Empty>
          {d.status === 'ready'
            ? 'This document has no passages.'
            : 'Passages appear here once the document is ready.'}
        </Empty>
      )}
    </section>
  );
}
