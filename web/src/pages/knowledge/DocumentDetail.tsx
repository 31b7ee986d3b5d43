// Knowledge › one document: its details, where ingestion is, and its passages with their headings
// and pages (what articles can cite), loaded a page at a time.
import { useEffect, useRef, useState } from 'react';
import { api, type DocumentInfo, type Json, when } from '../../api.ts';
import { Link } from '../../router.tsx';
import { Empty, ErrorBox, Loading, StatusBadge, useLoad } from '../../ui.tsx';
import { IngestionStages } from './IngestionStages.tsx';

type DocumentPassage = Json<'/api/v1/documents/{id}/passages', 'GET'>['items'][number];

/** "page 3" or "pages 3–4"; empty for a document without pages. */
export const pagesOf = (p: { pageStart: number | null; pageEnd: number | null }) =>
  p.pageStart === null
    ? ''
    : p.pageEnd !== null && p.pageEnd !== p.pageStart
      ? `pages ${p.pageStart}–${p.pageEnd}`
      : `page ${p.pageStart}`;

export function DocumentDetail({ document: d }: { document: DocumentInfo }) {
  const first = useLoad(
    () => api('GET', '/api/v1/documents/{id}/passages', { params: { id: d.id }, query: { limit: '20' } }),
    [d.id, d.status],
  );
  const [more, setMore] = useState<DocumentPassage[]>([]);
  const [cursor, setCursor] = useState<string | null | undefined>();
  const [error, setError] = useState<unknown>();
  // Opened from a search result further down the page: bring the document into view, focus on it.
  const heading = useRef<HTMLHeadingElement>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: once per document opened
  useEffect(() => {
    heading.current?.scrollIntoView({ block: 'start' });
    heading.current?.focus();
  }, [d.id]);
  const next = cursor === undefined ? first.data?.nextCursor : cursor;
  const passages = [...(first.data?.items ?? []), ...more];
  const loadMore = async () => {
    if (!next) return;
    try {
      const page = await api('GET', '/api/v1/documents/{id}/passages', {
        params: { id: d.id },
        query: { limit: '20', cursor: next },
      });
      setMore((m) => [...m, ...page.items]);
      setCursor(page.nextCursor);
    } catch (e) {
      setError(e);
    }
  };
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
      <IngestionStages document={d} />
      {d.error && <p className="field-error">{d.error}</p>}
      {d.note && <p className="meta">{d.note}</p>}
      <h3>Passages</h3>
      <ErrorBox error={error} />
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
          {next && (
            <button type="button" className="secondary" onClick={loadMore}>
              More passages
            </button>
          )}
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
